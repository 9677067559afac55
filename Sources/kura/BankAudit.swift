import ArgumentParser
import BankCore
import Foundation

extension Bank {
    /// `kura bank audit`: the whole-ledger consistency check; exits 1 when the ledger is inconsistent (for monitoring).
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the double-entry ledger: per-currency totals, balances vs entries, overdrafts, unbalanced bookings.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let audit = try await BankSession.with(db) { session in try await session.bank.audit() }
            for (code, total) in audit.balanceTotals.sorted(by: { $0.key < $1.key }) {
                print("total \(code): \(total)\(total == 0 ? "" : "  (must be 0)")")
            }
            for (label, ids) in [("balance differs from its entries", audit.mismatchedAccounts),
                                 ("overdrawn customer account", audit.overdrawnAccounts),
                                 ("unbalanced booking", audit.unbalancedBookings)] {
                for id in ids { print("\(label): \(id)") }
            }
            print(audit.isConsistent ? "Ledger consistent" : "Ledger INCONSISTENT")
            if !audit.isConsistent { throw ExitCode(1) }
        }
    }
}
