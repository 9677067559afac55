import AuthorizationServer
import BankCore
import Foundation
import OAuthCore
import PostgresNIO

/// The bank ledger in PostgreSQL (`BankStore`), in the tables of migration `v3_bank`.
///
/// Postings run at READ COMMITTED, one transaction each. Before changing balances a posting locks its accounts with
/// `SELECT … ORDER BY id FOR UPDATE`: every posting takes its locks in the same order, so transfers in opposite
/// directions wait for each other instead of deadlocking. Each balance change is still one conditional statement
/// (`UPDATE … WHERE balance_minor + delta >= 0 OR kind = 'system' RETURNING balance_minor`), backed by the schema's
/// `CHECK`, so no interleaving can overdraw a customer account. Postings are in `PostgresBankStore+Posting.swift`,
/// transfers in `PostgresBankStore+Transfer.swift`.
struct PostgresBankStore: BankStore {
    let db: PostgresDatabase

    // MARK: Operator and seeding

    func createAccount(_ account: Account) async throws {
        guard account.hasValidNumber else {
            throw BankStoreError.invalid("account number \(account.branchCode)-\(account.accountNumber) is not 3 + 7 digits")
        }
        let openedAt = PostgresCoding.millis(account.openedAt)
        try await db.bankWrite(
            """
            INSERT INTO accounts (id, user_id, kind, currency, branch_code, account_number, name, holder_name,
                                  opened_at, balance_minor, updated_at)
            VALUES (\(account.id), \(account.userID), \(account.kind.rawValue), \(account.currency.code),
                    \(account.branchCode), \(account.accountNumber), \(account.name), \(account.holderName),
                    \(openedAt), 0, \(openedAt))
            """,
            duplicate: "account \(account.id) / \(account.branchCode)-\(account.accountNumber)",
            missing: "user \(account.userID ?? "")")
    }

    func saveIdentity(_ identity: VerifiedIdentity) async throws {
        let claims = try PostgresCoding.json(identity.verifiedClaims)
        let updatedAt = PostgresCoding.millis(identity.updatedAt)
        try await db.bankWrite(
            """
            INSERT INTO identities (user_id, verified_claims, updated_at) VALUES (\(identity.userID), \(claims), \(updatedAt))
            ON CONFLICT (user_id) DO UPDATE SET verified_claims = excluded.verified_claims, updated_at = excluded.updated_at
            """,
            duplicate: "identity \(identity.userID)", missing: "user \(identity.userID)")
    }

    func addPayee(_ payee: Payee) async throws {
        guard payee.account.isWellFormed else { throw BankStoreError.invalid("payee \(payee.id) account is malformed") }
        let account = payee.account, createdAt = PostgresCoding.millis(payee.createdAt)
        try await db.bankWrite(
            """
            INSERT INTO payees (id, user_id, bank_code, branch_code, account_number, name, created_at)
            VALUES (\(payee.id), \(payee.userID), \(account.bankCode), \(account.branchCode), \(account.accountNumber),
                    \(account.name), \(createdAt))
            """,
            duplicate: "payee \(payee.id)", missing: "user \(payee.userID)")
    }

    // MARK: Reads

    /// Ordered by account number in byte order (`COLLATE "C"`), as SQLite orders them.
    func accounts(ofUser userID: String) async throws -> [AccountBalance] {
        try await db.rows(
            #"SELECT * FROM accounts WHERE user_id = \#(userID) ORDER BY account_number COLLATE "C", branch_code COLLATE "C""#
        ).map(AccountBalance.init(postgresRow:))
    }

    func account(id: String) async throws -> AccountBalance? {
        try await db.row("SELECT * FROM accounts WHERE id = \(id)").map(AccountBalance.init(postgresRow:))
    }

    func account(branchCode: String, accountNumber: String) async throws -> Account? {
        try await db.row("SELECT * FROM accounts WHERE branch_code = \(branchCode) AND account_number = \(accountNumber)")
            .map { try AccountBalance(postgresRow: $0).account }
    }

    /// Keyset pagination: `(booked_at, sequence) < cursor` walks the `ledger_entries_history` index newest first, and
    /// one row more than the page size tells whether a further page exists.
    func transactions(accountID: String, query: TransactionQuery) async throws -> TransactionPage {
        let bounds = LedgerPageBounds(query)
        let fetch = Int64(query.limit + 1)
        let entries = try await db.rows(
            """
            SELECT * FROM ledger_entries
            WHERE account_id = \(accountID) AND booked_at >= \(bounds.from) AND booked_at < \(bounds.until)
              AND (booked_at, sequence) < (\(bounds.afterBookedAt), \(bounds.afterSequence))
            ORDER BY booked_at DESC, sequence DESC
            LIMIT \(fetch)
            """
        ).map(LedgerEntry.init(postgresRow:))
        return bounds.page(entries, limit: query.limit)
    }

    func identity(userID: String) async throws -> VerifiedIdentity? {
        try await db.row("SELECT * FROM identities WHERE user_id = \(userID)").map(VerifiedIdentity.init(postgresRow:))
    }

    /// Oldest first (then by id in byte order).
    func payees(ofUser userID: String) async throws -> [Payee] {
        try await db.rows(#"SELECT * FROM payees WHERE user_id = \#(userID) ORDER BY created_at, id COLLATE "C""#)
            .map(Payee.init(postgresRow:))
    }

    func transfer(id: String) async throws -> Transfer? {
        try await db.row("SELECT * FROM transfers WHERE id = \(id)").map(Transfer.init(postgresRow:))
    }

    func transfer(clientID: String, idempotencyKey: String) async throws -> Transfer? {
        try await db.row("SELECT * FROM transfers WHERE client_id = \(clientID) AND idempotency_key = \(idempotencyKey)")
            .map(Transfer.init(postgresRow:))
    }
}
