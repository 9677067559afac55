import AuthorizationServer
import BankCore
import Foundation
import GRDB

/// Bookings, transfers and the audit. Each posting is one `IMMEDIATE` write transaction; any rejection throws inside
/// it, so nothing of a rejected posting is written.
extension SQLiteBankStore {
    func post(_ booking: Booking) async throws {
        try BookingPosting.checkBalanced(booking)
        let bookedAt = SQLiteCoding.millis(booking.bookedAt)
        try await db.write { db in
            let accounts = try Self.accounts(db, ids: booking.legs.map(\.accountID))
            let currency = try BookingPosting.currency(of: booking, currencies: accounts.mapValues(\.currency))
            for (index, leg) in booking.legs.enumerated() {
                guard let balance = try Self.apply(db, delta: leg.amountMinor, to: leg.accountID, at: bookedAt) else {
                    throw BankStoreError.insufficientFunds(leg.accountID)
                }
                try Self.insertEntry(db, BookingPosting.entry(booking, leg: index, currency: currency, balance: balance))
            }
        }
    }

    func postTransfer(_ transfer: Transfer) async throws -> TransferOutcome {
        let transfer = try TransferBooking.validated(transfer)
        do {
            try await db.write { db in
                if let previous = try Self.previousOutcome(db, transfer) { throw TransferRejected(previous) }
                let accounts = try Self.accounts(db, ids: [transfer.debtorAccountID, transfer.creditedAccountID])
                guard let debtor = accounts[transfer.debtorAccountID] else {
                    throw TransferRejected(.accountNotFound(transfer.debtorAccountID))
                }
                guard let credited = accounts[transfer.creditedAccountID] else {
                    throw TransferRejected(.accountNotFound(transfer.creditedAccountID))
                }
                let code = transfer.amount.currency.code
                guard debtor.currency == code, credited.currency == code else { throw TransferRejected(.currencyMismatch) }
                let amount = transfer.amount.minorUnits, at = SQLiteCoding.millis(transfer.createdAt)
                guard let debtorBalance = try Self.apply(db, delta: -amount, to: transfer.debtorAccountID, at: at) else {
                    throw TransferRejected(.insufficientFunds)
                }
                guard let creditedBalance = try Self.apply(db, delta: amount, to: transfer.creditedAccountID, at: at) else {
                    throw BankStoreError.notFound(transfer.creditedAccountID)
                }
                for entry in TransferBooking.entries(
                    of: transfer, debtorHolderName: debtor.holderName, debtorBalance: debtorBalance, creditedBalance: creditedBalance
                ) {
                    try Self.insertEntry(db, entry)
                }
                try Self.insertTransfer(db, transfer)
            }
            return .booked(transfer)
        } catch let rejected as TransferRejected {
            return rejected.outcome
        }
    }

    /// Step 1 and 2 of `postTransfer`: the client's earlier use of the key, else an earlier use of the consent.
    static func previousOutcome(_ db: Database, _ transfer: Transfer) throws -> TransferOutcome? {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM transfers WHERE client_id = ? AND idempotency_key = ?"),
            arguments: [transfer.clientID, transfer.idempotencyKey])
        {
            return TransferBooking.replay(of: try Transfer(sqliteRow: row), by: transfer)
        }
        if let consentID = transfer.consentID,
           try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM transfers WHERE consent_id = ?"),
               arguments: [consentID]) != nil
        {
            return .consentAlreadyUsed
        }
        return nil
    }

    static func insertTransfer(_ db: Database, _ transfer: Transfer) throws {
        try mappingBankConstraints(duplicate: "transfer \(transfer.id)") {
            try db.cachedStatement(sql: """
                    INSERT INTO transfers (id, client_id, user_id, idempotency_key, request_hash, consent_id,
                                           debtor_account_id, credited_account_id, creditor_bank_code, creditor_branch_code,
                                           creditor_account_number, creditor_name, amount_minor, currency,
                                           remittance_information, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                    .execute(arguments: [transfer.id, transfer.clientID, transfer.userID, transfer.idempotencyKey, transfer.requestHash,
                            transfer.consentID, transfer.debtorAccountID, transfer.creditedAccountID,
                            transfer.creditor.bankCode, transfer.creditor.branchCode, transfer.creditor.accountNumber,
                            transfer.creditor.name, transfer.amount.minorUnits, transfer.amount.currency.code,
                            transfer.remittanceInformation, SQLiteCoding.millis(transfer.createdAt)])
        }
    }

    /// One read transaction, so all four checks see the same snapshot.
    func audit() async throws -> LedgerAudit {
        // A scan of the whole ledger: never inline on an event loop.
        try await db.readReleasingOnQueue { db in
            var totals: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: LedgerAuditSQL.sqlite.totals) {
                totals[try row.value("currency")] = try row.value("total")
            }
            return LedgerAudit(
                balanceTotals: totals,
                mismatchedAccounts: try String.fetchAll(db, sql: LedgerAuditSQL.sqlite.mismatchedAccounts),
                overdrawnAccounts: try String.fetchAll(db, sql: LedgerAuditSQL.sqlite.overdrawnAccounts),
                unbalancedBookings: try String.fetchAll(db, sql: LedgerAuditSQL.sqlite.unbalancedBookings))
        }
    }
}
