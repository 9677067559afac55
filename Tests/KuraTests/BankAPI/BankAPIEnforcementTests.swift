import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Issue 4 item 3 — every enforcement rule at the bank API, each with a negative test: the token only in the
/// `Authorization` header (FAPI 2.0 SP §5.3.4-2), scheme case-insensitive (RFC 9110 §11.1), DPoP proof checks
/// (RFC 9449 §4.3, §7.1: htm, htu, ath, jti replay, key = cnf.jkt, nonce when configured), expired, revoked and
/// wrong-audience tokens (RFC 9068 §4, RFC 6750 §3.1) with `WWW-Authenticate`.
@Suite("Bank API: access token enforcement (RFC 6750, RFC 9449, RFC 9068)")
struct BankAPIEnforcementTests {
    func key(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }
    static let path = "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances"

    func expectChallenge(_ response: TestResponse, _ error: String?, status: Int = 401, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Int(response.status.code) == status, "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        if let error {
            #expect(response.oauthError == error, "\(response.bodyText)", sourceLocation: sourceLocation)
            #expect(response.headers[.wwwAuthenticate]?.contains("error=\"\(error)\"") == true,
                    "\(response.headers[.wwwAuthenticate] ?? "no challenge")", sourceLocation: sourceLocation)
        } else {
            #expect(response.headers[.wwwAuthenticate]?.contains("DPoP") == true, sourceLocation: sourceLocation)
        }
        #expect(response.json["balances"] == nil, sourceLocation: sourceLocation)
    }

    @Test("No Authorization header: 401 with a DPoP challenge and no error code (RFC 6750 §3.1)")
    func noToken() async throws {
        try await BankAPIFixture().withAPI { api in
            expectChallenge(try await api.call(.get, Self.path, token: nil, proofKey: try key()), nil)
        }
    }

    @Test("A token in the query is refused (FAPI 2.0 SP §5.3.4-2): 400 even with a valid header")
    func tokenInQuery() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            let queryOnly = try await api.call(.get, Self.path + "?access_token=\(token)", token: nil, proofKey: nil)
            #expect(queryOnly.status == .badRequest && queryOnly.oauthError == "invalid_request", "\(queryOnly.bodyText)")
            let both = try await api.call(.get, Self.path + "?access_token=\(token)", token: token, proofKey: dpop)
            #expect(both.status == .badRequest, "\(both.bodyText)")
        }
    }

    @Test("The authentication scheme is case-insensitive (RFC 9110 §11.1)")
    func schemeCase() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            let response = try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: [
                .authorization: "dpop \(token)",
                FlowDriver.dpopHeader: try api.test.dpopProof(key: dpop, method: "GET", url: "https://as.kura.test" + Self.path, accessToken: token),
            ])
            #expect(response.status == .ok, "\(response.bodyText)")
        }
    }

    @Test("A DPoP-bound token with the Bearer scheme, without a proof, or with another key's proof is 401 (RFC 9449 §7.1)")
    func senderConstraint() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            let bearer = try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: [.authorization: "Bearer \(token)"])
            expectChallenge(bearer, "invalid_token")
            expectChallenge(try await api.call(.get, Self.path, token: token, proofKey: nil), "invalid_dpop_proof")
            expectChallenge(try await api.call(.get, Self.path, token: token, proofKey: try key("other")), "invalid_dpop_proof")
        }
    }

    @Test("DPoP proofs with the wrong htm, htu or ath, and a replayed proof, are 401 invalid_dpop_proof (RFC 9449 §4.3)")
    func proofClaims() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            let url = "https://as.kura.test" + Self.path
            let wrongMethod = try api.test.dpopProof(key: dpop, method: "POST", url: url, accessToken: token)
            let wrongURL = try api.test.dpopProof(key: dpop, method: "GET", url: "https://as.kura.test/api/accounts", accessToken: token)
            let wrongATH = try api.test.dpopProof(key: dpop, method: "GET", url: url, accessToken: "another token")
            let noATH = try api.test.dpopProof(key: dpop, method: "GET", url: url)
            for proof in [wrongMethod, wrongURL, wrongATH, noATH] {
                let response = try await api.call(.get, Self.path, token: nil, proofKey: nil,
                                                  headers: [.authorization: "DPoP \(token)", FlowDriver.dpopHeader: proof])
                expectChallenge(response, "invalid_dpop_proof")
            }
            let good = try api.test.dpopProof(key: dpop, method: "GET", url: url, accessToken: token)
            let headers: HTTPFields = [.authorization: "DPoP \(token)", FlowDriver.dpopHeader: good]
            #expect(try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: headers).status == .ok)
            expectChallenge(try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: headers), "invalid_dpop_proof")
        }
    }

    @Test("An expired access token is 401 invalid_token")
    func expired() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            fixture.test.clock.advance(by: fixture.test.server.configuration.lifetimes.accessToken + 1)
            expectChallenge(try await api.call(.get, Self.path, token: token, proofKey: dpop), "invalid_token")
        }
    }

    @Test("A revoked access token is 401 invalid_token (FAPI 2.0 SP §5.3.4-3)")
    func revoked() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            #expect(try await api.call(.get, Self.path, token: token, proofKey: dpop).status == .ok)
            let revocation = try await api.flow.revoke(token)
            #expect(revocation.status == .ok, "\(revocation.bodyText)")
            expectChallenge(try await api.call(.get, Self.path, token: token, proofKey: dpop), "invalid_token")
        }
    }

    @Test("A token for another audience, even signed by this server, is 401 invalid_token (RFC 9068 §4)")
    func wrongAudience() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(dpopKey: dpop)
            var claims = try CompactJWS.parse(token).payloadObject()
            claims["aud"] = "https://another-resource.example"
            let key = try await fixture.platform.server.keys.signingKey()
            let forged = try JWT.sign(claims: claims, typ: "at+jwt", key: key)
            expectChallenge(try await api.call(.get, Self.path, token: forged, proofKey: dpop), "invalid_token")
        }
    }

    @Test("A certificate-bound token (cnf.x5t#S256) without its TLS client certificate, or sent with the DPoP scheme, is 401 (RFC 8705 §3)")
    func certificateBound() async throws {
        let fixture = try await BankAPIFixture()
        let server = fixture.platform.server
        let now = fixture.test.clock.now()
        let thumbprint = Base64URL.encode(Array(SHA256Digest.of("a client certificate")))
        let claims: [String: JSONValue] = [
            "iss": .string(TestServer.issuer), "aud": .string(TestServer.issuer), "sub": .string(fixture.test.userID),
            "client_id": .string(fixture.test.clientID), "iat": .int(now.epochSeconds), "exp": .int(now.epochSeconds + 600),
            "jti": "mtls-bound", "scope": "accounts", "cnf": ["x5t#S256": .string(thumbprint)],
        ]
        let token = try JWT.sign(claims: claims, typ: "at+jwt", key: try await server.keys.signingKey())
        try await server.stores.tokens.insert(TokenRecord(
            tokenHash: CredentialHash.of(token), kind: .accessToken, tokenID: "mtls-bound", clientID: fixture.test.clientID,
            userID: fixture.test.userID, grantID: nil, scope: ["accounts"], authorizationDetails: nil,
            confirmation: ["x5t#S256": thumbprint], issuedAt: now, expiresAt: now.addingTimeInterval(600), authTime: now, acr: nil))
        try await fixture.withAPI { api in
            let bearer = try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: [.authorization: "Bearer \(token)"])
            #expect(bearer.status == .unauthorized && bearer.oauthError == "invalid_token", "\(bearer.bodyText)")
            #expect(bearer.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let dpop = try await api.call(.get, Self.path, token: token, proofKey: try key())
            #expect(dpop.status == .unauthorized, "\(dpop.bodyText)")
        }
    }

    @Test("A client_credentials token (no customer) reaches no customer data: 403")
    func clientCredentialsToken() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.test.setGrantTypes(["authorization_code", "client_credentials"])
        try await fixture.withAPI { api in
            let dpop = try key()
            let response = try await api.flow.clientCredentials(scope: "accounts", dpopKey: dpop)
            let token = try #require(response.json["access_token"]?.stringValue, "\(response.bodyText)")
            let call = try await api.call(.get, "/api/accounts", token: token, proofKey: dpop)
            #expect(call.status == .forbidden, "\(call.bodyText)")
        }
    }

    @Test("With resource-server DPoP nonces on, a proof without a nonce gets 401 use_dpop_nonce and a DPoP-Nonce (RFC 9449 §9)")
    func resourceServerNonce() async throws {
        let fixture = try await BankAPIFixture(server: { $0.dpopNonce = DPoPNonceConfiguration(requirement: .all) })
        try await fixture.withAPI { api in
            let dpop = try key()
            // The token request itself needs an AS nonce first.
            let code = try await fixture.test.insertCode(scope: ["accounts"], authorizationDetails: nil)
            let first = try await api.flow.token(code: code, dpopKey: dpop)
            let asNonce = try #require(first.headers[FlowDriver.nonceHeader], "\(first.bodyText)")
            let proof = try fixture.test.dpopProof(key: dpop, url: api.flow.url(OAuthServer.Path.token), overrides: ["nonce": .string(asNonce)])
            let tokenResponse = try await api.flow.token(try api.flow.tokenParameters(code: code, verifier: TestServer.verifier, [:]),
                                                         dpopKey: nil, dpopProof: proof)
            let token = try #require(tokenResponse.json["access_token"]?.stringValue, "\(tokenResponse.bodyText)")
            let response = try await api.call(.get, Self.path, token: token, proofKey: dpop)
            expectChallenge(response, "use_dpop_nonce")
            let nonce = try #require(response.headers[FlowDriver.nonceHeader])
            let url = "https://as.kura.test" + Self.path
            let withNonce = try fixture.test.dpopProof(key: dpop, method: "GET", url: url, accessToken: token, overrides: ["nonce": .string(nonce)])
            let retry = try await api.call(.get, Self.path, token: nil, proofKey: nil,
                                           headers: [.authorization: "DPoP \(token)", FlowDriver.dpopHeader: withNonce])
            #expect(retry.status == .ok, "\(retry.bodyText)")
        }
    }
}
