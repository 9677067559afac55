import Foundation
import OAuthCore

// The bank's values (migration `v3_bank`), each mapped from a row once for both backends (`ColumnReader`): integer
// minor units, epoch-millisecond times, JSON text; bad data is `BankStoreError.corrupt`.

extension ColumnReader {
    /// An epoch-millisecond column.
    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: Double(try int64(column)) / 1000) }

    /// An ISO 4217 code column; a code the bank does not keep is corrupt data.
    func currency(_ column: String) throws -> Currency {
        let code = try string(column)
        guard let currency = Currency.named(code) else { throw BankStoreError.corrupt("\(column): \(code)") }
        return currency
    }
}

extension AccountBalance: RowDecodable {
    /// An `accounts` row.
    public init(row: some ColumnReader) throws {
        let kind = try row.string("kind")
        guard let accountKind = AccountKind(rawValue: kind) else { throw BankStoreError.corrupt("kind: \(kind)") }
        let account = Account(
            id: try row.string("id"), userID: try row.optionalString("user_id"), kind: accountKind, currency: try row.currency("currency"),
            branchCode: try row.string("branch_code"), accountNumber: try row.string("account_number"), name: try row.string("name"),
            holderName: try row.string("holder_name"), openedAt: try row.date("opened_at"))
        self.init(account: account, balanceMinor: try row.int64("balance_minor"), asOf: try row.date("updated_at"))
    }
}

extension LedgerEntry: RowDecodable {
    /// A `ledger_entries` row.
    public init(row: some ColumnReader) throws {
        self.init(
            sequence: try row.int64("sequence"), id: try row.string("id"), bookingID: try row.string("booking_id"),
            accountID: try row.string("account_id"), amountMinor: try row.int64("amount_minor"), currency: try row.currency("currency"),
            balanceAfterMinor: try row.int64("balance_after_minor"), bookedAt: try row.date("booked_at"),
            description: try row.string("description"), counterpartyName: try row.optionalString("counterparty_name"))
    }
}

extension Transfer: RowDecodable {
    /// A `transfers` row.
    public init(row: some ColumnReader) throws {
        let creditor = BankAccountReference(
            bankCode: try row.string("creditor_bank_code"), branchCode: try row.string("creditor_branch_code"),
            accountNumber: try row.string("creditor_account_number"), name: try row.string("creditor_name"))
        self.init(
            id: try row.string("id"), clientID: try row.string("client_id"), userID: try row.string("user_id"),
            idempotencyKey: try row.string("idempotency_key"), requestHash: try row.string("request_hash"),
            consentID: try row.optionalString("consent_id"), debtorAccountID: try row.string("debtor_account_id"),
            creditedAccountID: try row.string("credited_account_id"), creditor: creditor,
            amount: Money(minorUnits: try row.int64("amount_minor"), currency: try row.currency("currency")),
            remittanceInformation: try row.optionalString("remittance_information"), createdAt: try row.date("created_at"))
    }
}

extension Payee: RowDecodable {
    /// A `payees` row.
    public init(row: some ColumnReader) throws {
        let account = BankAccountReference(
            bankCode: try row.string("bank_code"), branchCode: try row.string("branch_code"),
            accountNumber: try row.string("account_number"), name: try row.string("name"))
        self.init(id: try row.string("id"), userID: try row.string("user_id"), account: account, createdAt: try row.date("created_at"))
    }
}

extension VerifiedIdentity: RowDecodable {
    /// An `identities` row (`verified_claims` as JSON text).
    public init(row: some ColumnReader) throws {
        let text = try row.string("verified_claims")
        guard let claims = try? JSONValue.parse(text.utf8, rejectDuplicateNames: false, maximumDepth: JSONValue.foundationMaximumDepth) else {
            throw BankStoreError.corrupt("verified_claims is not JSON")
        }
        self.init(userID: try row.string("user_id"), verifiedClaims: claims, updatedAt: try row.date("updated_at"))
    }
}
