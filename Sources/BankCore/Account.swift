import Foundation

/// What an account is for. Customer accounts can never be overdrawn; system accounts (the bank's clearing and funding
/// accounts, the counterpart of money entering or leaving the bank) may carry a negative balance.
public enum AccountKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 普通預金: an ordinary (current) deposit account.
    case ordinary
    /// 貯蓄預金: a savings deposit account.
    case savings
    /// A bank-internal account with no customer.
    case system

    /// Whether the ledger lets this account's balance go below zero.
    public var mayOverdraw: Bool { self == .system }
}

/// A deposit account. Identified inside Kura by `id`; at the bank by branch code (3 digits) and account number
/// (7 digits), as in Japanese domestic (Zengin) transfers.
public struct Account: Sendable, Hashable, Codable {
    /// Opaque, stable identifier used by the API (`acc_…`).
    public var id: String
    /// The customer who owns the account (`UserRecord.id`); nil for a system account.
    public var userID: String?
    public var kind: AccountKind
    public var currency: Currency
    /// 3-digit branch code (店番).
    public var branchCode: String
    /// 7-digit account number (口座番号).
    public var accountNumber: String
    /// A display name, e.g. "Ordinary deposit" or "Travel savings".
    public var name: String
    /// The account holder's name as the bank records it (e.g. katakana for a Japanese account).
    public var holderName: String
    public var openedAt: Date

    public init(id: String, userID: String?, kind: AccountKind, currency: Currency, branchCode: String, accountNumber: String,
                name: String, holderName: String, openedAt: Date) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.currency = currency
        self.branchCode = branchCode
        self.accountNumber = accountNumber
        self.name = name
        self.holderName = holderName
        self.openedAt = openedAt
    }

    /// Whether `branchCode` is 3 digits and `accountNumber` 7 digits.
    public var hasValidNumber: Bool { Self.isDigits(branchCode, count: 3) && Self.isDigits(accountNumber, count: 7) }

    /// `text` is exactly `count` ASCII digits.
    public static func isDigits(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

/// An account with its current balance. The balance always equals the sum of the account's ledger entries.
public struct AccountBalance: Sendable, Hashable {
    public var account: Account
    /// Current (booked) balance in minor units of `account.currency`.
    public var balanceMinor: Int64
    /// When the last entry was booked, or the opening time when there is none.
    public var asOf: Date

    public init(account: Account, balanceMinor: Int64, asOf: Date) {
        self.account = account
        self.balanceMinor = balanceMinor
        self.asOf = asOf
    }

    public var balance: Money { Money(minorUnits: balanceMinor, currency: account.currency) }
}
