import AuthorizationServer
import BankCore
import Foundation
import PostgresNIO

/// The statements every posting is made of, run on a connection inside a transaction.
extension PostgresBankStore {
    /// Locks the rows of those of `ids` that exist, in id order (the one lock order of every posting, so postings
    /// cannot deadlock), and returns their currency and holder name.
    func lockAccounts(_ ids: [String], on connection: PostgresConnection) async throws -> [String: (currency: String, holderName: String)] {
        let rows = try await db.rows(
            "SELECT id, currency, holder_name FROM accounts WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE", on: connection)
        var found: [String: (currency: String, holderName: String)] = [:]
        for row in rows {
            found[try row.value("id", as: String.self)] = (try row.value("currency"), try row.value("holder_name"))
        }
        return found
    }

    /// Adds `delta` to the account's balance in one conditional statement: a customer account only when the result is
    /// not negative. Returns the new balance, or nil when the account would be overdrawn.
    func apply(delta: Int64, to accountID: String, at bookedAt: Int64, on connection: PostgresConnection) async throws -> Int64? {
        try await db.rows(
            """
            UPDATE accounts SET balance_minor = balance_minor + \(delta), updated_at = GREATEST(updated_at, \(bookedAt))
            WHERE id = \(accountID) AND (balance_minor + \(delta) >= 0 OR kind = 'system')
            RETURNING balance_minor
            """, on: connection
        ).first.map { try $0.value("balance_minor", as: Int64.self) }
    }

    /// Appends one entry; a taken entry id (a booking id used twice) is `BankStoreError.duplicate`.
    func insertEntry(_ entry: LedgerEntry, on connection: PostgresConnection) async throws {
        let bookedAt = PostgresCoding.millis(entry.bookedAt)
        try await db.bankWrite(
            """
            INSERT INTO ledger_entries (id, booking_id, account_id, amount_minor, currency, balance_after_minor,
                                        booked_at, description, counterparty_name)
            VALUES (\(entry.id), \(entry.bookingID), \(entry.accountID), \(entry.amountMinor), \(entry.currency.code),
                    \(entry.balanceAfterMinor), \(bookedAt), \(entry.description), \(entry.counterpartyName))
            """, on: connection, duplicate: "booking \(entry.bookingID)")
    }
}
