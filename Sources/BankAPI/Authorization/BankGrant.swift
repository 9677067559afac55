import AuthorizationServer
import BankCore
import Foundation
import OAuthCore

/// What an access token lets its client do at the bank API, read from its plain scopes (`accounts`, `transfers`,
/// `identity`) and its granted RFC 9396 authorization details (`account_information`, `payment_initiation`; RFC 9396
/// §9.1: the resource server decides from the details in the token).
///
/// Every check here is also an ownership check: an account is reachable only when it belongs to the token's customer,
/// whatever the details name, so a token can never reach another customer's money.
struct BankGrant: Sendable {
    /// What may be read from one account.
    struct AccountAccess: Sendable, Equatable {
        var balances: Bool
        var transactions: Bool
        /// Earliest booking instant the client may read (inclusive); nil: no limit.
        var from: Date?
        /// Booking instants before this one (exclusive); nil: no limit.
        var until: Date?

        static let everything = AccountAccess(balances: true, transactions: true, from: nil, until: nil)

        /// The wider of two grants for the same account.
        func union(_ other: AccountAccess) -> AccountAccess {
            AccountAccess(
                balances: balances || other.balances, transactions: transactions || other.transactions,
                from: from.flatMap { a in other.from.map { min(a, $0) } }, until: until.flatMap { a in other.until.map { max(a, $0) } })
        }
    }

    /// The customer; nil for a client_credentials token, which reaches no customer data.
    let userID: String?
    /// The grant a payment consent belongs to: a `payment_initiation` detail is single-use per grant.
    let grantID: String?
    /// `accounts` scope: every account of the customer.
    let allAccounts: AccountAccess?
    /// `account_information` details: the accounts the customer picked.
    let accounts: [String: AccountAccess]
    /// `identity` scope: the verified identity.
    let identity: Bool
    /// `transfers` scope: transfers from the customer's accounts to the customer's saved payees and own accounts.
    let transfersToPayees: Bool
    /// The one payment the customer consented to, if any.
    let payment: PaymentInitiationDetail?

    init(token: AuthenticatedAccessToken) throws {
        userID = token.userID
        grantID = token.record.grantID
        let scope = Set(token.scope)
        allAccounts = scope.contains("accounts") ? .everything : nil
        identity = scope.contains("identity")
        transfersToPayees = scope.contains("transfers")
        var accounts: [String: AccountAccess] = [:]
        var payment: PaymentInitiationDetail?
        if let details = token.authorizationDetails {
            let parsed: [BankAuthorizationDetail]
            do {
                parsed = try BankAuthorizationDetail.parseAll(details)
            } catch {
                throw BankAPIError.forbidden("The authorization details of this access token are not understood")
            }
            for detail in parsed {
                switch detail {
                case .accountInformation(let info):
                    let access = AccountAccess(
                        balances: info.datatypes.contains(.balances), transactions: info.datatypes.contains(.transactions),
                        from: info.transactionsFrom, until: info.transactionsTo)
                    for id in info.accounts ?? [] { accounts[id] = accounts[id].map { $0.union(access) } ?? access }
                case .paymentInitiation(let detail):
                    payment = detail
                }
            }
        }
        self.accounts = accounts
        self.payment = payment
    }

    /// Whether any account may be listed.
    var readsAccounts: Bool { userID != nil && (allAccounts != nil || !accounts.isEmpty) }

    /// What may be read from `account`: nil when the account is not the customer's or not in the grant (→ 403).
    func access(to account: Account) -> AccountAccess? {
        guard let userID, account.userID == userID, account.kind != .system else { return nil }
        switch (allAccounts, accounts[account.id]) {
        case let (all?, picked?): return all.union(picked)
        case let (all?, nil): return all
        case let (nil, picked?): return picked
        case (nil, nil): return nil
        }
    }
}
