import BankCore
import Foundation
import Synchronization

/// Which customer owns which account, remembered per node: an account's id, owner, kind and currency never change
/// once it is opened (the ledger has no operation that transfers or re-keys an account), so the ownership check of
/// every account request (RFC 9396 §9.1 enforcement in `BankGrant`) needs the database only the first time. Balances
/// are never cached. Bounded: when full it starts over.
final class AccountDirectory: Sendable {
    private let store: any BankStore
    private let capacity: Int
    private let accounts = Mutex<[String: Account]>([:])

    init(store: any BankStore, capacity: Int = 50_000) {
        self.store = store
        self.capacity = capacity
    }

    /// The account with this id, or nil when there is none.
    func account(id: String) async throws -> Account? {
        if let known = accounts.withLock({ $0[id] }) { return known }
        guard let account = try await store.account(id: id)?.account else { return nil }
        accounts.withLock { accounts in
            if accounts.count >= capacity { accounts.removeAll(keepingCapacity: true) }
            accounts[id] = account
        }
        return account
    }
}
