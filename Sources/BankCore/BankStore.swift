import Foundation

/// The bank's ledger and customer data, implemented by both storage backends (SQLite and PostgreSQL) and checked by
/// one conformance suite against each.
///
/// Invariants every implementation keeps, whatever the concurrency:
/// - double entry: every booking's entries sum to zero, so the sum of all balances per currency never changes;
/// - an account's stored balance equals the sum of its entries, updated in the same transaction as the entries;
/// - a customer account (`AccountKind.mayOverdraw == false`) never goes below zero, even under concurrent debits;
/// - a transfer is booked at most once per (client, `Idempotency-Key`) and at most once per payment consent;
/// - a rejected operation changes nothing.
public protocol BankStore: Sendable {
    // MARK: Operator and seeding

    /// Opens an account with a zero balance. Throws `BankStoreError.duplicate` when the id or the branch/number pair
    /// is taken, `.invalid` when the number is malformed.
    func createAccount(_ account: Account) async throws
    /// Posts a balanced booking (deposits, card payments, seeding) in one transaction: entries appended in leg order,
    /// balances updated. Throws `.invalid` (unbalanced, currency mismatch), `.notFound(accountID)`, or
    /// `.insufficientFunds(accountID)` when a customer account would go below zero.
    func post(_ booking: Booking) async throws
    /// Creates or replaces the customer's verified identity.
    func saveIdentity(_ identity: VerifiedIdentity) async throws
    /// Saves a payee. Throws `.duplicate` for an existing id.
    func addPayee(_ payee: Payee) async throws

    // MARK: Reads

    /// The customer's accounts with balances, ordered by account number.
    func accounts(ofUser userID: String) async throws -> [AccountBalance]
    /// One account with its balance.
    func account(id: String) async throws -> AccountBalance?
    /// The account with this branch code and account number at this bank.
    func account(branchCode: String, accountNumber: String) async throws -> Account?
    /// A page of the account's entries, newest first (`bookedAt` desc, then `sequence` desc), after `query.after`.
    /// `next` is the position of the last returned entry when a further entry exists, else nil.
    func transactions(accountID: String, query: TransactionQuery) async throws -> TransactionPage
    func identity(userID: String) async throws -> VerifiedIdentity?
    func payees(ofUser userID: String) async throws -> [Payee]
    /// A booked transfer.
    func transfer(id: String) async throws -> Transfer?
    /// The transfer `clientID` booked with this `Idempotency-Key`, if any: lets the API answer a retry (or refuse a
    /// reused key) before it re-authorizes a request whose consent the original already consumed.
    func transfer(clientID: String, idempotencyKey: String) async throws -> Transfer?

    // MARK: Transfers

    /// Books `transfer` atomically, in one transaction:
    /// 1. if the client already used `transfer.idempotencyKey`: `.replayed(original)` when the request hash is equal,
    ///    else `.idempotencyKeyReused(original)` — nothing written;
    /// 2. if `transfer.consentID` is set and a transfer already consumed it: `.consentAlreadyUsed`;
    /// 3. the debtor and credited accounts must exist (`.accountNotFound`) and be in the transfer's currency
    ///    (`.currencyMismatch`);
    /// 4. debit the debtor only if its balance covers the amount (one conditional update: concurrent transfers can
    ///    never overspend) else `.insufficientFunds`;
    /// 5. credit the credited account, append both entries (debit first), insert the transfer row (which consumes the
    ///    consent and the idempotency key through unique constraints) → `.booked(transfer)`.
    /// Two concurrent calls with the same key or consent yield one `.booked` and one `.replayed` /
    /// `.idempotencyKeyReused` / `.consentAlreadyUsed`, never two bookings and never an error.
    func postTransfer(_ transfer: Transfer) async throws -> TransferOutcome
    /// Whole-ledger consistency check (sums per currency, balance vs entries, overdrafts, unbalanced bookings).
    func audit() async throws -> LedgerAudit
}

/// A storage backend that also holds the bank ledger.
public protocol BankStoreProvider: Sendable {
    var bank: any BankStore { get }
}

/// A bank store failure that is the caller's fault (the operator CLI and seeding show it; the API maps it).
public enum BankStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicate(String)
    case notFound(String)
    case invalid(String)
    case insufficientFunds(String)
    /// Stored data that the schema should not have allowed.
    case corrupt(String)

    public var description: String {
        switch self {
        case .duplicate(let what): "Already exists: \(what)"
        case .notFound(let what): "Not found: \(what)"
        case .invalid(let why): "Invalid: \(why)"
        case .insufficientFunds(let account): "Insufficient funds in account \(account)"
        case .corrupt(let what): "Corrupt bank data: \(what)"
        }
    }
}
