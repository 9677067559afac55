import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// Full FAPI 2.0 flows over HTTPS with our own client library: PAR → two-factor login → consent → token,
/// private_key_jwt + DPoP, ID token and access token verified against `jwks_uri`.
@Suite("End to end over HTTPS", .serialized)
struct FAPI2FlowTests {
    func client(_ live: LiveServer, scopes: [String] = ["openid", "accounts"]) throws -> KuraClient {
        try KuraClient(configuration: ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: live.test.clientID, signingKey: live.test.clientKey,
            redirectURI: URL(string: TestServer.redirectURI)!, scopes: scopes,
            dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"), tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile))))
    }

    @Test("private_key_jwt + DPoP + OpenID Connect: a complete flow yields DPoP-bound tokens and a valid ID token")
    func completeFlow() async throws {
        try await LiveServer.run { live in
            let client = try client(live)
            let metadata = try await client.discover()
            #expect(metadata.issuer == live.issuer)
            let pushed = try await client.pushAuthorizationRequest()
            #expect(pushed.expiresIn > 0 && pushed.expiresIn < 600)
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                                      otp: live.test.otp())
            #expect(response.iss == live.issuer)
            #expect(response.state == pushed.state)
            let tokens = try await client.exchangeCode(response, for: pushed)
            #expect(tokens.isDPoPBound)
            let idClaims = try await client.verifyIDToken(try #require(tokens.idToken), nonce: pushed.nonce)
            #expect(idClaims["sub"]?.stringValue == live.test.userID)
            #expect(idClaims["amr"] == ["pwd", "otp", "mfa"])
            #expect(idClaims["acr"]?.stringValue == live.test.server.configuration.login.twoFactorACR)
            let atClaims = try await client.decodeAccessToken(tokens.accessToken)
            #expect(atClaims["cnf"]?["jkt"]?.stringValue == client.configuration.dpopKey?.publicJWK.thumbprint())
            #expect(atClaims["client_id"]?.stringValue == live.test.clientID)
            try await client.shutdown()
        }
    }

    @Test("Plain OAuth (no openid scope): no ID token is issued")
    func plainOAuthHasNoIDToken() async throws {
        try await LiveServer.run { live in
            let client = try client(live, scopes: ["accounts"])
            let pushed = try await client.pushAuthorizationRequest()
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
            let tokens = try await client.exchangeCode(response, for: pushed)
            #expect(tokens.idToken == nil)
            #expect(tokens.scopes == ["accounts"])
            try await client.shutdown()
        }
    }

    @Test("The customer denies consent: the client receives access_denied with state and iss")
    func denyConsent() async throws {
        try await LiveServer.run { live in
            let client = try client(live)
            let pushed = try await client.pushAuthorizationRequest()
            await #expect(throws: KuraClientError.self) {
                _ = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                               otp: live.test.otp(), approve: false)
            }
            try await client.shutdown()
        }
    }
}
