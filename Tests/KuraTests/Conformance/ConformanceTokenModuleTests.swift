import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The token endpoint (RFC 6749 §4.1.3, §5.2, §6; RFC 7636 §4.6; FAPI 2.0 SP §5.3.2.1-4/-9/-11, §5.3.2.2-9): the
/// conformance modules of FAPI2-CHECKLIST §E.3 about the authorization_code and refresh_token grants. Code problems
/// must be `invalid_grant` with HTTP 400 (§E.4); a refused request stores no token.
@Suite("Conformance modules: token endpoint")
struct ConformanceTokenModuleTests {
    static let missingProofCodes: Set<String> = ["invalid_request", "invalid_grant", "invalid_dpop_proof"]

    /// Redeems a fresh code with `changes` to the token request and expects 400 `invalid_grant` and no token.
    func expectInvalidGrant(_ changes: [String: String?] = [:], verifier: String? = TestServer.verifier,
                            afterIssue wait: TimeInterval = 0) async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let code = try await flow.code()
            conformance.clock.advance(by: wait)
            let before = conformance.rows
            expectOAuthError(try await flow.token(code: code, verifier: verifier, dpopKey: try dpopKey(), changes), ["invalid_grant"])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-client-id-in-token-endpoint: client_id of client 2 with client 1's code and assertion → 400/401 invalid_client or invalid_grant, no token")
    func clientIDOfAnotherClient() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.test.registerOtherClient()
        try await conformance.withFlow { flow in
            let code = try await flow.code()
            let before = conformance.rows
            let response = try await flow.token(code: code, dpopKey: try dpopKey(), ["client_id": "other-client"])
            expectOAuthError(response, ["invalid_client", "invalid_grant"], statuses: [400, 401])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-holder-of-key-required: no DPoP proof → 400 invalid_request/invalid_grant/invalid_dpop_proof; MTLS without certificate → invalid_client/invalid_request; private_key_jwt + MTLS binding → invalid_client/invalid_grant/invalid_request; no token, the code survives (TLS versions and ciphers: TLSTransportTests)")
    func holderOfKeyRequired() async throws {
        // sender_constrain=dpop, with authorization_code and (fapi_client_credentials_grant) client_credentials.
        let conformance = try await ConformanceServer()
        try await conformance.test.setGrantTypes(["authorization_code", "client_credentials"])
        try await conformance.withFlow { flow in
            let code = try await flow.code()
            let before = conformance.rows
            expectOAuthError(try await flow.token(code: code, dpopKey: nil), Self.missingProofCodes)
            expectOAuthError(try await flow.clientCredentials(scope: "accounts", dpopKey: nil), Self.missingProofCodes)
            conformance.expectNoRowsCreated(since: before)
            #expect(try await flow.token(code: code, dpopKey: try dpopKey()).status == .ok, "the holder of the key can still redeem the code")
        }

        // sender_constrain=mtls, over RFC 9440 Client-Cert from a trusted proxy.
        let fixture = try MutualTLSFixture()
        let mutualTLS = try await ConformanceServer.mutualTLSBehindProxy(fixture)
        try await mutualTLS.registerMutualTLSClient("mtls-partner")
        let partnerCertificate = try clientCertHeader(try fixture.issue(cn: "mtls-partner"))
        let bindingCertificate = try clientCertHeader(try fixture.issue(cn: "binding-only"))
        try await mutualTLS.withFlow(.live) { flow in
            let mtlsCode = try await flow.mutualTLSCode(clientID: "mtls-partner", certificate: partnerCertificate)
            let mtlsForm = flow.mutualTLSParameters(try flow.tokenParameters(code: mtlsCode), clientID: "mtls-partner")
            let jwtCode = try await flow.code()
            let jwtForm = try flow.tokenParameters(code: jwtCode)
            let before = mutualTLS.rows
            expectOAuthError(try await flow.post(OAuthServer.Path.token, form: mtlsForm), ["invalid_client", "invalid_request"], statuses: [400, 401])
            expectOAuthError(try await flow.post(OAuthServer.Path.token, form: jwtForm), ["invalid_client", "invalid_grant", "invalid_request"],
                             statuses: [400, 401])
            mutualTLS.expectNoRowsCreated(since: before)

            for (form, certificate) in [(mtlsForm, partnerCertificate), (try flow.tokenParameters(code: jwtCode), bindingCertificate)] {
                let response = try await flow.post(OAuthServer.Path.token, form: form, headers: certificate)
                #expect(response.status == .ok, "with the certificate: \(response.bodyText)")
                #expect(response.json["token_type"]?.stringValue == "Bearer")
                let accessToken = try #require(response.json["access_token"]?.stringValue)
                #expect(try unverifiedClaims(accessToken)["cnf"]?["x5t#S256"] != nil)
            }
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-code-is-bound-to-client: client 2, authenticated, redeems client 1's code → 400 invalid_grant, no token")
    func codeBoundToClient() async throws {
        let conformance = try await ConformanceServer()
        let otherKey = try await conformance.test.registerOtherClient()
        try await conformance.withFlow { flow in
            let code = try await flow.code()
            let before = conformance.rows
            let response = try await flow.token(try flow.tokenParameters(code: code, clientID: "other-client", key: otherKey), dpopKey: try dpopKey())
            expectOAuthError(response, ["invalid_grant"])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-attempt-reuse-authorization-code-after-one-second: the second redemption → 400 invalid_grant, no token, and the first access token is revoked")
    func codeReuse() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.code()
            let first = try await flow.token(code: code, dpopKey: key)
            #expect(first.status == .ok, "\(first.bodyText)")
            let accessToken = try #require(first.json["access_token"]?.stringValue)
            conformance.clock.advance(by: 1)
            let before = conformance.rows
            expectOAuthError(try await flow.token(code: code, dpopKey: key), ["invalid_grant"])
            conformance.expectNoRowsCreated(since: before)
            // RFC 6749 §4.1.2 SHOULD (a warning in the suite): tokens issued from the code are revoked.
            #expect(try await flow.userinfo(accessToken, proofKey: key).status == .unauthorized)
        }
    }

    @Test("fapi2-security-profile-final-ensure-token-endpoint-fails-with-expired-auth-code: redeemed 62 s after issue → 400 invalid_grant, no token (SP 5.3.2.1-11)")
    func expiredCode() async throws {
        try await expectInvalidGrant(afterIssue: 62)
    }

    @Test("fapi2-security-profile-final-ensure-pkce-code-verifier-required: no code_verifier → 400 invalid_grant, no token (RFC 7636 4.6)")
    func verifierRequired() async throws {
        try await expectInvalidGrant(verifier: nil)
    }

    @Test("fapi2-security-profile-final-incorrect-pkce-code-verifier-rejected: another well-formed code_verifier → 400 invalid_grant, no token")
    func wrongVerifier() async throws {
        try await expectInvalidGrant(verifier: String(repeating: "x", count: 43))
    }

    @Test("fapi2-security-profile-final-refresh-token: refresh works without rotation; no client auth, no DPoP proof or another client's refresh token are refused and store nothing; rotated, the old token still works 30 s later")
    func refreshToken() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.test.setGrantTypes(["authorization_code", "refresh_token"])
        let otherKey = try await conformance.test.registerOtherClient(extra: ["grant_types": ["authorization_code", "refresh_token"]])
        try await conformance.withFlow { flow in
            let key1 = try dpopKey("client-1"), key2 = try dpopKey("client-2")
            let first = try await flow.token(code: try await flow.code(), dpopKey: key1)
            let refresh1 = try #require(first.json["refresh_token"]?.stringValue)
            #expect(estimatedEntropyBits(refresh1) > 96 && refresh1.count >= 22)
            let refreshed = try await flow.refresh(refresh1, dpopKey: key1)
            #expect(refreshed.status == .ok, "\(refreshed.bodyText)")
            #expect(refreshed.json["token_type"]?.stringValue == "DPoP")
            #expect(refreshed.json["refresh_token"] == nil, "not rotated (SP 5.3.2.1-9): the client keeps its refresh token")

            let code2 = try await flow.code(clientID: "other-client", key: otherKey)
            let second = try await flow.token(try flow.tokenParameters(code: code2, clientID: "other-client", key: otherKey), dpopKey: key2)
            let refresh2 = try #require(second.json["refresh_token"]?.stringValue)
            let access2 = try #require(second.json["access_token"]?.stringValue)

            let before = conformance.rows
            let unauthenticated = ["grant_type": "refresh_token", "refresh_token": refresh1, "client_id": conformance.test.clientID]
            expectOAuthError(try await flow.token(unauthenticated, dpopKey: key1), ["invalid_client", "invalid_grant", "invalid_request"],
                             statuses: [400, 401])
            expectOAuthError(try await flow.refresh(refresh1, dpopKey: nil), Self.missingProofCodes)
            expectOAuthError(try await flow.refresh(refresh2, dpopKey: key1), ["invalid_grant", "invalid_client", "invalid_request"],
                             statuses: [400, 401])
            conformance.expectNoRowsCreated(since: before)
            let crossed = try await flow.userinfo(access2, proofKey: key1)
            #expect((400..<500).contains(crossed.status.code), "client 1's key with client 2's access token: \(crossed.status)")
            #expect(try await flow.refresh(refresh1, dpopKey: key1).status == .ok, "the refused attempts left the refresh token usable")
        }

        let rotating = try await ConformanceServer { $0.features.rotateRefreshTokens = true }
        try await rotating.test.setGrantTypes(["authorization_code", "refresh_token"])
        try await rotating.withFlow { flow in
            let key = try dpopKey()
            let original = try #require(try await flow.token(code: try await flow.code(), dpopKey: key).json["refresh_token"]?.stringValue)
            let rotated = try await flow.refresh(original, dpopKey: key)
            #expect(rotated.status == .ok)
            let successor = try #require(rotated.json["refresh_token"]?.stringValue)
            #expect(successor != original)
            rotating.clock.advance(by: 30)
            #expect(try await flow.refresh(original, dpopKey: key).status == .ok, "SP 5.3.2.1 Note 1: the previous refresh token still works 30 s later")
        }
    }
}
