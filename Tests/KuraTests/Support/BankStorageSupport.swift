import AuthorizationServer
import BankCore
import Foundation
import OAuthCore
import Logging
import PostgresNIO
import StoragePostgres
import Testing

/// Records for the bank ledger conformance tests: customers, accounts, funding bookings and transfers. Instants are
/// whole milliseconds (as stored), so round trips compare equal.
enum BankFixture {
    /// The bank's funding account (system: may go negative), counterpart of every funding booking.
    static let fundingAccountID = "acc_funding"
    static let clearingAccountID = "acc_clearing"

    static func at(_ seconds: TimeInterval) -> Date { StorageFixture.at(seconds) }

    /// A customer account `acc_<suffix>` numbered `001-<number>`.
    static func account(
        _ id: String, number: String, userID: String? = "user-1", kind: AccountKind = .ordinary, currency: Currency = .jpy,
        branch: String = "001"
    ) -> Account {
        Account(id: id, userID: userID, kind: kind, currency: currency, branchCode: branch, accountNumber: number,
                name: kind == .savings ? "Savings" : "Ordinary deposit", holderName: "ヤマダ タロウ \(id)", openedAt: at(0.5))
    }

    /// A system account (no customer) in `currency`.
    static func system(_ id: String, number: String, currency: Currency = .jpy) -> Account {
        account(id, number: number, userID: nil, kind: .system, currency: currency, branch: "999")
    }

    /// Moves `amount` from the funding account to `accountID`.
    static func funding(_ id: String, to accountID: String, amount: Int64, from source: String = fundingAccountID,
                        at time: Date = at(1)) -> Booking {
        Booking(id: id, bookedAt: time, legs: [
            .init(accountID: source, amountMinor: -amount, description: "Funding"),
            .init(accountID: accountID, amountMinor: amount, description: "Deposit", counterpartyName: "Kura Bank"),
        ])
    }

    static let creditor = BankAccountReference(bankCode: "0999", branchCode: "001", accountNumber: "7654321", name: "スズキ ハナコ")

    /// A transfer of `amount` (minor units of `currency`) from `from` to `to`.
    static func transfer(
        _ id: String, from: String, to: String, amount: Int64, currency: Currency = .jpy, key: String? = nil,
        hash: String = "hash-1", consent: String? = nil, client: String = "partner-1", at time: Date = at(10)
    ) -> Transfer {
        Transfer(id: id, clientID: client, userID: "user-1", idempotencyKey: key ?? "key-\(id)", requestHash: hash,
                 consentID: consent, debtorAccountID: from, creditedAccountID: to, creditor: creditor,
                 amount: Money(minorUnits: amount, currency: currency), remittanceInformation: "Invoice 42", createdAt: time)
    }

    /// Creates customer `user-1`, the funding and clearing accounts, and `balances.count` JPY customer accounts
    /// `acc_0`… funded with the given balances (one funding booking `fund-<index>` each, none for a zero balance). Returns the customer account ids.
    @discardableResult
    static func fundedLedger(_ bank: any BankStore, _ stores: Stores, balances: [Int64], currency: Currency = .jpy) async throws -> [String] {
        try await stores.users.insert(StorageFixture.user())
        try await bank.createAccount(system(fundingAccountID, number: "0000001", currency: currency))
        try await bank.createAccount(system(clearingAccountID, number: "0000002", currency: currency))
        var ids: [String] = []
        for (index, balance) in balances.enumerated() {
            let id = "acc_\(index)"
            try await bank.createAccount(account(id, number: String(format: "%07d", 1_000 + index), currency: currency))
            if balance != 0 { try await bank.post(funding("fund-\(index)", to: id, amount: balance)) }
            ids.append(id)
        }
        return ids
    }

    /// Every entry of the account, newest first, read page by page.
    static func allEntries(_ bank: any BankStore, _ accountID: String, pageSize: Int = TransactionQuery.maxLimit) async throws -> [LedgerEntry] {
        var entries: [LedgerEntry] = [], after: TransactionCursor?
        repeat {
            let page = try await bank.transactions(accountID: accountID, query: TransactionQuery(limit: pageSize, after: after))
            entries += page.entries
            after = page.next
        } while after != nil
        return entries
    }

    /// The balance of each account, by id.
    static func balances(_ bank: any BankStore, _ ids: [String]) async throws -> [String: Int64] {
        var balances: [String: Int64] = [:]
        for id in ids { balances[id] = try #require(try await bank.account(id: id)).balanceMinor }
        return balances
    }
}

extension StorageTestBackend {
    /// Runs `body` with the bank ledger and the stores of a fresh, migrated database.
    func withBank(_ body: (any BankStore, Stores) async throws -> Void) async throws {
        try await run { database in
            let provider = try #require(database.backend as? any BankStoreProvider, "\(self) backend has no bank ledger")
            try await body(provider.bank, database.backend.stores)
        }
    }
}

/// Expects `body` to throw a `BankStoreError` of the same case as `expected`, and with the same associated text unless
/// `expected`'s is empty (`.notFound("acc_9")` must name the account; `.duplicate("")` may say anything).
func expectBankError(
    _ expected: BankStoreError, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async {
    func parts(_ error: BankStoreError) -> (name: String, detail: String) {
        switch error {
        case .duplicate(let detail): ("duplicate", detail)
        case .notFound(let detail): ("notFound", detail)
        case .invalid(let detail): ("invalid", detail)
        case .insufficientFunds(let detail): ("insufficientFunds", detail)
        case .corrupt(let detail): ("corrupt", detail)
        }
    }
    let name = parts(expected).name
    do {
        try await body()
        Issue.record("expected BankStoreError.\(name), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as BankStoreError {
        #expect(parts(error).name == name, "\(error)", sourceLocation: sourceLocation)
        if !parts(expected).detail.isEmpty { #expect(error == expected, sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected BankStoreError.\(name), got \(error)", sourceLocation: sourceLocation)
    }
}

/// A reproducible random number generator for the concurrency tests: a failure reruns with the same draws.
typealias SeededGenerator = SplitMix64

/// A PostgreSQL test database with raw SQL access beside the backend, to corrupt the ledger on purpose (for the
/// audit's negative tests, which the store API itself can never produce).
struct TamperablePostgresLedger {
    let backend: PostgresBackend
    let database: PostgresTestDatabase

    static func run(serverURL: String, _ body: (TamperablePostgresLedger) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.create(serverURL: serverURL)
        let ledger = TamperablePostgresLedger(backend: database.makeBackend(), database: database)
        do {
            try await ledger.backend.migrate()
            try await body(ledger)
        } catch {
            try? await ledger.backend.shutdown()
            try? await database.drop()
            throw error
        }
        try await ledger.backend.shutdown()
        try await database.drop()
    }

    /// Runs one statement outside the store.
    func execute(_ query: PostgresQuery) async throws {
        let client = PostgresClient(configuration: database.configuration, backgroundLogger: PostgresTestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(query)
        }
    }
}
