import Foundation

/// A Japanese domestic (Zengin) account at any bank: bank code (4 digits), branch code (3), account number (7) and the
/// holder's name. Used for transfer creditors and saved payees.
public struct BankAccountReference: Sendable, Hashable, Codable {
    public var bankCode: String
    public var branchCode: String
    public var accountNumber: String
    /// The account holder's name as the creditor is addressed.
    public var name: String

    public init(bankCode: String, branchCode: String, accountNumber: String, name: String) {
        self.bankCode = bankCode
        self.branchCode = branchCode
        self.accountNumber = accountNumber
        self.name = name
    }

    /// 4/3/7 ASCII digits and a name of 1...140 characters without control characters.
    public var isWellFormed: Bool {
        Account.isDigits(bankCode, count: 4) && Account.isDigits(branchCode, count: 3) && Account.isDigits(accountNumber, count: 7)
            && !name.isEmpty && name.count <= 140 && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Same account (name aside: banks match on numbers; names are compared separately where a rule needs it).
    public func sameAccount(as other: BankAccountReference) -> Bool {
        bankCode == other.bankCode && branchCode == other.branchCode && accountNumber == other.accountNumber
    }
}

/// A payee a customer saved at the bank: transfers under the plain `transfers` scope may go only to these and to the
/// customer's own accounts.
public struct Payee: Sendable, Hashable, Codable {
    public var id: String
    public var userID: String
    public var account: BankAccountReference
    public var createdAt: Date

    public init(id: String, userID: String, account: BankAccountReference, createdAt: Date) {
        self.id = id
        self.userID = userID
        self.account = account
        self.createdAt = createdAt
    }
}

/// A transfer the ledger booked: debit of the customer's account, credit of the creditor's account at this bank or of
/// the clearing account for another bank, in one transaction.
public struct Transfer: Sendable, Hashable, Codable {
    public var id: String
    /// The partner (OAuth client) that initiated it.
    public var clientID: String
    /// The customer whose account was debited.
    public var userID: String
    /// The partner's `Idempotency-Key`; unique per client.
    public var idempotencyKey: String
    /// Hex SHA-256 of the canonical request body: a retry with the same key must carry the same body.
    public var requestHash: String
    /// The single-use payment consent (grant ID) this transfer consumed; nil under the plain `transfers` scope.
    public var consentID: String?
    public var debtorAccountID: String
    /// The account credited in this ledger: the creditor's own account at this bank, or the clearing account.
    public var creditedAccountID: String
    public var creditor: BankAccountReference
    public var amount: Money
    public var remittanceInformation: String?
    public var createdAt: Date

    public init(id: String, clientID: String, userID: String, idempotencyKey: String, requestHash: String, consentID: String?,
                debtorAccountID: String, creditedAccountID: String, creditor: BankAccountReference, amount: Money,
                remittanceInformation: String?, createdAt: Date) {
        self.id = id
        self.clientID = clientID
        self.userID = userID
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.consentID = consentID
        self.debtorAccountID = debtorAccountID
        self.creditedAccountID = creditedAccountID
        self.creditor = creditor
        self.amount = amount
        self.remittanceInformation = remittanceInformation
        self.createdAt = createdAt
    }
}

/// What `BankStore.postTransfer` did. Everything but `.booked` left the ledger unchanged.
public enum TransferOutcome: Sendable, Hashable {
    /// Newly booked: two entries written, both balances updated, the consent (if any) consumed.
    case booked(Transfer)
    /// The client already used this `Idempotency-Key` with the same request hash: the original transfer, unchanged.
    case replayed(Transfer)
    /// The client already used this `Idempotency-Key` with a different request (→ HTTP 422).
    case idempotencyKeyReused(Transfer)
    /// Another transfer already consumed this payment consent.
    case consentAlreadyUsed
    /// The debtor account would go below zero.
    case insufficientFunds
    /// The debtor or credited account does not exist.
    case accountNotFound(String)
    /// An account's currency differs from the transfer's.
    case currencyMismatch
}
