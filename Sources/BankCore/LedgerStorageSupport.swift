import Foundation

// Storage-independent pieces of the ledger that both backends (StorageSQLite, StoragePostgres) share.

/// A transfer that is not booked: thrown inside the write transaction to roll it back, answered outside it.
public struct TransferRejected: Error {
    public let outcome: TransferOutcome
    public init(_ outcome: TransferOutcome) { self.outcome = outcome }
}

/// What a booked transfer writes, independent of the database: both backends use it, so they write the same.
public enum TransferBooking {
    /// The transfer as it will be stored (`createdAt` in whole milliseconds, so `.booked` equals a later `.replayed`).
    /// - Throws: `BankStoreError.invalid` for a non-positive amount or a transfer from an account to itself: callers
    ///   validate requests before, so these are programming errors, not outcomes.
    public static func validated(_ transfer: Transfer) throws -> Transfer {
        guard transfer.amount.minorUnits > 0 else {
            throw BankStoreError.invalid("transfer \(transfer.id) amount must be positive")
        }
        guard transfer.debtorAccountID != transfer.creditedAccountID else {
            throw BankStoreError.invalid("transfer \(transfer.id) debits and credits the same account")
        }
        var stored = transfer
        stored.createdAt = LedgerPageBounds.wholeMilliseconds(transfer.createdAt)
        return stored
    }

    /// The answer to a request whose client already used its `Idempotency-Key` for `original`.
    public static func replay(of original: Transfer, by retry: Transfer) -> TransferOutcome {
        original.requestHash == retry.requestHash ? .replayed(original) : .idempotencyKeyReused(original)
    }

    /// The transfer's two entries, debit first: `<transfer id>-0` on the debtor, `<transfer id>-1` on the credited
    /// account, each naming the other party.
    public static func entries(of transfer: Transfer, debtorHolderName: String, debtorBalance: Int64, creditedBalance: Int64) -> [LedgerEntry] {
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

/// The bounds of one history page as column values: absent bounds become values no row reaches, so one statement
/// (and one index range scan) serves every query.
public struct LedgerPageBounds: Sendable {
    public let from: Int64
    public let until: Int64
    public let afterBookedAt: Int64
    public let afterSequence: Int64

    public init(_ query: TransactionQuery) {
        from = query.from.map(Self.millis) ?? Int64.min
        until = query.until.map(Self.millis) ?? Int64.max
        // The cursor token rounds to the nearest millisecond; so does this.
        afterBookedAt = query.after.map { Int64(($0.bookedAt.timeIntervalSince1970 * 1000).rounded()) } ?? Int64.max
        afterSequence = query.after?.sequence ?? Int64.max
    }

    /// The page from up to `limit + 1` rows: the extra row only says that another page follows.
    public func page(_ entries: [LedgerEntry], limit: Int) -> TransactionPage {
        guard entries.count > limit else { return TransactionPage(entries: entries, next: nil) }
        let shown = Array(entries.prefix(limit))
        return TransactionPage(entries: shown, next: shown.last.map(TransactionCursor.init(after:)))
    }

    /// Epoch milliseconds, rounded down: how both backends store instants (as `StorageCoding.millis`).
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `date` truncated to what the database keeps.
    public static func wholeMilliseconds(_ date: Date) -> Date { Date(timeIntervalSince1970: Double(millis(date)) / 1000) }
}

/// What a booking writes, independent of the database: both backends check and build it the same way.
public enum BookingPosting {
    /// The booking's currency: every leg's account must exist (`.notFound`) and all share one currency (`.invalid`);
    /// an unbalanced booking is `.invalid` before anything is read.
    /// - Parameter currencies: the currency code of each account the legs name that exists.
    public static func currency(of booking: Booking, currencies: [String: String]) throws -> Currency {
        for leg in booking.legs where currencies[leg.accountID] == nil { throw BankStoreError.notFound(leg.accountID) }
        let codes = Set(currencies.values)
        guard codes.count == 1, let code = codes.first, let currency = Currency.named(code) else {
            throw BankStoreError.invalid("booking \(booking.id) mixes currencies \(codes.sorted())")
        }
        return currency
    }

    /// Refuses an unbalanced booking (`Booking.isBalanced`) with `.invalid`.
    public static func checkBalanced(_ booking: Booking) throws {
        guard booking.isBalanced else {
            throw BankStoreError.invalid("booking \(booking.id) is not balanced: two or more non-zero legs on distinct accounts summing to zero")
        }
    }

    /// The entry of leg `index` (`<booking id>-<index>`), with the balance its update left.
    public static func entry(_ booking: Booking, leg index: Int, currency: Currency, balance: Int64) -> LedgerEntry {
        let leg = booking.legs[index]
        return LedgerEntry(
            sequence: 0, id: "\(booking.id)-\(index)", bookingID: booking.id, accountID: leg.accountID, amountMinor: leg.amountMinor,
            currency: currency, balanceAfterMinor: balance, bookedAt: booking.bookedAt, description: leg.description,
            counterpartyName: leg.counterpartyName)
    }
}

/// The ledger audit's queries (`BankStore.audit()`), one text for both backends, so both check exactly the same
/// things: the totals per currency; accounts whose stored balance differs from the sum of their entries or from the
/// balance their newest entry left, or that hold an entry in another currency; customer accounts below zero; bookings
/// whose legs do not sum to zero or mix currencies. Each list comes back in byte order of its ids.
public struct LedgerAuditSQL: Sendable {
    public let totals: String
    public let mismatchedAccounts: String
    public let overdrawnAccounts: String
    public let unbalancedBookings: String

    /// SQLite: the default `BINARY` collation is byte order, and `SUM` of integers is an integer.
    public static let sqlite = LedgerAuditSQL(collation: "", sumCast: "")
    /// PostgreSQL: `COLLATE "C"` for byte order, and `SUM(bigint)` (a `numeric`) cast back to `bigint`.
    public static let postgres = LedgerAuditSQL(collation: #" COLLATE "C""#, sumCast: "::bigint")

    init(collation: String, sumCast: String) {
        totals = "SELECT currency, SUM(balance_minor)\(sumCast) AS total FROM accounts GROUP BY currency"
        mismatchedAccounts = """
            SELECT a.id FROM accounts a
            LEFT JOIN (SELECT account_id, SUM(amount_minor) AS total, MAX(sequence) AS last_sequence,
                              MIN(currency) AS min_currency, MAX(currency) AS max_currency
                       FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id
            LEFT JOIN ledger_entries last ON last.sequence = e.last_sequence
            WHERE a.balance_minor <> COALESCE(e.total, 0)
               OR last.balance_after_minor <> a.balance_minor
               OR e.min_currency <> a.currency OR e.max_currency <> a.currency
            ORDER BY a.id\(collation)
            """
        overdrawnAccounts = "SELECT id FROM accounts WHERE balance_minor < 0 AND kind <> 'system' ORDER BY id\(collation)"
        unbalancedBookings = """
            SELECT booking_id AS id FROM ledger_entries GROUP BY booking_id
            HAVING SUM(amount_minor) <> 0 OR MIN(currency) <> MAX(currency)
            ORDER BY booking_id\(collation)
            """
    }
}
