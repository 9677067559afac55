import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import StorageSQLite
import Testing

/// Fixtures for the Rich Authorization Requests suites (Tests/KuraTests/RAR): a test server with the bank's
/// `BankAuthorizationDetailsPolicy` over the in-memory SQLite ledger, alice's and bob's accounts, and request shapes.
enum RAR {
    static let apiBaseURL = "https://bank.kura.test/api"
    static let aliceJPY = "acc_alice_jpy"
    static let aliceSavings = "acc_alice_sav"
    static let aliceUSD = "acc_alice_usd"
    static let bobJPY = "acc_bob_jpy"
    static let bobID = "user-bob"

    /// A valid `account_information` detail; `changes` replace members (nil removes one).
    static func accountInformation(_ changes: [String: JSONValue?] = [:]) -> JSONValue {
        var detail: [String: JSONValue] = [
            "type": "account_information", "actions": ["read"], "datatypes": ["balances", "transactions"],
            "transactionsFrom": "2026-01-01", "transactionsTo": "2026-11-30",
        ]
        for (name, value) in changes { detail[name] = value }
        return .object(detail)
    }

    /// A valid `payment_initiation` detail (¥5,000 to ヤマダ タロウ); `changes` replace members (nil removes one).
    static func payment(_ changes: [String: JSONValue?] = [:]) -> JSONValue {
        var detail: [String: JSONValue] = [
            "type": "payment_initiation", "actions": ["initiate"],
            "instructedAmount": ["currency": "JPY", "amount": "5000"], "creditorName": "ヤマダ タロウ",
            "creditorAccount": ["bankCode": "0999", "branchCode": "001", "accountNumber": "1234567"],
            "remittanceInformationUnstructured": "Invoice 123",
        ]
        for (name, value) in changes { detail[name] = value }
        return .object(detail)
    }

    /// JSON text of `details` for the `authorization_details` form parameter.
    static func text(_ details: JSONValue) -> String { String(decoding: details.jsonData(), as: UTF8.self) }

    /// A test server whose authorization server uses the bank policy, with alice holding two JPY accounts and one USD
    /// account and bob one JPY account.
    static func server(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let test = try await TestServer(configure: configure) { backend in
            BankAuthorizationDetailsPolicy(store: backend.bank, apiBaseURL: apiBaseURL)
        }
        let now = test.clock.now()
        try await test.server.stores.users.insert(UserRecord(
            id: bobID, username: "bob", passwordHash: try test.server.passwordHasher.hash("bob's password", random: SystemRandom()),
            totpSecret: Data("bob-totp-secret-0000".utf8), displayName: "Bob Example", createdAt: now))
        let bank = test.backend.bank
        for (id, user, kind, currency, number, name) in [
            (aliceJPY, test.userID, AccountKind.ordinary, Currency.jpy, "1234567", "Ordinary deposit"),
            (aliceSavings, test.userID, .savings, .jpy, "2345678", "Travel savings"),
            (aliceUSD, test.userID, .ordinary, .usd, "3456789", "Dollar deposit"),
            (bobJPY, bobID, .ordinary, .jpy, "4567890", "Ordinary deposit"),
        ] {
            try await bank.createAccount(Account(
                id: id, userID: user, kind: kind, currency: currency, branchCode: "001", accountNumber: number, name: name,
                holderName: user == bobID ? "ボブ" : "アリス", openedAt: now))
        }
        return test
    }
}

extension FlowDriver {
    /// PAR with `authorization_details` (JSON text) and the standard parameters changed by `changes`.
    func parDetails(_ details: String, _ changes: [String: String?] = [:]) async throws -> TestResponse {
        var all = changes
        all["authorization_details"] = details
        return try await par(all)
    }

    /// PAR (must succeed) → login page → login; returns the interaction and the consent page.
    func consentPage(details: JSONValue, _ changes: [String: String?] = [:]) async throws -> (Interaction, TestResponse) {
        let response = try await parDetails(RAR.text(details), changes)
        try #require(response.status == .created, "PAR failed: \(response.bodyText)")
        let interaction = try await startInteraction(requestURI: try #require(response.json["request_uri"]?.stringValue))
        let page = try await login(interaction)
        return (interaction, page)
    }

    /// `POST /authorize/consent` pressing Allow with the consent form's extra `fields` (ticked choices).
    func approve(_ interaction: Interaction, fields: [String: String]) async throws -> TestResponse {
        var form = fields
        form["csrf_token"] = interaction.csrf
        form["approve"] = "approve"
        return try await submit(OAuthServer.Path.consent, form, cookie: interaction.cookie)
    }

    /// The whole flow with `details`, ticking `fields` at consent; returns the token response JSON.
    func rarTokens(details: JSONValue, fields: [String: String], dpopKey: JWSSigningKey) async throws -> [String: JSONValue] {
        let (interaction, page) = try await consentPage(details: details)
        try #require(page.isConsentPage, "no consent page: \(page.bodyText)")
        let redirect = try await approve(interaction, fields: fields)
        let code = try #require(redirect.redirectParameters?["code"], "no code: \(redirect.status) \(redirect.bodyText)")
        let response = try await token(code: code, dpopKey: dpopKey)
        try #require(response.status == .ok, "token request failed: \(response.bodyText)")
        return response.json
    }
}
