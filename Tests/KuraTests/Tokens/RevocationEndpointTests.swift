import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /revoke` (RFC 7009 §2).
@Suite("Revocation endpoint (RFC 7009)")
struct RevocationEndpointTests {
    func key() throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: "dpop") }

    func server() async throws -> TestServer {
        let test = try await TestServer()
        try await test.setGrantTypes(["authorization_code", "refresh_token"])
        return test
    }

    func record(_ test: TestServer, _ token: String) async throws -> TokenRecord {
        try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(token)))
    }

    @Test("Revoking an access token revokes it alone: 200, the token is revoked, the refresh token still works")
    func revokeAccessToken() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let body = try await flow.tokens(dpopKey: dpop)
            let accessToken = try #require(body["access_token"]?.stringValue)
            let response = try await flow.revoke(accessToken, hint: "access_token")
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(try await record(test, accessToken).revokedAt != nil)
            #expect(try await flow.introspect(accessToken).json["active"] == false)
            #expect(try await flow.refresh(try #require(body["refresh_token"]?.stringValue), dpopKey: dpop).status == .ok)
        }
    }

    @Test("RFC 7009 §2.1: revoking a refresh token revokes the access tokens of its grant, including those issued by refreshing")
    func revokeRefreshToken() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let body = try await flow.tokens(dpopKey: dpop)
            let refreshToken = try #require(body["refresh_token"]?.stringValue)
            let refreshed = try #require(try await flow.refresh(refreshToken, dpopKey: dpop).json["access_token"]?.stringValue)
            // A token of another grant of the same client is not touched.
            let unrelated = try #require(try await flow.tokens(dpopKey: dpop)["access_token"]?.stringValue)

            #expect(try await flow.revoke(refreshToken, hint: "refresh_token").status == .ok)
            #expect(try await record(test, refreshToken).revokedAt != nil)
            #expect(try await record(test, try #require(body["access_token"]?.stringValue)).revokedAt != nil)
            #expect(try await record(test, refreshed).revokedAt != nil)
            #expect(try await record(test, unrelated).revokedAt == nil)
            let again = try await flow.refresh(refreshToken, dpopKey: dpop)
            #expect(again.status == .badRequest && again.oauthError == "invalid_grant")
        }
    }

    @Test("The hint is only a hint: a refresh token sent with token_type_hint=access_token is still revoked")
    func wrongHint() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let refreshToken = try #require(try await flow.tokens(dpopKey: try key())["refresh_token"]?.stringValue)
            #expect(try await flow.revoke(refreshToken, hint: "access_token").status == .ok)
            #expect(try await record(test, refreshToken).revokedAt != nil)
        }
    }

    @Test("RFC 7009 §2.2: an unknown token is answered with 200")
    func unknownToken() async throws {
        try await server().withFlow { flow in
            let response = try await flow.revoke(SystemRandom().token())
            #expect(response.status == .ok, "\(response.bodyText)")
        }
    }

    @Test("Another client's token is answered with 200 and stays valid: a client may revoke only its own tokens")
    func otherClientsToken() async throws {
        let test = try await server()
        let otherKey = try await test.registerOtherClient()
        try await test.withFlow { flow in
            let body = try await flow.tokens(dpopKey: try key())
            for token in [body["access_token"], body["refresh_token"]].compactMap({ $0?.stringValue }) {
                let response = try await flow.revoke(token, clientID: "other-client", key: otherKey)
                #expect(response.status == .ok, "\(response.bodyText)")
                #expect(try await record(test, token).revokedAt == nil)
            }
        }
    }

    @Test("RFC 7009 §2.1: without client authentication the request is refused with 401 invalid_client")
    func clientAuthenticationRequired() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let accessToken = try #require(try await flow.tokens(dpopKey: try key())["access_token"]?.stringValue)
            let response = try await flow.revoke(accessToken, authenticated: false)
            #expect(response.status == .unauthorized && response.oauthError == "invalid_client", "\(response.bodyText)")
            #expect(try await record(test, accessToken).revokedAt == nil)
        }
    }

    @Test("RFC 7009 §2.2.1: a token_type_hint Kura does not issue is unsupported_token_type; a missing token is invalid_request")
    func requestErrors() async throws {
        try await server().withFlow { flow in
            let unsupported = try await flow.revoke(SystemRandom().token(), hint: "id_token")
            #expect(unsupported.status == .badRequest && unsupported.oauthError == "unsupported_token_type", "\(unsupported.bodyText)")
            var form = try flow.clientAuthentication()
            form["token_type_hint"] = "access_token"
            let missing = try await flow.post(OAuthServer.Path.revocation, form: form)
            #expect(missing.status == .badRequest && missing.oauthError == "invalid_request", "\(missing.bodyText)")
            #expect(try await flow.get(OAuthServer.Path.revocation).status.code == 405)
        }
    }
}
