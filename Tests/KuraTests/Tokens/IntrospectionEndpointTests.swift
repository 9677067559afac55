import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /introspect` (RFC 7662 §2; RFC 9701 JWT responses; FAPI 2.0 MS §5.5.1-1, §6.2).
@Suite("Introspection endpoint (RFC 7662, RFC 9701)")
struct IntrospectionEndpointTests {
    static let jwtType = "application/token-introspection+jwt"

    func key() throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: "dpop") }

    /// The test client (authorization_code + refresh_token) and a resource server client `rs` whose key is returned.
    func server() async throws -> (TestServer, JWSSigningKey) {
        let test = try await TestServer { $0.resourceServerClientIDs = ["rs"] }
        try await test.setGrantTypes(["authorization_code", "refresh_token"])
        let rsKey = try await test.registerOtherClient(id: "rs")
        return (test, rsKey)
    }

    /// `{"active": false}` and nothing else (RFC 7662 §2.2; RFC 9701 §5).
    func expectInactive(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .ok, "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.json == ["active": false], "\(response.bodyText)", sourceLocation: sourceLocation)
    }

    @Test("An active access token: active, scope, client_id, token_type, exp, iat, sub, aud, iss, jti, cnf, acr, auth_time (RFC 7662 §2.2, RFC 9449 §6.2)")
    func activeAccessToken() async throws {
        let (test, _) = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let accessToken = try #require(try await flow.tokens(dpopKey: dpop)["access_token"]?.stringValue)
            let claims = try unverifiedClaims(accessToken)
            let response = try await flow.introspect(accessToken)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            let body = response.json
            #expect(body["active"] == true)
            #expect(body["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == ["openid", "accounts"])
            #expect(body["client_id"]?.stringValue == test.clientID)
            #expect(body["token_type"]?.stringValue == "DPoP")
            #expect(body["sub"]?.stringValue == test.userID)
            #expect(body["iss"]?.stringValue == TestServer.issuer && body["aud"]?.stringValue == TestServer.issuer)
            for member in ["exp", "iat", "jti", "auth_time"] { #expect(body[member] == claims[member], "\(member)") }
            #expect(body["cnf"] == ["jkt": .string(dpop.publicJWK.thumbprint())])
            #expect(body["acr"]?.stringValue == test.server.configuration.login.twoFactorACR)
            #expect(body["authorization_details"] == nil)
        }
    }

    @Test("RFC 9396 §9.2: authorization_details of the grant appear in the introspection response")
    func authorizationDetails() async throws {
        let (test, _) = try await server()
        let details: JSONValue = [["type": "account_information", "actions": ["read"], "locations": ["https://api.kura.test/accounts"]]]
        try await test.withFlow { flow in
            let code = try await test.insertCode(authorizationDetails: details)
            let response = try await flow.token(code: code, dpopKey: try key())
            #expect(response.json["authorization_details"] == details, "\(response.bodyText)")
            let body = try await flow.introspect(try #require(response.json["access_token"]?.stringValue)).json
            #expect(body["active"] == true)
            #expect(body["authorization_details"] == details)
        }
    }

    @Test("A refresh token is active for its own client, without token_type or jti, and never for a resource server")
    func refreshToken() async throws {
        let (test, rsKey) = try await server()
        try await test.withFlow { flow in
            let refreshToken = try #require(try await flow.tokens(dpopKey: try key())["refresh_token"]?.stringValue)
            let body = try await flow.introspect(refreshToken).json
            #expect(body["active"] == true)
            #expect(body["client_id"]?.stringValue == test.clientID && body["sub"]?.stringValue == test.userID)
            #expect(body["token_type"] == nil && body["jti"] == nil && body["cnf"] == nil)
            expectInactive(try await flow.introspect(refreshToken, clientID: "rs", key: rsKey))
        }
    }

    @Test("Expired (by the clock), revoked and unknown tokens are {\"active\": false}")
    func inactiveTokens() async throws {
        let (test, _) = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let expiring = try #require(try await flow.tokens(dpopKey: dpop)["access_token"]?.stringValue)
            let revoked = try #require(try await flow.tokens(dpopKey: dpop)["access_token"]?.stringValue)
            #expect(try await flow.revoke(revoked).status == .ok)
            expectInactive(try await flow.introspect(revoked))
            expectInactive(try await flow.introspect(SystemRandom().token()))
            expectInactive(try await flow.introspect("not even a token"))
            #expect(try await flow.introspect(expiring).json["active"] == true)
            test.clock.advance(by: test.server.configuration.lifetimes.accessToken)
            expectInactive(try await flow.introspect(expiring))
        }
    }

    @Test("A token of a revoked grant is inactive")
    func revokedGrant() async throws {
        let (test, _) = try await server()
        try await test.withFlow { flow in
            let accessToken = try #require(try await flow.tokens(dpopKey: try key())["access_token"]?.stringValue)
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            _ = try await test.server.stores.grants.revoke(id: try #require(record.grantID), now: test.clock.now())
            expectInactive(try await flow.introspect(accessToken))
        }
    }

    @Test("MS §6.2: a regular client sees another client's token as inactive; a registered resource server sees it active")
    func foreignTokens() async throws {
        let (test, rsKey) = try await server()
        let otherKey = try await test.registerOtherClient()
        try await test.withFlow { flow in
            let accessToken = try #require(try await flow.tokens(dpopKey: try key())["access_token"]?.stringValue)
            expectInactive(try await flow.introspect(accessToken, clientID: "other-client", key: otherKey))
            let asResourceServer = try await flow.introspect(accessToken, clientID: "rs", key: rsKey).json
            #expect(asResourceServer["active"] == true)
            #expect(asResourceServer["client_id"]?.stringValue == test.clientID)
        }
    }

    @Test("RFC 9701: Accept token-introspection+jwt yields a JWS with typ token-introspection+jwt, iss, aud, iat and token_introspection, verifiable at jwks_uri")
    func signedResponse() async throws {
        let (test, rsKey) = try await server()
        try await test.withFlow { flow in
            let accessToken = try #require(try await flow.tokens(dpopKey: try key())["access_token"]?.stringValue)
            let response = try await flow.introspect(accessToken, clientID: "rs", key: rsKey, accept: Self.jwtType)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.contentType] == Self.jwtType)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            let jws = try CompactJWS.parse(response.bodyText)
            #expect(jws.typ == "token-introspection+jwt")
            #expect(jws.algorithm == test.server.configuration.signingAlgorithm)
            _ = try jws.verify(with: try await flow.publishedKeys(), allowed: [.es256, .ps256, .edDSA])
            let claims = try jws.payloadObject()
            #expect(claims["iss"]?.stringValue == TestServer.issuer)
            #expect(claims["aud"]?.stringValue == "rs")
            #expect(claims["iat"]?.intValue == test.clock.now().epochSeconds)
            #expect(claims["sub"] == nil && claims["exp"] == nil, "RFC 9701 §5: no top-level sub or exp")
            let introspection = try #require(claims["token_introspection"]?.objectValue)
            let plain = try await flow.introspect(accessToken, clientID: "rs", key: rsKey).json
            #expect(introspection == plain)
            #expect(introspection["active"] == true && introspection["cnf"]?["jkt"] != nil)

            let inactive = try await flow.introspect(SystemRandom().token(), accept: "application/json;q=0.5, \(Self.jwtType)")
            #expect(try CompactJWS.parse(inactive.bodyText).payloadObject()["token_introspection"] == ["active": false])
        }
    }

    @Test("RFC 9701 §6: a client's introspection_signed_response_alg is honoured; one the server cannot sign with is refused at registration, and at introspection for a client registered before the server's algorithm changed")
    func registeredAlgorithm() async throws {
        let (test, _) = try await server()
        let es256Key = try await test.registerOtherClient(id: "rs-es256", extra: ["introspection_signed_response_alg": "ES256"])
        await #expect(throws: OAuthError(.invalidClientMetadata)) {
            _ = try await test.registerOtherClient(id: "rs-new", extra: ["introspection_signed_response_alg": "PS256"])
        }
        let ps256Key = try await test.registerLegacyClient(id: "rs-ps256", extra: ["introspection_signed_response_alg": "PS256"])
        try await test.withFlow { flow in
            let token = SystemRandom().token()
            let signed = try await flow.introspect(token, clientID: "rs-es256", key: es256Key, accept: Self.jwtType)
            #expect(try CompactJWS.parse(signed.bodyText).algorithm == .es256)
            let refused = try await flow.introspect(token, clientID: "rs-ps256", key: ps256Key, accept: Self.jwtType)
            #expect(refused.status == .badRequest && refused.oauthError == "invalid_request", "\(refused.bodyText)")
        }
    }

    @Test("Accept without the JWT type, or with q=0, gets plain JSON")
    func plainJSONWhenNotAccepted() async throws {
        try await TestServer().withFlow { flow in
            for accept in ["application/json", "\(Self.jwtType);q=0, application/json"] {
                let response = try await flow.introspect(SystemRandom().token(), accept: accept)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(accept)")
                #expect(response.json == ["active": false])
            }
        }
    }

    @Test("RFC 7662 §2.1/§2.3: unauthenticated callers get 401 invalid_client; a missing token is invalid_request; GET is 405")
    func requestErrors() async throws {
        try await TestServer().withFlow { flow in
            let unauthenticated = try await flow.introspect(SystemRandom().token(), authenticated: false)
            #expect(unauthenticated.status == .unauthorized && unauthenticated.oauthError == "invalid_client", "\(unauthenticated.bodyText)")
            let missing = try await flow.post(OAuthServer.Path.introspection, form: try flow.clientAuthentication())
            #expect(missing.status == .badRequest && missing.oauthError == "invalid_request", "\(missing.bodyText)")
            #expect(try await flow.get(OAuthServer.Path.introspection).status.code == 405)
        }
    }
}
