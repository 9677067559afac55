import AuthorizationServer
import BankCore
import Foundation
import PostgresNIO

/// Transfers: one transaction each, answered from the winner's row when a concurrent twin wins.
///
/// Two requests with the same (client, `Idempotency-Key`) or the same consent can both pass the look-up of step 1–2,
/// as neither sees the other's uncommitted row. The loser then waits on the winner's account locks or on its pending
/// unique-index entry, and its `INSERT INTO transfers` fails with a unique violation once the winner commits. That
/// rolls the loser's whole transaction back (balances and entries included) and it runs again: now its look-up sees the
/// committed winner and answers `.replayed`, `.idempotencyKeyReused` or `.consentAlreadyUsed`.
extension PostgresBankStore {
    /// Attempts per transfer: the first, and one more after a concurrent twin won. The third is a safety margin.
    static let transferAttempts = 3

    func postTransfer(_ transfer: Transfer) async throws -> TransferOutcome {
        let transfer = try TransferBooking.validated(transfer)
        var attempt = 1
        while true {
            do {
                return try await bookOnce(transfer)
            } catch is ConcurrentTwin where attempt < Self.transferAttempts {
                attempt += 1
            }
        }
    }

    /// One attempt of `postTransfer`: the steps of `BankStore.postTransfer` in one transaction.
    private func bookOnce(_ transfer: Transfer) async throws -> TransferOutcome {
        do {
            try await db.bankTransaction { connection in
                if let previous = try await previousOutcome(transfer, on: connection) { throw TransferRejected(previous) }
                let accounts = try await lockAccounts([transfer.debtorAccountID, transfer.creditedAccountID], on: connection)
                guard let debtor = accounts[transfer.debtorAccountID] else {
                    throw TransferRejected(.accountNotFound(transfer.debtorAccountID))
                }
                guard let credited = accounts[transfer.creditedAccountID] else {
                    throw TransferRejected(.accountNotFound(transfer.creditedAccountID))
                }
                let code = transfer.amount.currency.code
                guard debtor.currency == code, credited.currency == code else { throw TransferRejected(.currencyMismatch) }
                let amount = transfer.amount.minorUnits, at = PostgresCoding.millis(transfer.createdAt)
                guard let debtorBalance = try await apply(delta: -amount, to: transfer.debtorAccountID, at: at, on: connection) else {
                    throw TransferRejected(.insufficientFunds)
                }
                guard let creditedBalance = try await apply(delta: amount, to: transfer.creditedAccountID, at: at, on: connection) else {
                    throw BankStoreError.notFound(transfer.creditedAccountID)
                }
                for entry in TransferBooking.entries(
                    of: transfer, debtorHolderName: debtor.holderName, debtorBalance: debtorBalance, creditedBalance: creditedBalance
                ) {
                    try await insertEntry(entry, on: connection)
                }
                try await insertTransfer(transfer, on: connection)
            }
            return .booked(transfer)
        } catch let rejected as TransferRejected {
            return rejected.outcome
        }
    }

    /// Step 1 and 2: the client's earlier use of the key, else an earlier use of the consent.
    private func previousOutcome(_ transfer: Transfer, on connection: PostgresConnection) async throws -> TransferOutcome? {
        if let row = try await db.rows(
            "SELECT * FROM transfers WHERE client_id = \(transfer.clientID) AND idempotency_key = \(transfer.idempotencyKey)",
            on: connection
        ).first {
            return TransferBooking.replay(of: try Transfer(postgresRow: row), by: transfer)
        }
        if let consentID = transfer.consentID,
           try await !db.rows("SELECT 1 FROM transfers WHERE consent_id = \(consentID)", on: connection).isEmpty
        {
            return .consentAlreadyUsed
        }
        return nil
    }

    /// Inserts the transfer row, which consumes the key and the consent. A violation of `transfers_idempotency` or
    /// `transfers_consent` means a concurrent twin committed first (`ConcurrentTwin`); of the primary key, that the
    /// transfer id is taken (`BankStoreError.duplicate`).
    private func insertTransfer(_ transfer: Transfer, on connection: PostgresConnection) async throws {
        let creditor = transfer.creditor, amount = transfer.amount.minorUnits, currency = transfer.amount.currency.code
        let createdAt = PostgresCoding.millis(transfer.createdAt)
        do {
            _ = try await db.rows(
                """
                INSERT INTO transfers (id, client_id, user_id, idempotency_key, request_hash, consent_id, debtor_account_id,
                                       credited_account_id, creditor_bank_code, creditor_branch_code, creditor_account_number,
                                       creditor_name, amount_minor, currency, remittance_information, created_at)
                VALUES (\(transfer.id), \(transfer.clientID), \(transfer.userID), \(transfer.idempotencyKey),
                        \(transfer.requestHash), \(transfer.consentID), \(transfer.debtorAccountID),
                        \(transfer.creditedAccountID), \(creditor.bankCode), \(creditor.branchCode), \(creditor.accountNumber),
                        \(creditor.name), \(amount), \(currency), \(transfer.remittanceInformation), \(createdAt))
                """, on: connection)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            switch error.serverInfo?[.constraintName] {
            case "transfers_idempotency", "transfers_consent": throw ConcurrentTwin()
            default: throw BankStoreError.duplicate("transfer \(transfer.id)")
            }
        }
    }
}

/// A concurrent request with the same idempotency key or consent committed first: roll back and answer from its row.
struct ConcurrentTwin: Error {}
