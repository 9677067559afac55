import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `GET|POST /userinfo` (OIDC Core §5.3) with sender-constrained access tokens, authenticated by
/// `AuthenticateAccessToken` (RFC 6750 §2.1, §3; RFC 9449 §7; RFC 9068 §4; FAPI 2.0 SP §5.3.4).
@Suite("UserInfo endpoint and access token authentication")
struct UserInfoEndpointTests {
    func key(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }

    /// A DPoP-bound access token for `scope` from a complete code flow.
    func accessToken(_ flow: FlowDriver, scope: String = "openid profile accounts", dpopKey: JWSSigningKey) async throws -> String {
        try #require(try await flow.tokens(["scope": scope], dpopKey: dpopKey)["access_token"]?.stringValue)
    }

    /// 401 (or `status`) with `error` in both the body and the `WWW-Authenticate` challenge of `scheme`.
    func expectChallenge(_ response: TestResponse, _ error: String, scheme: String = "DPoP", status: Int = 401,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status.code == status, "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.oauthError == error, "\(response.bodyText)", sourceLocation: sourceLocation)
        let challenge = response.wwwAuthenticate ?? ""
        #expect(challenge.hasPrefix(scheme + " ") && challenge.contains("error=\"\(error)\""), "\(challenge)", sourceLocation: sourceLocation)
        #expect(response.json["sub"] == nil, sourceLocation: sourceLocation)
    }

