import AuthorizationServer
import BankCore
import OAuthCore

/// The bank's RFC 9396 authorization detail types for the authorization server: `account_information` and
/// `payment_initiation` (`BankAuthorizationDetail`), their consent wording, and the customer's picks of accounts.
///
/// Accounts are only ever granted when they are the customer's own (`BankStore.accounts(ofUser:)`): an account named
/// in the request that is not theirs ends the request with `access_denied`; a payment's debtor account must be in the
/// instructed currency.
public struct BankAuthorizationDetailsPolicy: AuthorizationDetailsPolicy {
    public let store: any BankStore
    /// The bank API's base URL: the only value accepted in `locations` (RFC 9396 §2.2).
    public let apiBaseURL: String

    public init(store: any BankStore, apiBaseURL: String) {
        self.store = store
        self.apiBaseURL = apiBaseURL
    }

    public var supportedTypes: [String] { BankAuthorizationDetail.types }

    public func validate(_ details: [[String: JSONValue]], client: Client) throws(OAuthError) -> [[String: JSONValue]] {
        try parse(details).map(\.json)
    }

    public func consent(for details: [[String: JSONValue]], userID: String) async throws -> [ConsentDetail] {
        let parsed = try parse(details)
        let accounts = try await customerAccounts(userID)
        var view: [ConsentDetail] = []
        for (index, detail) in parsed.enumerated() {
            switch detail {
            case .accountInformation(let info):
                let sentence = ConsentWording.accountInformation(info)
                if let ids = info.accounts {
                    let named = try Self.owned(ids, in: accounts)
                    view.append(ConsentDetail(title: "Account information", lines: [sentence + ":"] + named.map(ConsentWording.account)))
                } else {
                    view.append(ConsentDetail(title: "Account information", lines: [sentence + ":"], choice: ConsentChoice(
                        name: "account", prompt: "Choose the accounts", selection: .atLeastOne, options: Self.options(accounts))))
                }
            case .paymentInitiation(let payment):
                let sentence = ConsentWording.payment(payment)
                if let id = payment.debtorAccountID {
                    let debtor = try Self.debtor(id, for: payment, in: accounts)
                    view.append(ConsentDetail(title: "Make one payment", lines: [sentence + ", from \(ConsentWording.account(debtor))."]))
                } else {
                    let eligible = accounts.filter { $0.currency == payment.instructedAmount.currency }
                    guard !eligible.isEmpty else {
                        throw OAuthError(.accessDenied, "The customer has no \(payment.instructedAmount.currency.code) account to pay from",
                                         detail: "detail \(index)")
                    }
                    view.append(ConsentDetail(title: "Make one payment", lines: [sentence + ", from:"], choice: ConsentChoice(
                        name: "debtorAccount", prompt: "Pay from", selection: .one, options: Self.options(eligible))))
                }
            }
        }
        return view
    }

    public func grant(_ details: [[String: JSONValue]], userID: String, choices: [[String]]) async throws -> [[String: JSONValue]] {
        let parsed = try parse(details)
        guard choices.count == parsed.count else { throw OAuthError.serverError(detail: "choices do not match the details") }
        let accounts = try await customerAccounts(userID)
        var granted: [[String: JSONValue]] = []
        for (detail, picks) in zip(parsed, choices) {
            switch detail {
            case .accountInformation(var info):
                let ids = info.accounts ?? picks
                guard !ids.isEmpty, info.accounts == nil || picks.isEmpty else { throw Self.unavailable }
                _ = try Self.owned(ids, in: accounts)
                info.accounts = ids
                granted.append(info.json)
            case .paymentInitiation(var payment):
                guard let id = payment.debtorAccountID ?? picks.first, picks.count == (payment.debtorAccountID == nil ? 1 : 0) else {
                    throw Self.unavailable
                }
                _ = try Self.debtor(id, for: payment, in: accounts)
                payment.debtorAccountID = id
                granted.append(payment.json)
            }
        }
        return granted
    }

    // MARK: - Steps

    /// `BankAuthorizationDetail.parseAll` plus the `locations` rule, as `invalid_authorization_details`.
    func parse(_ details: [[String: JSONValue]]) throws(OAuthError) -> [BankAuthorizationDetail] {
        let parsed: [BankAuthorizationDetail]
        do { parsed = try BankAuthorizationDetail.parseAll(.array(details.map(JSONValue.object))) } catch {
            throw OAuthError(.invalidAuthorizationDetails, error.message)
        }
        for (index, detail) in parsed.enumerated() where detail.locations.map({ $0 != [apiBaseURL] }) ?? false {
            throw OAuthError(.invalidAuthorizationDetails, "authorization_details[\(index)].locations must be [\"\(apiBaseURL)\"]")
        }
        return parsed
    }

    /// The customer's own accounts (never system accounts), ordered by account number.
    func customerAccounts(_ userID: String) async throws -> [Account] {
        try await store.accounts(ofUser: userID).map(\.account).filter { $0.userID == userID && $0.kind != .system }
    }

    static let unavailable = OAuthError(.accessDenied, "An account in authorization_details is not available to the customer")

    /// The accounts `ids` names, each of which must be the customer's.
    static func owned(_ ids: [String], in accounts: [Account]) throws(OAuthError) -> [Account] {
        var result: [Account] = []
        for id in ids {
            guard let account = accounts.first(where: { $0.id == id }) else { throw unavailable }
            result.append(account)
        }
        return result
    }

    /// The customer's account `id`, which must hold the payment's currency.
    static func debtor(_ id: String, for payment: PaymentInitiationDetail, in accounts: [Account]) throws(OAuthError) -> Account {
        guard let account = accounts.first(where: { $0.id == id }) else { throw unavailable }
        guard account.currency == payment.instructedAmount.currency else {
            throw OAuthError(.accessDenied, "The debtor account is not held in \(payment.instructedAmount.currency.code)")
        }
        return account
    }

    static func options(_ accounts: [Account]) -> [ConsentChoice.Option] {
        accounts.map { ConsentChoice.Option(value: $0.id, label: ConsentWording.account($0)) }
    }
}
