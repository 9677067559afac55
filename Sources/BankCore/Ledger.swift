import Foundation
import OAuthCore

/// One side of a booking on one account: a credit (positive) or a debit (negative), with the balance it left.
/// Entries are immutable once written; an account's balance is the sum of its entries.
public struct LedgerEntry: Sendable, Hashable, Codable {
    /// Database-wide, strictly increasing position of the entry (assigned by the store): the tie-breaker of the
    /// newest-first order and part of the transaction-history cursor.
    public var sequence: Int64
    /// `<bookingID>-<leg index>`.
    public var id: String
    /// The booking (transfer or other posting) this entry belongs to.
    public var bookingID: String
    public var accountID: String
    /// Signed minor units: positive credits the account, negative debits it.
    public var amountMinor: Int64
    public var currency: Currency
    /// The account's balance right after this entry.
    public var balanceAfterMinor: Int64
    public var bookedAt: Date
    /// What the customer sees on the statement, e.g. "Salary November" or "Transfer to ヤマダ タロウ".
    public var description: String
    /// The other party, when there is one.
    public var counterpartyName: String?

    public init(sequence: Int64, id: String, bookingID: String, accountID: String, amountMinor: Int64, currency: Currency,
                balanceAfterMinor: Int64, bookedAt: Date, description: String, counterpartyName: String?) {
        self.sequence = sequence
        self.id = id
        self.bookingID = bookingID
        self.accountID = accountID
        self.amountMinor = amountMinor
        self.currency = currency
        self.balanceAfterMinor = balanceAfterMinor
        self.bookedAt = bookedAt
        self.description = description
        self.counterpartyName = counterpartyName
    }
}

/// A balanced double-entry posting: every leg's account in the same currency, and the legs sum to zero. Used for
/// deposits, salaries, card payments and seeding; customer transfers go through `BankStore.postTransfer` instead.
public struct Booking: Sendable, Hashable {
    public struct Leg: Sendable, Hashable {
        public var accountID: String
        public var amountMinor: Int64
        public var description: String
        public var counterpartyName: String?

        public init(accountID: String, amountMinor: Int64, description: String, counterpartyName: String? = nil) {
            self.accountID = accountID
            self.amountMinor = amountMinor
            self.description = description
            self.counterpartyName = counterpartyName
        }
    }

    public var id: String
    public var bookedAt: Date
    public var legs: [Leg]

    public init(id: String, bookedAt: Date, legs: [Leg]) {
        self.id = id
        self.bookedAt = bookedAt
        self.legs = legs
    }

    /// At least two legs, no zero leg, no account twice, and the legs sum to zero (double entry). The store further
    /// checks that the accounts exist, share one currency, and that no customer account goes below zero.
    public var isBalanced: Bool {
        guard legs.count >= 2, legs.allSatisfy({ $0.amountMinor != 0 }), Set(legs.map(\.accountID)).count == legs.count else {
            return false
        }
        var sum: Int64 = 0
        for leg in legs {
            let (s, overflow) = sum.addingReportingOverflow(leg.amountMinor)
            if overflow { return false }
            sum = s
        }
        return sum == 0
    }
}

/// Keyset position in an account's newest-first history: the last entry a page returned. Because pages continue from
/// a position rather than an offset, entries booked while a client pages never shift or repeat what it sees.
public struct TransactionCursor: Sendable, Hashable {
    public var bookedAt: Date
    public var sequence: Int64

    public init(bookedAt: Date, sequence: Int64) {
        self.bookedAt = bookedAt
        self.sequence = sequence
    }

    public init(after entry: LedgerEntry) { self.init(bookedAt: entry.bookedAt, sequence: entry.sequence) }

    /// Opaque to clients: base64url of `v1:<milliseconds>:<sequence>`.
    public var token: String {
        Base64URL.encode(Array("v1:\(Int64((bookedAt.timeIntervalSince1970 * 1000).rounded())):\(sequence)".utf8))
    }

    /// Parses `token`; nil when it is not one this server made.
    public init?(token: String) {
        guard token.utf8.count <= 64, let bytes = Base64URL.decode(token) else { return nil }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: ":")
        guard parts.count == 3, parts[0] == "v1", let ms = Int64(parts[1]), let seq = Int64(parts[2]), seq >= 0 else { return nil }
        self.init(bookedAt: Date(timeIntervalSince1970: Double(ms) / 1000), sequence: seq)
    }
}

/// A page request over one account's entries, newest first (by `bookedAt`, then `sequence`, both descending).
public struct TransactionQuery: Sendable, Hashable {
    /// Only entries booked at or after this instant.
    public var from: Date?
    /// Only entries booked before this instant (exclusive).
    public var until: Date?
    /// Page size, 1...`maxLimit`.
    public var limit: Int
    /// Continue after this position (exclusive).
    public var after: TransactionCursor?

    public static let maxLimit = 500

    public init(from: Date? = nil, until: Date? = nil, limit: Int = 50, after: TransactionCursor? = nil) {
        self.from = from
        self.until = until
        self.limit = min(max(limit, 1), Self.maxLimit)
        self.after = after
    }
}

/// One page of history. `next` is set when more entries may follow.
public struct TransactionPage: Sendable, Hashable {
    public var entries: [LedgerEntry]
    public var next: TransactionCursor?

    public init(entries: [LedgerEntry], next: TransactionCursor?) {
        self.entries = entries
        self.next = next
    }
}

/// A whole-ledger consistency report (for tests, `kura bank audit` and monitoring).
public struct LedgerAudit: Sendable, Hashable {
    /// Per currency code: the sum of all account balances (equals zero in a closed double-entry ledger).
    public var balanceTotals: [String: Int64]
    /// Accounts whose stored balance differs from the sum of their entries (must be empty).
    public var mismatchedAccounts: [String]
    /// Customer accounts with a negative balance (must be empty).
    public var overdrawnAccounts: [String]
    /// Bookings whose entries do not sum to zero (must be empty).
    public var unbalancedBookings: [String]

    public init(balanceTotals: [String: Int64], mismatchedAccounts: [String], overdrawnAccounts: [String], unbalancedBookings: [String]) {
        self.balanceTotals = balanceTotals
        self.mismatchedAccounts = mismatchedAccounts
        self.overdrawnAccounts = overdrawnAccounts
        self.unbalancedBookings = unbalancedBookings
    }

    public var isConsistent: Bool {
        mismatchedAccounts.isEmpty && overdrawnAccounts.isEmpty && unbalancedBookings.isEmpty && balanceTotals.values.allSatisfy { $0 == 0 }
    }
}
