import ArgumentParser
import AuthorizationServer
import BankCore
import Foundation
import OAuthCore

/// `kura bank`: the bank operator's tools: open accounts, pay in money, save payees, record verified identities, read
/// statements and audit the double-entry ledger.
struct Bank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Operate the bank: accounts, deposits, payees, verified identities, statements and the ledger audit.",
        subcommands: [Accounts.self, Deposit.self, Payees.self, Identity.self, Transactions.self, Audit.self])
}

/// The database opened for one `kura bank` command, with its bank ledger and the system accounts in place.
struct BankSession {
    let server: OAuthServer
    let bank: any BankStore
    let configuration = BankConfiguration()

    /// Opens (and migrates) the database, runs `body`, and closes the database whatever `body` does.
    static func with<T>(_ db: DatabaseOptions, _ body: (BankSession) async throws -> T) async throws -> T {
        let (backend, server) = try await db.open(logger: .kura())
        do {
            guard let bank = (backend as? any BankStoreProvider)?.bank else {
                throw ValidationError("this database backend holds no bank ledger")
            }
            let session = BankSession(server: server, bank: bank)
            try await session.configuration.ensureSystemAccounts(in: bank, now: Date())
            let result = try await body(session)
            try await backend.shutdown()
            return result
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    /// The customer with this username.
    func customer(_ username: String) async throws -> UserRecord {
        guard let user = try await server.stores.users.find(username: username) else {
            throw ValidationError("no customer named '\(username)' (create one with `kura users add`)")
        }
        return user
    }

    /// A customer account by id (system accounts are not operated on by hand).
    func customerAccount(_ id: String) async throws -> AccountBalance {
        guard let account = try await bank.account(id: id), account.account.kind != .system else {
            throw ValidationError("no customer account with id '\(id)' (see `kura bank accounts list --username …`)")
        }
        return account
    }

    /// A new opaque identifier with 128 random bits: `acc_…`, `bk_…`, `pye_…`.
    static func newID(_ prefix: String) -> String { prefix + Base64URL.encode(SystemRandom().bytes(16)) }
}
