import AuthorizationServer
import BankCore
import Foundation
import GRDB

/// The statements every posting is made of, run inside a write transaction.
extension SQLiteBankStore {
    /// The currency and holder name of each of `ids` that exists.
    static func accounts(_ db: Database, ids: [String]) throws -> [String: (currency: String, holderName: String)] {
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, currency, holder_name FROM accounts WHERE id IN (\(marks))", arguments: StatementArguments(ids))
        var found: [String: (currency: String, holderName: String)] = [:]
        for row in rows { found[try row.value("id")] = (try row.value("currency"), try row.value("holder_name")) }
        return found
    }

    /// Adds `delta` to the account's balance in one conditional statement: a customer account only when the result is
    /// not negative. Returns the new balance, or nil when the account would be overdrawn.
    static func apply(_ db: Database, delta: Int64, to accountID: String, at bookedAt: Int64) throws -> Int64? {
        try Row.fetchOne(
            db.cachedStatement(sql: """
                UPDATE accounts SET balance_minor = balance_minor + ?, updated_at = MAX(updated_at, ?)
                WHERE id = ? AND (balance_minor + ? >= 0 OR kind = 'system')
                RETURNING balance_minor
                """),
            arguments: [delta, bookedAt, accountID, delta]
        ).map { try $0.value("balance_minor") }
    }

    /// Appends one entry; a taken entry id (a booking id used twice) is `BankStoreError.duplicate`.
    static func insertEntry(_ db: Database, _ entry: LedgerEntry) throws {
        try mappingBankConstraints(duplicate: "booking \(entry.bookingID)") {
            try db.cachedStatement(sql: """
                    INSERT INTO ledger_entries (id, booking_id, account_id, amount_minor, currency, balance_after_minor,
                                                booked_at, description, counterparty_name)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [entry.id, entry.bookingID, entry.accountID, entry.amountMinor, entry.currency.code,
                            entry.balanceAfterMinor, SQLiteCoding.millis(entry.bookedAt), entry.description,
                            entry.counterpartyName])
        }
    }
}
