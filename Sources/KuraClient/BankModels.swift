import Foundation
import OAuthCore

/// An amount of money as the bank API writes it: a decimal string with the currency's minor units (never a JSON
/// number, so no floating point touches money) and an ISO 4217 code (RFC 9396 §A.3 `instructedAmount`).
public struct BankAmount: Sendable, Hashable, Codable {
    /// `"5000"`, `"1234.50"`.
    public var amount: String
    /// `JPY`, `USD`, `EUR`.
    public var currency: String

    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount as an exact `Decimal`; nil when the server sent something that is not a decimal.
    public var decimal: Decimal? { Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) }

    var json: JSONValue { ["amount": .string(amount), "currency": .string(currency)] }
}

/// A domestic (Zengin) account number: 4-digit bank code, 3-digit branch code, 7-digit account number.
public struct BankAccountNumber: Sendable, Hashable, Codable {
    public var bankCode: String
    public var branchCode: String
    public var accountNumber: String

    public init(bankCode: String, branchCode: String, accountNumber: String) {
        self.bankCode = bankCode
        self.branchCode = branchCode
        self.accountNumber = accountNumber
    }

    var json: JSONValue {
        ["bankCode": .string(bankCode), "branchCode": .string(branchCode), "accountNumber": .string(accountNumber)]
    }
}

/// One account covered by the grant (`GET /api/accounts`, `GET /api/accounts/{id}`; OpenAPI schema `Account`).
public struct BankAccount: Sendable, Hashable, Decodable {
    public var accountID: String
    /// `ordinary` or `savings`.
    public var accountType: String
    public var currency: String
    public var bankCode: String
    public var branchCode: String
    public var accountNumber: String
    /// The account's name, e.g. `普通預金`.
    public var name: String
    /// The holder's name in katakana, as on a Zengin transfer.
    public var holderName: String
    public var openedAt: Date?

    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case accountType, currency, bankCode, branchCode, accountNumber, name, holderName, openedAt
    }

    /// The account as a creditor of a transfer (e.g. to move money to one's own savings account).
    public var number: BankAccountNumber { BankAccountNumber(bankCode: bankCode, branchCode: branchCode, accountNumber: accountNumber) }
}

/// `GET /api/accounts/{id}/balances` (datatype `balances`; OpenAPI schema `Balances`).
public struct BankBalances: Sendable, Hashable, Decodable {
    /// One balance: `current` or `available`, as of a time.
    public struct Balance: Sendable, Hashable, Decodable {
        public var type: String
        public var amount: BankAmount
        public var asOf: Date?
    }

    public var accountID: String
    public var balances: [Balance]

    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case balances
    }

    /// The balance of `type` (`current`, `available`), if the server sent one.
    public func balance(_ type: String) -> BankAmount? { balances.first { $0.type == type }?.amount }
}

/// One booked entry (OpenAPI schema `Transaction`).
public struct BankTransaction: Sendable, Hashable, Decodable {
    public var transactionID: String
    public var bookingDateTime: Date
    /// `credit` or `debit`; `amount` is never negative.
    public var creditDebitIndicator: String
    public var amount: BankAmount
    public var balanceAfter: BankAmount
    public var description: String
    public var counterpartyName: String?

    enum CodingKeys: String, CodingKey {
        case transactionID = "transactionId"
        case bookingDateTime, creditDebitIndicator, amount, balanceAfter, description, counterpartyName
    }
}

/// A page of `GET /api/accounts/{id}/transactions` (newest first; OpenAPI schema `TransactionPage`).
public struct BankTransactionPage: Sendable, Hashable, Decodable {
    public var accountID: String
    public var transactions: [BankTransaction]
    /// Pass as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case transactions, nextCursor
    }
}

/// `GET /api/identity`: the customer's verified identity in the OpenID Connect for Identity Assurance 1.0
/// `verified_claims` shape.
public struct BankVerifiedIdentity: Sendable, Hashable, Decodable {
    public var sub: String
    /// `{"verification": {...}, "claims": {...}}`.
    public var verifiedClaims: JSONValue

    enum CodingKeys: String, CodingKey {
        case sub
        case verifiedClaims = "verified_claims"
    }
}

