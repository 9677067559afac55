import AuthorizationServer
import BankCore
import Foundation

/// A transfer that is not booked: thrown inside the transaction to roll it back, answered outside it.
struct TransferRejected: Error {
    let outcome: TransferOutcome
    init(_ outcome: TransferOutcome) { self.outcome = outcome }
}

/// What a booked transfer writes, independent of the database (the SQLite backend writes the same).
enum TransferBooking {
    /// The transfer as it will be stored (`createdAt` in whole milliseconds, so `.booked` equals a later `.replayed`).
    /// - Throws: `BankStoreError.invalid` for a non-positive amount or a transfer from an account to itself: callers
    ///   validate requests before, so these are programming errors, not outcomes.
    static func validated(_ transfer: Transfer) throws -> Transfer {
        guard transfer.amount.minorUnits > 0 else {
            throw BankStoreError.invalid("transfer \(transfer.id) amount must be positive")
        }
        guard transfer.debtorAccountID != transfer.creditedAccountID else {
            throw BankStoreError.invalid("transfer \(transfer.id) debits and credits the same account")
        }
        var stored = transfer
        stored.createdAt = StorageCoding.date(StorageCoding.millis(transfer.createdAt))
        return stored
    }

    /// The answer to a request whose client already used its `Idempotency-Key` for `original`.
    static func replay(of original: Transfer, by retry: Transfer) -> TransferOutcome {
        original.requestHash == retry.requestHash ? .replayed(original) : .idempotencyKeyReused(original)
    }

    /// The transfer's two entries, debit first: `<transfer id>-0` on the debtor, `<transfer id>-1` on the credited
    /// account, each naming the other party.
    static func entries(of transfer: Transfer, debtorHolderName: String, debtorBalance: Int64, creditedBalance: Int64) -> [LedgerEntry] {
        let amount = transfer.amount.minorUnits
        return [
            LedgerEntry(
                sequence: 0, id: "\(transfer.id)-0", bookingID: transfer.id, accountID: transfer.debtorAccountID,
                amountMinor: -amount, currency: transfer.amount.currency, balanceAfterMinor: debtorBalance,
                bookedAt: transfer.createdAt, description: "Transfer to \(transfer.creditor.name)",
                counterpartyName: transfer.creditor.name),
            LedgerEntry(
                sequence: 0, id: "\(transfer.id)-1", bookingID: transfer.id, accountID: transfer.creditedAccountID,
                amountMinor: amount, currency: transfer.amount.currency, balanceAfterMinor: creditedBalance,
                bookedAt: transfer.createdAt, description: "Transfer from \(debtorHolderName)",
                counterpartyName: debtorHolderName),
        ]
    }
}
