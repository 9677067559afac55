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
            let sql = LedgerAuditSQL.postgres
            for row in try await db.rows(PostgresQuery(unsafeSQL: sql.totals), on: connection) {
                totals[try row.value("currency", as: String.self)] = try row.value("total", as: Int64.self)
            }
            func ids(_ query: String) async throws -> [String] {
                try await db.rows(PostgresQuery(unsafeSQL: query), on: connection).map { try $0.value("id", as: String.self) }
            }
            return LedgerAudit(
                balanceTotals: totals, mismatchedAccounts: try await ids(sql.mismatchedAccounts),
                overdrawnAccounts: try await ids(sql.overdrawnAccounts), unbalancedBookings: try await ids(sql.unbalancedBookings))
        }
    }
}