/// A payment instruction: the body of `POST /api/transfers` and, without `debtorAccountID` when the customer is to
/// choose it, the `payment_initiation` authorization detail the customer consents to (RFC 9396 §A.3 member names).
public struct BankTransferInstruction: Sendable, Hashable {
    public var instructedAmount: BankAmount
    public var creditorName: String
    public var creditorAccount: BankAccountNumber
    /// `remittanceInformationUnstructured`: the reference the creditor sees (at most 140 characters).
    public var remittanceInformation: String?
    /// `debtorAccount.accountId`: required on the transfer; in a consent request nil lets the customer pick it.
    public var debtorAccountID: String?

    public init(instructedAmount: BankAmount, creditorName: String, creditorAccount: BankAccountNumber,
                remittanceInformation: String? = nil, debtorAccountID: String? = nil) {
        self.instructedAmount = instructedAmount
        self.creditorName = creditorName
        self.creditorAccount = creditorAccount
        self.remittanceInformation = remittanceInformation
        self.debtorAccountID = debtorAccountID
    }

    /// The transfer body (`type` omitted; the API adds it).
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "instructedAmount": instructedAmount.json, "creditorName": .string(creditorName), "creditorAccount": creditorAccount.json,
        ]
        if let remittanceInformation { members["remittanceInformationUnstructured"] = .string(remittanceInformation) }
        if let debtorAccountID { members["debtorAccount"] = ["accountId": .string(debtorAccountID)] }
        return .object(members)
    }

    /// The `payment_initiation` authorization detail (RFC 9396 §2, §A.3) for this payment, to push with PAR.
    public var authorizationDetail: JSONValue {
        guard case .object(var members) = json else { return json }
        members["type"] = "payment_initiation"
        members["actions"] = ["initiate"]
        return .object(members)
    }

    /// The same instruction from `accountID`: what the consent granted, ready to send as the transfer.
    public func from(_ accountID: String) -> BankTransferInstruction {
        var copy = self
        copy.debtorAccountID = accountID
        return copy
    }
}

/// A booked transfer (`POST /api/transfers`, `GET /api/transfers/{id}`; OpenAPI schema `Transfer`).
public struct BankTransfer: Sendable, Hashable, Decodable {
    /// `{"accountId": …}`.
    public struct DebtorAccount: Sendable, Hashable, Decodable {
        public var accountID: String
        enum CodingKeys: String, CodingKey { case accountID = "accountId" }
    }

    public var transferID: String
    /// `booked`.
    public var status: String
    public var debtorAccount: DebtorAccount
    public var instructedAmount: BankAmount
    public var creditorName: String
    public var creditorAccount: BankAccountNumber
    public var remittanceInformation: String?
    /// The payment consent (grant) this transfer used; nil for a transfer to a saved payee under the `transfers` scope.
    public var consentID: String?
    public var createdAt: Date?
    /// Whether the server answered a retry with the original transfer (`Idempotent-Replayed: true`,
    /// draft-ietf-httpapi-idempotency-key-header) instead of booking a new one. Not part of the JSON.
    public var isIdempotentReplay = false

    enum CodingKeys: String, CodingKey {
        case transferID = "transferId"
        case remittanceInformation = "remittanceInformationUnstructured"
        case consentID = "consentId"
        case status, debtorAccount, instructedAmount, creditorName, creditorAccount, createdAt
    }
}

/// The bank's RFC 9396 authorization detail types, as partners push them with PAR.
public enum BankConsentDetails {
    /// An `account_information` detail (RFC 9396 §2): read `datatypes` of `accounts` (nil: the customer picks the
    /// accounts on the consent page), optionally limited to inclusive `YYYY-MM-DD` days (JST).
    public static func accountInformation(datatypes: [String] = ["balances", "transactions"], accounts: [String]? = nil,
                                          transactionsFrom: String? = nil, transactionsTo: String? = nil,
                                          locations: [String]? = nil) -> JSONValue {
        var members: [String: JSONValue] = [
            "type": "account_information", "actions": ["read"], "datatypes": .array(datatypes.map(JSONValue.string)),
        ]
        if let accounts { members["accounts"] = .array(accounts.map(JSONValue.string)) }
        if let transactionsFrom { members["transactionsFrom"] = .string(transactionsFrom) }
        if let transactionsTo { members["transactionsTo"] = .string(transactionsTo) }
        if let locations { members["locations"] = .array(locations.map(JSONValue.string)) }
        return .object(members)
    }

    /// A `payment_initiation` detail (RFC 9396 §A.3) for `instruction`; without a debtor the customer picks it.
    public static func paymentInitiation(_ instruction: BankTransferInstruction) -> JSONValue { instruction.authorizationDetail }
}
