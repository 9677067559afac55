import AuthorizationServer
import BankCore
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The consent for `authorization_details` and what is granted (RFC 9396 §4, §7, §9.1, §9.2; FAPI 2.0 SP §5.3.2.2-13).
@Suite("RAR consent: the customer sees the details in plain words, picks accounts, and exactly the granted details are issued")
struct RARConsentFlowTests {
    static let bothDetails: JSONValue = [RAR.accountInformation(), RAR.payment()]

    @Test("The consent page shows each detail in plain words with checkboxes for accounts and radios for the debtor")
    func consentPage() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (_, page) = try await flow.consentPage(details: Self.bothDetails)
            #expect(page.isConsentPage)
            let html = page.bodyText
            #expect(html.contains("See balances and transactions from 2026-01-01 to 2026-11-30 of:"))
            #expect(html.contains("Pay ¥5,000 to ヤマダ タロウ (bank 0999, branch 001, account 1234567), reference “Invoice 123”, once, from:"))
            #expect(html.contains(#"type="checkbox" id="detail-0-0" name="detail.0.account.acc_alice_jpy" value="acc_alice_jpy""#))
            #expect(html.contains(#"<label for="detail-0-0">Ordinary deposit 001-1234567 (JPY)</label>"#))
            #expect(html.contains(#"name="detail.0.account.acc_alice_usd""#), "every account of the customer may be read")
            #expect(html.contains(#"type="radio" id="detail-1-0" name="detail.1.debtorAccount" value="acc_alice_jpy""#))
            #expect(html.contains(#"name="detail.1.debtorAccount" value="acc_alice_sav""#))
            #expect(!html.contains(#"name="detail.1.debtorAccount" value="acc_alice_usd""#), "a JPY payment is never paid from a USD account")
            #expect(!html.contains(RAR.bobJPY), "another customer's accounts are never offered")
            #expect(!html.contains("checked"), "nothing is chosen for the customer")
        }
    }

    @Test("The customer's picks are what the token response, the access token, introspection and refresh carry (RFC 9396 §7, §9)")
    func picksAreGranted() async throws {
        let test = try await RAR.server()
        try await test.setGrantTypes(["authorization_code", "refresh_token"])
        let dpopKey = try JWSSigningKey.generate(.es256, kid: "dpop")
        try await test.withFlow { flow in
            let tokens = try await flow.rarTokens(details: Self.bothDetails, fields: [
                "detail.0.account.acc_alice_jpy": "acc_alice_jpy", "detail.0.account.acc_alice_usd": "acc_alice_usd",
                "detail.1.debtorAccount": RAR.aliceSavings,
            ], dpopKey: dpopKey)
            let expected: JSONValue = [
                RAR.accountInformation(["accounts": [.string(RAR.aliceJPY), .string(RAR.aliceUSD)]]),
                RAR.payment(["debtorAccount": ["accountId": .string(RAR.aliceSavings)]]),
            ]
            #expect(tokens["authorization_details"] == expected, "\(tokens)")
            let accessToken = try #require(tokens["access_token"]?.stringValue)
            #expect(try unverifiedClaims(accessToken)["authorization_details"] == expected)
            #expect(try await flow.introspect(accessToken).json["authorization_details"] == expected)

            let refreshed = try await flow.refresh(try #require(tokens["refresh_token"]?.stringValue), dpopKey: dpopKey)
            #expect(refreshed.json["authorization_details"] == expected, "\(refreshed.bodyText)")
            let refreshedToken = try #require(refreshed.json["access_token"]?.stringValue)
            #expect(try unverifiedClaims(refreshedToken)["authorization_details"] == expected)

            // The bank API reads the granted details with the same parser: accounts and the debtor are filled in.
            let granted = try BankAuthorizationDetail.parseAll(expected)
            guard case .accountInformation(let info) = granted[0], case .paymentInitiation(let payment) = granted[1] else {
                Issue.record("unexpected granted details \(granted)")
                return
            }
            #expect(info.accounts == [RAR.aliceJPY, RAR.aliceUSD] && payment.debtorAccountID == RAR.aliceSavings)
        }
    }

    @Test("Accounts named in the request are shown, need no pick, and are granted as requested")
    func preselectedAccounts() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let details: JSONValue = [RAR.accountInformation(["accounts": [.string(RAR.aliceSavings)], "datatypes": ["balances"]])]
            let (interaction, page) = try await flow.consentPage(details: details)
            #expect(page.bodyText.contains("See balances of:") && page.bodyText.contains("Travel savings 001-2345678 (JPY)"))
            #expect(!page.bodyText.contains("type=\"checkbox\""))
            let redirect = try await flow.approve(interaction, fields: [:])
            let code = try #require(redirect.redirectParameters?["code"], "\(redirect.bodyText)")
            let response = try await flow.token(code: code, dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            #expect(response.json["authorization_details"] == [RAR.accountInformation(["accounts": [.string(RAR.aliceSavings)],
                                                                                        "datatypes": ["balances"]])])
        }
    }

    @Test("authorization_details without scope: the flow completes and the access token carries the details and no scope")
    func detailsWithoutScope() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, page) = try await flow.consentPage(details: [RAR.payment()], ["scope": nil])
            #expect(page.isConsentPage && !page.bodyText.contains("<li>"), "no scope items: \(page.bodyText)")
            let redirect = try await flow.approve(interaction, fields: ["detail.0.debtorAccount": RAR.aliceJPY])
            let code = try #require(redirect.redirectParameters?["code"], "\(redirect.bodyText)")
            let response = try await flow.token(code: code, dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            #expect(response.status == .ok && response.json["id_token"] == nil, "\(response.bodyText)")
            #expect(response.json["scope"]?.stringValue?.isEmpty ?? true)
            let claims = try unverifiedClaims(try #require(response.json["access_token"]?.stringValue))
            #expect(claims["authorization_details"] == [RAR.payment(["debtorAccount": ["accountId": .string(RAR.aliceJPY)]])])
        }
    }

    @Test("Approving without the required picks shows the consent page again with a message and issues no code")
    func noPick() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, _) = try await flow.consentPage(details: Self.bothDetails)
            let again = try await flow.approve(interaction, fields: ["detail.0.account.acc_alice_jpy": "acc_alice_jpy"])
            #expect(again.isConsentPage, "\(again.status) \(again.bodyText)")
            #expect(again.location == nil)
            #expect(again.bodyText.contains("Please choose one option for “Make one payment”"))
            #expect(again.csrfToken == interaction.csrf, "the same interaction continues")
            // The interaction is still open: a complete decision now succeeds.
            let done = try await flow.approve(interaction, fields: ["detail.0.account.acc_alice_jpy": "acc_alice_jpy",
                                                                    "detail.1.debtorAccount": RAR.aliceJPY])
            #expect(done.redirectParameters?["code"] != nil, "\(done.status) \(done.bodyText)")
        }
    }

    @Test("Picking another customer's account is refused: no code, the page again, nothing granted", arguments: [
        ["detail.0.account.acc_bob_jpy": "acc_bob_jpy", "detail.1.debtorAccount": RAR.aliceJPY],
        ["detail.0.account.acc_alice_jpy": "acc_alice_jpy", "detail.1.debtorAccount": RAR.bobJPY],
        ["detail.0.account.acc_alice_jpy": "acc_alice_jpy", "detail.1.debtorAccount": RAR.aliceUSD],
    ])
    func foreignPick(_ fields: [String: String]) async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, _) = try await flow.consentPage(details: Self.bothDetails)
            let response = try await flow.approve(interaction, fields: fields)
            #expect(response.isConsentPage && response.location == nil, "\(response.status) \(response.bodyText)")
            #expect(response.redirectParameters?["code"] == nil)
        }
    }

    @Test("A request naming another customer's account (or a debtor in another currency) ends with access_denied after login",
          arguments: [
            [RAR.accountInformation(["accounts": [.string(RAR.aliceJPY), .string(RAR.bobJPY)]])],
            [RAR.payment(["debtorAccount": ["accountId": .string(RAR.bobJPY)]])],
            [RAR.payment(["debtorAccount": ["accountId": .string(RAR.aliceUSD)]])],
          ] as [JSONValue])
    func foreignAccountRequested(_ details: JSONValue) async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (_, response) = try await flow.consentPage(details: details)
            #expect(response.status == .seeOther, "\(response.bodyText)")
            let parameters = try #require(response.redirectParameters)
            #expect(parameters["error"] == "access_denied" && parameters["code"] == nil && parameters["state"] == "state-123")
        }
    }

    @Test("Deny works with details: access_denied, whatever was ticked")
    func deny() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, _) = try await flow.consentPage(details: Self.bothDetails)
            let response = try await flow.submit(OAuthServer.Path.consent, [
                "csrf_token": interaction.csrf, "deny": "deny", "detail.1.debtorAccount": RAR.aliceJPY,
            ], cookie: interaction.cookie)
            #expect(response.redirectParameters?["error"] == "access_denied")
        }
    }

    @Test("A tampered form without the CSRF token is refused before any pick is read")
    func csrfKept() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let (interaction, _) = try await flow.consentPage(details: Self.bothDetails)
            let response = try await flow.submit(OAuthServer.Path.consent, [
                "approve": "approve", "detail.0.account.acc_alice_jpy": "acc_alice_jpy", "detail.1.debtorAccount": RAR.aliceJPY,
            ], cookie: interaction.cookie)
            #expect(response.status == .forbidden && response.location == nil)
        }
    }
}
