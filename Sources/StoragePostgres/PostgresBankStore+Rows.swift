import AuthorizationServer
import BankCore
import Foundation
import Logging
import OAuthCore
import PostgresNIO

/// Decoding of the bank tables' rows (`v3_bank`). A value the schema would not hold is `StorageError.corrupt`.
extension PostgresRandomAccessRow {
    func bankCurrency(_ column: String) throws -> Currency {
        let code: String = try value(column)
        guard let currency = Currency.named(code) else { throw StorageError.corrupt("\(column): \(code)") }
        return currency
    }
}

extension AccountBalance {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        let kind: String = try row.value("kind")
        guard let accountKind = AccountKind(rawValue: kind) else { throw StorageError.corrupt("kind: \(kind)") }
        let account = Account(
            id: try row.value("id"), userID: try row.value("user_id", as: String?.self), kind: accountKind,
            currency: try row.bankCurrency("currency"), branchCode: try row.value("branch_code"),
            accountNumber: try row.value("account_number"), name: try row.value("name"),
            holderName: try row.value("holder_name"),
            openedAt: PostgresCoding.date(try row.value("opened_at", as: Int64.self)))
        self.init(account: account, balanceMinor: try row.value("balance_minor"),
                  asOf: PostgresCoding.date(try row.value("updated_at", as: Int64.self)))
    }
}

extension LedgerEntry {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            sequence: try row.value("sequence"), id: try row.value("id"), bookingID: try row.value("booking_id"),
            accountID: try row.value("account_id"), amountMinor: try row.value("amount_minor"),
            currency: try row.bankCurrency("currency"), balanceAfterMinor: try row.value("balance_after_minor"),
            bookedAt: PostgresCoding.date(try row.value("booked_at", as: Int64.self)),
            description: try row.value("description"), counterpartyName: try row.value("counterparty_name", as: String?.self))
    }
}

extension Transfer {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        let creditor = BankAccountReference(
            bankCode: try row.value("creditor_bank_code"), branchCode: try row.value("creditor_branch_code"),
            accountNumber: try row.value("creditor_account_number"), name: try row.value("creditor_name"))
        self.init(
            id: try row.value("id"), clientID: try row.value("client_id"), userID: try row.value("user_id"),
            idempotencyKey: try row.value("idempotency_key"), requestHash: try row.value("request_hash"),
            consentID: try row.value("consent_id", as: String?.self), debtorAccountID: try row.value("debtor_account_id"),
            creditedAccountID: try row.value("credited_account_id"), creditor: creditor,
            amount: Money(minorUnits: try row.value("amount_minor"), currency: try row.bankCurrency("currency")),
            remittanceInformation: try row.value("remittance_information", as: String?.self),
            createdAt: PostgresCoding.date(try row.value("created_at", as: Int64.self)))
    }
}

extension Payee {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        let account = BankAccountReference(
            bankCode: try row.value("bank_code"), branchCode: try row.value("branch_code"),
            accountNumber: try row.value("account_number"), name: try row.value("name"))
        self.init(id: try row.value("id"), userID: try row.value("user_id"), account: account,
                  createdAt: PostgresCoding.date(try row.value("created_at", as: Int64.self)))
    }
}

extension VerifiedIdentity {
    init(postgresRow row: PostgresRandomAccessRow) throws {
        self.init(
            userID: try row.value("user_id"),
            verifiedClaims: try PostgresCoding.decode(JSONValue.self, json: try row.value("verified_claims"), column: "verified_claims"),
            updatedAt: PostgresCoding.date(try row.value("updated_at", as: Int64.self)))
    }
}

extension PostgresDatabase {
    /// Runs `body` in one transaction on one pooled connection. An error `body` throws rolls the transaction back and
    /// is rethrown as it was (not wrapped in `PostgresTransactionError`).
    func bankTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// Runs one statement on a connection in a transaction and returns its rows.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs a write, turning the constraint violations a caller can cause into `BankStoreError`: a unique violation
    /// (SQLSTATE 23505) into `.duplicate(duplicate)`, a foreign-key violation (23503, unknown customer) into
    /// `.notFound(missing)`.
    func bankWrite(_ query: PostgresQuery, on connection: PostgresConnection? = nil,
                   duplicate: @autoclosure () -> String, missing: @autoclosure () -> String = "") async throws {
        do {
            if let connection { _ = try await rows(query, on: connection) } else { _ = try await rows(query) }
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505": throw BankStoreError.duplicate(duplicate())
            case "23503": throw BankStoreError.notFound(missing())
            default: throw error
            }
        }
    }
}
