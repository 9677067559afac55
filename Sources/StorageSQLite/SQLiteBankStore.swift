import AuthorizationServer
import BankCore
import Foundation
import GRDB
import OAuthCore

/// The bank ledger in SQLite (`BankStore`), in the tables of migration `v3_bank`.
///
/// Every write is one GRDB write transaction, which SQLite runs `IMMEDIATE`: writers are serialised, also across
/// processes sharing the file. The balance changes are nevertheless the same single conditional statements as in the
/// PostgreSQL backend (`UPDATE … WHERE balance_minor + delta >= 0 OR kind = 'system' RETURNING balance_minor`), so the
/// no-overdraft rule never depends on a read made earlier, and the schema's `CHECK`s back it up. A rejected operation
/// throws inside the transaction, which rolls everything back. Postings are in `SQLiteBankStore+Posting.swift`.
struct SQLiteBankStore: BankStore {
    let db: any DatabaseWriter

    // MARK: Operator and seeding

    func createAccount(_ account: Account) async throws {
        guard account.hasValidNumber else {
            throw BankStoreError.invalid("account number \(account.branchCode)-\(account.accountNumber) is not 3 + 7 digits")
        }
        let openedAt = SQLiteCoding.millis(account.openedAt)
        try await db.write { db in
            try mappingBankConstraints(
                duplicate: "account \(account.id) / \(account.branchCode)-\(account.accountNumber)",
                missing: "user \(account.userID ?? "")"
            ) {
                try db.cachedStatement(sql: """
                        INSERT INTO accounts (id, user_id, kind, currency, branch_code, account_number, name, holder_name,
                                              opened_at, balance_minor, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                        """)
                        .execute(arguments: [account.id, account.userID, account.kind.rawValue, account.currency.code, account.branchCode,
                                account.accountNumber, account.name, account.holderName, openedAt, openedAt])
            }
        }
    }

    func saveIdentity(_ identity: VerifiedIdentity) async throws {
        let claims = try SQLiteCoding.json(identity.verifiedClaims)
        try await db.write { db in
            try mappingBankConstraints(duplicate: "identity \(identity.userID)", missing: "user \(identity.userID)") {
                try db.cachedStatement(sql: """
                        INSERT INTO identities (user_id, verified_claims, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET verified_claims = excluded.verified_claims,
                                                            updated_at = excluded.updated_at
                        """).execute(arguments: [identity.userID, claims, SQLiteCoding.millis(identity.updatedAt)])
            }
        }
    }

    func addPayee(_ payee: Payee) async throws {
        guard payee.account.isWellFormed else { throw BankStoreError.invalid("payee \(payee.id) account is malformed") }
        try await db.write { db in
            try mappingBankConstraints(duplicate: "payee \(payee.id)", missing: "user \(payee.userID)") {
                try db.cachedStatement(sql: """
                        INSERT INTO payees (id, user_id, bank_code, branch_code, account_number, name, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [payee.id, payee.userID, payee.account.bankCode, payee.account.branchCode,
                                payee.account.accountNumber, payee.account.name, SQLiteCoding.millis(payee.createdAt)])
            }
        }
    }

    // MARK: Reads

    func accounts(ofUser userID: String) async throws -> [AccountBalance] {
        try await db.readOnLoop { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM accounts WHERE user_id = ? ORDER BY account_number, branch_code"), arguments: [userID]
            ).map(AccountBalance.init(sqliteRow:))
        }
    }

    func account(id: String) async throws -> AccountBalance? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id = ?"),
                arguments: [id]).map(AccountBalance.init(sqliteRow:))
        }
    }

    func account(branchCode: String, accountNumber: String) async throws -> Account? {
        try await db.readOnLoop { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM accounts WHERE branch_code = ? AND account_number = ?"),
                arguments: [branchCode, accountNumber]
            ).map { try AccountBalance(sqliteRow: $0).account }
        }
    }

    /// Keyset pagination: `(booked_at, sequence) < cursor` walks the `ledger_entries_history` index newest first, and
    /// one row more than the page size tells whether a further page exists.
    func transactions(accountID: String, query: TransactionQuery) async throws -> TransactionPage {
        let bounds = LedgerPageBounds(query)
        let entries = try await db.readOnLoop { db in
            // A cursor's rows read the statement's columns directly (GRDB `fastDecode`); fetched arrays are copies that
            // decode through the generic `DatabaseValue` path.
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT * FROM ledger_entries
                    WHERE account_id = ? AND booked_at >= ? AND booked_at < ? AND (booked_at, sequence) < (?, ?)
                    ORDER BY booked_at DESC, sequence DESC
                    LIMIT ?
                    """),
                arguments: [accountID, bounds.from, bounds.until, bounds.afterBookedAt, bounds.afterSequence, query.limit + 1])
            return try withExtendedLifetime(rows) {
                var entries: [LedgerEntry] = []
                var positions: [String: Int]?
                while let row = try rows.next() {
                    let columns = positions ?? SQLiteRowReader.positions(of: row)
                    positions = columns
                    entries.append(try LedgerEntry(row: SQLiteRowReader(row, positions: columns)))
                }
                return entries
            }
        }
        return bounds.page(entries, limit: query.limit)
    }

    func identity(userID: String) async throws -> VerifiedIdentity? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM identities WHERE user_id = ?"), arguments: [userID])
                .map(VerifiedIdentity.init(sqliteRow:))
        }
    }

    /// Oldest first (then by id).
    func payees(ofUser userID: String) async throws -> [Payee] {
        try await db.readOnLoop { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM payees WHERE user_id = ? ORDER BY created_at, id"),
                arguments: [userID])
                .map(Payee.init(sqliteRow:))
        }
    }

    func transfer(id: String) async throws -> Transfer? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM transfers WHERE id = ?"),
                arguments: [id]).map(Transfer.init(sqliteRow:))
        }
    }

    func transfer(clientID: String, idempotencyKey: String) async throws -> Transfer? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM transfers WHERE client_id = ? AND idempotency_key = ?"),
                             arguments: [clientID, idempotencyKey]).map(Transfer.init(sqliteRow:))
        }
    }
}
