import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `authorization_details` at the PAR endpoint (RFC 9396 §2, §3.1, §5, §10; RFC 9126 §2.3).
@Suite("RAR at PAR: authorization_details are validated before anything is stored (RFC 9396 §2, §5)")
struct RARPushedAuthorizationTests {
    static let invalid: [(String, String)] = [
        ("unknown type", RAR.text([["type": "crypto_trading"]])),
        ("not an array", RAR.text(RAR.accountInformation())),
        ("empty array", "[]"),
        ("non-object entry", #"["account_information"]"#),
        ("missing type", RAR.text([RAR.accountInformation(["type": nil])])),
        ("type not a string", RAR.text([RAR.accountInformation(["type": 7])])),
        ("not JSON", #"[{"type":"payment_initiation""#),
        ("duplicate member name", #"[{"type":"account_information","datatypes":["balances"],"datatypes":["transactions"]}]"#),
        ("amount 1.5 JPY", RAR.text([RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "1.5"]])])),
        ("amount -1", RAR.text([RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "-1"]])])),
        ("amount 1e3", RAR.text([RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "1e3"]])])),
        ("unsupported currency", RAR.text([RAR.payment(["instructedAmount": ["currency": "GBP", "amount": "10"]])])),
        ("bad creditor account", RAR.text([RAR.payment(["creditorAccount": ["bankCode": "999", "branchCode": "001", "accountNumber": "1234567"]])])),
        ("two payment_initiation", RAR.text([RAR.payment(), RAR.payment()])),
        ("from after to", RAR.text([RAR.accountInformation(["transactionsFrom": "2026-12-01"])])),
        ("impossible date", RAR.text([RAR.accountInformation(["transactionsTo": "2026-13-01"])])),
        ("wrong locations", RAR.text([RAR.accountInformation(["locations": ["https://evil.example/api"]])])),
        ("locations not an array", RAR.text([RAR.accountInformation(["locations": .string(RAR.apiBaseURL)])])),
        ("unknown field", RAR.text([RAR.payment(["chargeBearer": "SHAR"])])),
        ("eleven details", RAR.text(.array(Array(repeating: RAR.accountInformation(), count: 11)))),
        ("over the size limit", RAR.text([RAR.payment(["creditorName": .string(String(repeating: "ア", count: 3000))])])),
    ]

    @Test("400 invalid_authorization_details, no-store, nothing persisted", arguments: invalid)
    func refused(_ name: String, _ details: String) async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let response = try await flow.parDetails(details)
            #expect(response.status == .badRequest, "\(name): \(response.bodyText)")
            #expect(response.oauthError == "invalid_authorization_details", "\(name): \(response.bodyText)")
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(try await test.backend.purgeExpired(before: .distantFuture) == 0, "\(name): a row was stored")
        }
    }

    @Test("Valid details of both types are accepted, with or without scope (RFC 9396 §3.1)", arguments: [Optional("openid accounts"), nil])
    func accepted(_ scope: String?) async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let details = RAR.text([RAR.accountInformation(["locations": .array([.string(RAR.apiBaseURL)])]), RAR.payment()])
            let response = try await flow.parDetails(details, ["scope": scope])
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("Without scope and without authorization_details the request is still refused with invalid_scope")
    func neitherScopeNorDetails() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let response = try await flow.par(["scope": nil])
            #expect(response.oauthError == "invalid_scope")
        }
    }

    @Test("A signed request object carrying authorization_details as a JSON array is accepted and reaches consent (RFC 9101, RFC 9396 §2)")
    func insideRequestObject() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let claims = test.requestObjectClaims(["authorization_details": [RAR.payment()]])
            let response = try await flow.parSigned(try test.requestObject(claims))
            #expect(response.status == .created, "\(response.bodyText)")
            let interaction = try await flow.startInteraction(requestURI: try #require(response.json["request_uri"]?.stringValue))
            let page = try await flow.login(interaction)
            #expect(page.bodyText.contains("Pay ¥5,000 to ヤマダ タロウ"), "\(page.bodyText)")
        }
    }

    @Test("A malformed detail inside a signed request object is refused the same way")
    func malformedInsideRequestObject() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            let claims = test.requestObjectClaims(["authorization_details": [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "1e3"]])]])
            let response = try await flow.parSigned(try test.requestObject(claims))
            #expect(response.oauthError == "invalid_authorization_details", "\(response.bodyText)")
        }
    }

    @Test("A server without a details policy refuses every authorization_details and advertises no types")
    func noPolicy() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let response = try await flow.parDetails(RAR.text([RAR.accountInformation()]))
            #expect(response.status == .badRequest && response.oauthError == "invalid_authorization_details")
            let metadata = try await flow.get(OAuthServer.Path.openIDConfiguration).json
            #expect(metadata["authorization_details_types_supported"] == nil)
        }
    }

    @Test("Metadata lists authorization_details_types_supported (RFC 9396 §10)")
    func metadata() async throws {
        let test = try await RAR.server()
        try await test.withFlow { flow in
            for path in [OAuthServer.Path.openIDConfiguration, OAuthServer.Path.oauthMetadata] {
                let metadata = try await flow.get(path).json
                #expect(metadata["authorization_details_types_supported"] == ["account_information", "payment_initiation"])
            }
        }
    }

    @Test("A client that registered authorization_details_types may use only those types (RFC 9396 §10)")
    func registeredTypes() async throws {
        let test = try await RAR.server()
        let key = try await test.registerOtherClient(id: "reader", extra: ["authorization_details_types": ["account_information"]])
        try await test.withFlow { flow in
            var form = try flow.parParameters(forClient: "reader", key: key, ["authorization_details": RAR.text([RAR.payment()])])
            let refused = try await flow.post(OAuthServer.Path.par, form: form)
            #expect(refused.oauthError == "invalid_authorization_details", "\(refused.bodyText)")
            form = try flow.parParameters(forClient: "reader", key: key, ["authorization_details": RAR.text([RAR.accountInformation()])])
            #expect(try await flow.post(OAuthServer.Path.par, form: form).status == .created)
        }
    }

    @Test("Client registration refuses authorization_details_types that is not an array of type names")
    func registrationValidation() async throws {
        let test = try await TestServer()
        await #expect(throws: OAuthError.self) {
            try await test.registerOtherClient(id: "bad", extra: ["authorization_details_types": "payment_initiation"])
        }
    }
}
