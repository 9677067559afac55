import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// private_key_jwt client authentication (OIDC Core §9, RFC 7523 §3; FAPI 2.0 SP §5.3.2.1-8/-13): the conformance
/// modules of FAPI2-CHECKLIST §E.3 that run with `client_auth_type=private_key_jwt`. A refused assertion may be
/// answered with 400 or 401 and `invalid_client` or `invalid_request` (only `invalid_client` for RS256, §E.4).
///
/// The token-endpoint modules also run in the `fapi_client_credentials_grant` variant, so each refused assertion is
/// sent with both grants; the PAR modules (`par-…`) are the PAR endpoint's.
@Suite("Conformance modules: private_key_jwt client assertions")
struct ConformanceClientAuthModuleTests {
    static let refusedCodes: Set<String> = ["invalid_client", "invalid_request"]

    /// The authorization_code and client_credentials token requests of `clientID`, each carrying the client assertion
    /// `assertion()` (nil: none at all) and a valid DPoP proof; both are refused with `codes`, with 400 or 401, and no
    /// token is stored.
    func expectTokenRequestsRefused(_ conformance: ConformanceServer, clientID: String? = nil, key: JWSSigningKey? = nil,
                                    codes: Set<String> = refusedCodes,
                                    assertion: @escaping @Sendable (TestServer) throws -> String?) async throws {
        let test = conformance.test
        let id = clientID ?? test.clientID
        try await test.setGrantTypes(["authorization_code", "client_credentials"], clientID: id)
        try await conformance.withFlow { flow in
            let code = try await flow.code(clientID: clientID, key: key)
            let clientAssertion = try assertion(test)
            let authentication: [String: String?] = ["client_id": id, "client_assertion": clientAssertion,
                                                     "client_assertion_type": clientAssertion == nil ? nil : FlowDriver.jwtBearer]
            var clientCredentials = ["grant_type": "client_credentials", "scope": "accounts"]
            for (name, value) in authentication { clientCredentials[name] = value }
            let before = conformance.rows
            let authorizationCode = try await flow.token(try flow.tokenParameters(code: code, authentication), dpopKey: try dpopKey())
            expectOAuthError(authorizationCode, codes, statuses: [400, 401])
            expectOAuthError(try await flow.token(clientCredentials, dpopKey: try dpopKey()), codes, statuses: [400, 401])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    /// A PAR whose client assertion is `assertion(test)` is refused with 400 or 401 and `invalid_client` or
    /// `invalid_request`, and no pushed request is stored.
    func expectPARRefused(_ assertion: @escaping @Sendable (TestServer) throws -> String) async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let before = conformance.rows
            let response = try await flow.par(["client_assertion": try assertion(flow.test)])
            expectOAuthError(response, Self.refusedCodes, statuses: [400, 401])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    // MARK: - Token endpoint

    @Test("fapi2-security-profile-final-ensure-signed-client-assertion-with-RS256-fails: RS256 with the client's own RSA key → 400/401 invalid_client, no token")
    func rs256Assertion() async throws {
        let conformance = try await ConformanceServer()
        let rsaKey = try JWSSigningKey.generate(.ps256, kid: "rsa-client-key")
        try await TestServer.registerClient(conformance.test.server, id: "rsa-client", key: rsaKey)
        try await expectTokenRequestsRefused(conformance, clientID: "rsa-client", key: rsaKey, codes: ["invalid_client"]) { test in
            let now = test.clock.now().epochSeconds
            return try RS256.sign(claims: ["iss": "rsa-client", "sub": "rsa-client", "aud": .string(test.server.configuration.issuer),
                                           "jti": .string(UUID().uuidString), "iat": .int(now), "exp": .int(now + 60)], key: rsaKey)
        }
    }

    @Test("fapi2-security-profile-final-ensure-client-assertion-in-token-endpoint: no client assertion → 400/401 invalid_client or invalid_request, no token")
    func noAssertion() async throws {
        try await expectTokenRequestsRefused(try await ConformanceServer()) { _ in nil }
    }

    @Test("fapi2-security-profile-final-ensure-client-assertion-with-exp-is-5-minutes-in-past-fails: exp now − 5 min → 400/401 invalid_client or invalid_request, no token")
    func expiredAssertion() async throws {
        try await expectTokenRequestsRefused(try await ConformanceServer()) { test in
            let now = test.clock.now().epochSeconds
            return try test.clientAssertion(overrides: ["iat": .int(now - 360), "exp": .int(now - 300)])
        }
    }

    @Test("fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails: aud of another server → 400/401 invalid_client or invalid_request, no token")
    func wrongAudience() async throws {
        try await expectTokenRequestsRefused(try await ConformanceServer()) { test in
            try test.clientAssertion(audience: "https://other-as.example")
        }
    }

    @Test("fapi2-security-profile-final-ensure-client-assertion-with-no-sub-fails: no sub → 400/401 invalid_client or invalid_request, no token")
    func noSubject() async throws {
        try await expectTokenRequestsRefused(try await ConformanceServer()) { test in
            var claims = try unverifiedClaims(try test.clientAssertion())
            claims["sub"] = nil
            return try JWT.sign(claims: claims, typ: nil, key: test.clientKey)
        }
    }

    // MARK: - PAR endpoint (SP 5.3.2.1-8, -13)

    @Test("fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-8-seconds-in-the-future-is-accepted: iat and nbf now + 8 s → 201")
    func assertionEightSecondsAhead() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let now = conformance.clock.now().epochSeconds
            let assertion = try flow.test.clientAssertion(overrides: ["iat": .int(now + 8), "nbf": .int(now + 8), "exp": .int(now + 68)])
            let response = try await flow.par(["client_assertion": assertion])
            #expect(response.status == .created, "\(response.bodyText)")
            #expect(conformance.rows.pushedRequests == 1)
        }
    }

    @Test("fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-over-60-seconds-in-the-future-fails: iat and nbf now + 70 s → 400/401 invalid_client or invalid_request, nothing stored")
    func assertionFarAhead() async throws {
        try await expectPARRefused { test in
            let now = test.clock.now().epochSeconds
            return try test.clientAssertion(overrides: ["iat": .int(now + 70), "nbf": .int(now + 70), "exp": .int(now + 130)])
        }
    }

    @Test("fapi2-security-profile-final-par-test-array-as-audience-fails: aud [issuer, other] → 400/401 invalid_client or invalid_request, nothing stored")
    func arrayAudience() async throws {
        try await expectPARRefused { test in
            try test.clientAssertion(audience: [.string(test.server.configuration.issuer), "https://other.example"])
        }
    }

    @Test("fapi2-security-profile-final-par-test-par-endpoint-url-as-audience-fails: aud the PAR endpoint URL → 400/401 invalid_client or invalid_request, nothing stored")
    func parEndpointAudience() async throws {
        try await expectPARRefused { test in
            try test.clientAssertion(audience: .string(test.server.configuration.url(OAuthServer.Path.par)))
        }
    }

    @Test("fapi2-security-profile-final-par-test-token-endpoint-url-as-audience-fails: aud the token endpoint URL → 400/401 invalid_client or invalid_request, nothing stored")
    func tokenEndpointAudience() async throws {
        try await expectPARRefused { test in
            try test.clientAssertion(audience: .string(test.server.configuration.url(OAuthServer.Path.token)))
        }
    }
}
