import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /token`, client_credentials grant (RFC 6749 §4.4; FAPI 2.0 SP §5.3.2.1-4/-6, Note 2; conformance profile
/// `fapi_client_credentials_grant`).
@Suite("Token endpoint: client_credentials grant")
struct ClientCredentialsGrantTests {
    func key(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }

    func server() async throws -> TestServer {
        let test = try await TestServer()
        try await test.setGrantTypes(["client_credentials"])
        return test
    }

    func expectError(_ response: TestResponse, _ codes: Set<String>, statuses: Set<Int> = [400],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statuses.contains(response.status.code), "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(codes.contains(response.oauthError ?? "-"), "body: \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.json["access_token"] == nil, sourceLocation: sourceLocation)
    }

    @Test("A registered client gets a DPoP-bound access token whose subject is the client, with no refresh token (RFC 6749 §4.4.3)")
    func success() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let response = try await flow.clientCredentials(scope: "accounts", dpopKey: dpop)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(response.json["token_type"]?.stringValue == "DPoP")
            #expect(response.json["refresh_token"] == nil && response.json["id_token"] == nil)
            #expect(response.json["scope"]?.stringValue == "accounts")
            let accessToken = try #require(response.json["access_token"]?.stringValue)
            let jws = try CompactJWS.parse(accessToken)
            _ = try jws.verify(with: try await flow.publishedKeys(), allowed: [.es256, .ps256, .edDSA])
            let claims = try jws.payloadObject()
            #expect(claims["sub"]?.stringValue == test.clientID && claims["client_id"]?.stringValue == test.clientID)
            #expect(claims["cnf"]?["jkt"]?.stringValue == dpop.publicJWK.thumbprint())
            #expect(claims["acr"] == nil && claims["auth_time"] == nil)
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            #expect(record.userID == nil && record.grantID == nil && record.kind == .accessToken)
        }
    }

    @Test("fapi_client_credentials_grant: a client not registered for client_credentials gets unauthorized_client")
    func unauthorizedClient() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.clientCredentials(scope: "accounts", dpopKey: try key()), ["unauthorized_client"])
        }
    }

    @Test("fapi_client_credentials_grant: without a DPoP proof or client certificate the request is refused (no bearer tokens)")
    func senderConstraintRequired() async throws {
        try await server().withFlow { flow in
            expectError(try await flow.clientCredentials(scope: "accounts", dpopKey: nil), ["invalid_request", "invalid_dpop_proof"])
        }
    }

    @Test("fapi_client_credentials_grant: client authentication is required (invalid_client)")
    func clientAuthenticationRequired() async throws {
        try await server().withFlow { flow in
            var form = try flow.clientAuthentication()
            form["client_assertion"] = nil
            form["grant_type"] = "client_credentials"
            form["scope"] = "accounts"
            expectError(try await flow.token(form, dpopKey: try key()), ["invalid_client"], statuses: [401])
        }
    }

    @Test("Scope is required, must be supported and allowed, and must not be about an end-user (openid, profile, offline_access)",
          arguments: [nil, "", "unknown", "openid accounts", "profile", "offline_access"])
    func invalidScope(_ scope: String?) async throws {
        try await server().withFlow { flow in
            expectError(try await flow.clientCredentials(scope: scope, dpopKey: try key()), ["invalid_scope"])
        }
    }

    @Test("A scope outside the client's registered scope is invalid_scope")
    func scopeNotAllowedForClient() async throws {
        let test = try await server()
        let otherKey = try await test.registerOtherClient(extra: ["grant_types": ["client_credentials"], "scope": "accounts"])
        try await test.withFlow { flow in
            let allowed = try await flow.clientCredentials(scope: "accounts", dpopKey: try key(), clientID: "other-client", key: otherKey)
            #expect(allowed.status == .ok, "\(allowed.bodyText)")
            expectError(try await flow.clientCredentials(scope: "transfers", dpopKey: try key(), clientID: "other-client", key: otherKey),
                        ["invalid_scope"])
        }
    }

    @Test("SP 5.3.2.1-2: unknown grant types and the password grant are unsupported_grant_type, even for an unregistered client")
    func unsupportedGrantTypes() async throws {
        try await server().withFlow { flow in
            for grantType in ["password", "implicit", "urn:ietf:params:oauth:grant-type:device_code"] {
                var form = try flow.clientAuthentication()
                form["grant_type"] = grantType
                expectError(try await flow.token(form, dpopKey: try key()), ["unsupported_grant_type"])
            }
        }
    }
}