    @Test("A DPoP-bound token with a proof carrying ath returns sub and, with the profile scope, name (OIDC Core §5.3.2, §5.4)")
    func success() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let dpop = try key()
            let token = try await accessToken(flow, dpopKey: dpop)
            let response = try await flow.userinfo(token, proofKey: dpop)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(response.json == ["sub": .string(test.userID), "name": "Alice Example"])
            let post = try await flow.userinfo(token, proofKey: dpop, method: .post)
            #expect(post.status == .ok && post.json["sub"]?.stringValue == test.userID, "\(post.bodyText)")
        }
    }

    @Test("Without the profile scope only sub is released")
    func onlySubWithoutProfile() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let dpop = try key()
            let response = try await flow.userinfo(try await accessToken(flow, scope: "openid accounts", dpopKey: dpop), proofKey: dpop)
            #expect(response.json == ["sub": .string(test.userID)], "\(response.bodyText)")
        }
    }

    @Test("fapi2-security-profile-final-access-token-type-header-case-sensitivity: the scheme is case-insensitive (RFC 9110 §11.1)")
    func schemeCaseInsensitive() async throws {
        try await TestServer().withFlow { flow in
            let dpop = try key()
            let response = try await flow.userinfo(try await accessToken(flow, dpopKey: dpop), scheme: "dPOP", proofKey: dpop)
            #expect(response.status == .ok, "\(response.bodyText)")
        }
    }

    @Test("RFC 9449 §7.1: a DPoP-bound token sent with the Bearer scheme is rejected with 401 and a DPoP challenge")
    func bearerSchemeForDPoPToken() async throws {
        try await TestServer().withFlow { flow in
            let dpop = try key()
            let token = try await accessToken(flow, dpopKey: dpop)
            expectChallenge(try await flow.userinfo(token, scheme: "Bearer", proofKey: nil), "invalid_token")
            expectChallenge(try await flow.userinfo(token, scheme: "Bearer", proofKey: dpop), "invalid_token")
        }
    }

    @Test("fapi2-security-profile-final-happy-flow: a proof by another key than the token's (e.g. another client's) is rejected with 401")
    func wrongKey() async throws {
        try await TestServer().withFlow { flow in
            let token = try await accessToken(flow, dpopKey: try key("bound"))
            expectChallenge(try await flow.userinfo(token, proofKey: try key("other")), "invalid_dpop_proof")
        }
    }

    @Test("RFC 9449 §4.3, §7.1: no proof, a proof without or with a wrong ath, another htu, or a replayed proof are rejected with 401")
    func badProofs() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let dpop = try key()
            let token = try await accessToken(flow, dpopKey: dpop)
            expectChallenge(try await flow.userinfo(token, proofKey: nil), "invalid_dpop_proof")
            expectChallenge(try await flow.userinfo(token, proofKey: dpop, athToken: "another access token"), "invalid_dpop_proof")
            expectChallenge(try await flow.userinfo(token, proofKey: dpop, proofURL: flow.url(OAuthServer.Path.token)), "invalid_dpop_proof")

            let noATH = try test.dpopProof(key: dpop, method: "GET", url: flow.url(OAuthServer.Path.userinfo))
            let withoutATH = try await flow.get(OAuthServer.Path.userinfo, headers: [.authorization: "DPoP \(token)", FlowDriver.dpopHeader: noATH])
            expectChallenge(withoutATH, "invalid_dpop_proof")

            let proof = try test.dpopProof(key: dpop, method: "GET", url: flow.url(OAuthServer.Path.userinfo), accessToken: token)
            let headers: HTTPFields = [.authorization: "DPoP \(token)", FlowDriver.dpopHeader: proof]
            #expect(try await flow.get(OAuthServer.Path.userinfo, headers: headers).status == .ok)
            expectChallenge(try await flow.get(OAuthServer.Path.userinfo, headers: headers), "invalid_dpop_proof")
        }
    }

    @Test("RFC 6750 §3.1: without credentials the answer is 401 with DPoP and Bearer challenges and no error code; query tokens are ignored (SP 5.3.4-2)")
    func missingCredentials() async throws {
        try await TestServer().withFlow { flow in
            let dpop = try key()
            let token = try await accessToken(flow, dpopKey: dpop)
            for response in [try await flow.userinfo(nil, proofKey: nil),
                             try await flow.get(OAuthServer.Path.userinfo + "?access_token=" + token),
                             try await flow.userinfo(token, scheme: "Basic", proofKey: nil)] {
                #expect(response.status == .unauthorized, "\(response.bodyText)")
                let challenge = response.wwwAuthenticate ?? ""
                #expect(challenge.hasPrefix("DPoP ") && challenge.contains("algs=\"") && challenge.hasSuffix(", Bearer"), "\(challenge)")
                #expect(!challenge.contains("error="), "\(challenge)")
            }
        }
    }

    @Test("RFC 6750 §3.1: a token without the openid scope (including a client_credentials token) gets 403 insufficient_scope")
    func insufficientScope() async throws {
        let test = try await TestServer()
        try await test.setGrantTypes(["authorization_code", "client_credentials"])
        try await test.withFlow { flow in
            let dpop = try key()
            let response = try await flow.userinfo(try await accessToken(flow, scope: "accounts", dpopKey: dpop), proofKey: dpop)
            expectChallenge(response, "insufficient_scope", status: 403)
            #expect(response.wwwAuthenticate?.contains("scope=\"openid\"") == true)
            let clientToken = try #require(try await flow.clientCredentials(scope: "accounts", dpopKey: dpop).json["access_token"]?.stringValue)
            expectChallenge(try await flow.userinfo(clientToken, proofKey: dpop), "insufficient_scope", status: 403)
        }
    }

    @Test("SP 5.3.4-3: revoked, expired, tampered and foreign-issuer tokens are invalid_token")
    func invalidTokens() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let dpop = try key()
            let revoked = try await accessToken(flow, dpopKey: dpop)
            #expect(try await flow.revoke(revoked).status == .ok)
            expectChallenge(try await flow.userinfo(revoked, proofKey: dpop), "invalid_token")

            let valid = try await accessToken(flow, dpopKey: dpop)
            let parts = valid.split(separator: ".").map(String.init)
            var payload = try unverifiedClaims(valid)
            payload["scope"] = "openid profile accounts transfers"
            let tampered = [parts[0], Base64URL.encode(JSONValue.object(payload).jsonData()), parts[2]].joined(separator: ".")
            expectChallenge(try await flow.userinfo(tampered, proofKey: dpop), "invalid_token")

            let foreignKey = try JWSSigningKey.generate(.es256, kid: try #require(CompactJWS.parse(valid).kid))
            let forged = try JWT.sign(claims: try unverifiedClaims(valid), typ: "at+jwt", key: foreignKey)
            expectChallenge(try await flow.userinfo(forged, proofKey: dpop), "invalid_token")

            test.clock.advance(by: test.server.configuration.lifetimes.accessToken)
            expectChallenge(try await flow.userinfo(valid, proofKey: dpop), "invalid_token")
        }
    }

    @Test("Without OpenID Connect the UserInfo endpoint is not served")
    func disabledWithoutOpenID() async throws {
        try await TestServer { $0.features.openIDConnect = false }.withFlow { flow in
            let response = try await flow.userinfo("x", proofKey: nil)
            #expect(response.status == .notFound)
        }
    }
}
