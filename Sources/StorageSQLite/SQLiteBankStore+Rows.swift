import AuthorizationServer
import BankCore
import Foundation
import GRDB
import OAuthCore

/// Decoding of the bank tables' rows (`v3_bank`). A value the schema would not hold is `StorageError.corrupt`.
extension Row {
    func bankCurrency(_ column: String) throws -> Currency {
        let code: String = try value(column)
        guard let currency = Currency.named(code) else { throw StorageError.corrupt("\(column): \(code)") }
        return currency
    }
}

extension AccountBalance {
    init(sqliteRow row: Row) throws {
        let kind: String = try row.value("kind")
        guard let accountKind = AccountKind(rawValue: kind) else { throw StorageError.corrupt("kind: \(kind)") }
        let account = Account(
            id: try row.value("id"), userID: try row.value("user_id"), kind: accountKind,
            currency: try row.bankCurrency("currency"), branchCode: try row.value("branch_code"),
            accountNumber: try row.value("account_number"), name: try row.value("name"),
            holderName: try row.value("holder_name"), openedAt: SQLiteCoding.date(try row.value("opened_at", as: Int64.self)))
        self.init(account: account, balanceMinor: try row.value("balance_minor"),
                  asOf: SQLiteCoding.date(try row.value("updated_at", as: Int64.self)))
    }
}

extension LedgerEntry {
    init(sqliteRow row: Row) throws {
        self.init(
            sequence: try row.value("sequence"), id: try row.value("id"), bookingID: try row.value("booking_id"),
            accountID: try row.value("account_id"), amountMinor: try row.value("amount_minor"),
            currency: try row.bankCurrency("currency"), balanceAfterMinor: try row.value("balance_after_minor"),
            bookedAt: SQLiteCoding.date(try row.value("booked_at", as: Int64.self)),
            description: try row.value("description"), counterpartyName: try row.value("counterparty_name"))
    }
}

extension Transfer {
    init(sqliteRow row: Row) throws {
        let creditor = BankAccountReference(
            bankCode: try row.value("creditor_bank_code"), branchCode: try row.value("creditor_branch_code"),
            accountNumber: try row.value("creditor_account_number"), name: try row.value("creditor_name"))
        self.init(
            id: try row.value("id"), clientID: try row.value("client_id"), userID: try row.value("user_id"),
            idempotencyKey: try row.value("idempotency_key"), requestHash: try row.value("request_hash"),
            consentID: try row.value("consent_id"), debtorAccountID: try row.value("debtor_account_id"),
            creditedAccountID: try row.value("credited_account_id"), creditor: creditor,
            amount: Money(minorUnits: try row.value("amount_minor"), currency: try row.bankCurrency("currency")),
            remittanceInformation: try row.value("remittance_information"),
            createdAt: SQLiteCoding.date(try row.value("created_at", as: Int64.self)))
    }
}

extension Payee {
    init(sqliteRow row: Row) throws {
        let account = BankAccountReference(
            bankCode: try row.value("bank_code"), branchCode: try row.value("branch_code"),
            accountNumber: try row.value("account_number"), name: try row.value("name"))
        self.init(id: try row.value("id"), userID: try row.value("user_id"), account: account,
                  createdAt: SQLiteCoding.date(try row.value("created_at", as: Int64.self)))
    }
}

extension VerifiedIdentity {
    init(sqliteRow row: Row) throws {
        self.init(
            userID: try row.value("user_id"),
            verifiedClaims: try SQLiteCoding.decode(JSONValue.self, json: try row.value("verified_claims"), column: "verified_claims"),
            updatedAt: SQLiteCoding.date(try row.value("updated_at", as: Int64.self)))
    }
}

/// Runs `body`, turning the constraint violations a caller can cause into `BankStoreError`: a primary-key or unique
/// violation into `.duplicate(duplicate)`, a foreign-key violation (unknown customer) into `.notFound(missing)`.
func mappingBankConstraints<T>(
    duplicate: @autoclosure () -> String, missing: @autoclosure () -> String = "", _ body: () throws -> T
) throws -> T {
    do {
        return try body()
    } catch let error as DatabaseError {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE: throw BankStoreError.duplicate(duplicate())
        case .SQLITE_CONSTRAINT_FOREIGNKEY: throw BankStoreError.notFound(missing())
        default: throw error
        }
    }
}
