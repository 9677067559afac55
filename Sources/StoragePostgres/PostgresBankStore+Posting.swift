import AuthorizationServer
import BankCore
import Foundation
import PostgresNIO

/// Bookings and the audit.
extension PostgresBankStore {
    /// One transaction: lock the legs' accounts in id order, check them, then apply the legs in order, each a
    /// conditional update followed by its entry. Any rejection rolls everything back.
    func post(_ booking: Booking) async throws {
        try BookingPosting.checkBalanced(booking)
        let bookedAt = PostgresCoding.millis(booking.bookedAt)
        try await db.bankTransaction { connection in
            let accounts = try await lockAccounts(booking.legs.map(\.accountID), on: connection)
            let currency = try BookingPosting.currency(of: booking, currencies: accounts.mapValues(\.currency))
            for (index, leg) in booking.legs.enumerated() {
                guard let balance = try await apply(delta: leg.amountMinor, to: leg.accountID, at: bookedAt, on: connection) else {
                    throw BankStoreError.insufficientFunds(leg.accountID)
                }
                try await insertEntry(BookingPosting.entry(booking, leg: index, currency: currency, balance: balance), on: connection)
            }
        }
    }

    /// One `REPEATABLE READ` read-only transaction, so all four checks see the same snapshot.
    func audit() async throws -> LedgerAudit {
        try await db.bankTransaction { connection in
            _ = try await db.rows("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: connection)
            var totals: [String: Int64] = [:]
            for row in try await db.rows(
                "SELECT currency, SUM(balance_minor)::bigint AS total FROM accounts GROUP BY currency", on: connection)
            {
                totals[try row.value("currency", as: String.self)] = try row.value("total", as: Int64.self)
            }
            func ids(_ query: PostgresQuery) async throws -> [String] {
                try await db.rows(query, on: connection).map { try $0.value("id", as: String.self) }
            }
            return LedgerAudit(
                balanceTotals: totals,
                mismatchedAccounts: try await ids(
                    """
                    SELECT a.id FROM accounts a
                    LEFT JOIN (SELECT account_id, SUM(amount_minor) AS total, MAX(sequence) AS last_sequence,
                                      MIN(currency) AS min_currency, MAX(currency) AS max_currency
                               FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id
                    LEFT JOIN ledger_entries last ON last.sequence = e.last_sequence
                    WHERE a.balance_minor <> COALESCE(e.total, 0)
                       OR last.balance_after_minor <> a.balance_minor
                       OR e.min_currency <> a.currency OR e.max_currency <> a.currency
                    ORDER BY a.id COLLATE "C"
                    """),
                overdrawnAccounts: try await ids(
                    #"SELECT id FROM accounts WHERE balance_minor < 0 AND kind <> 'system' ORDER BY id COLLATE "C""#),
                unbalancedBookings: try await ids(
                    """
                    SELECT booking_id AS id FROM ledger_entries GROUP BY booking_id
                    HAVING SUM(amount_minor) <> 0 OR MIN(currency) <> MAX(currency)
                    ORDER BY booking_id COLLATE "C"
                    """))
        }
    }
}
