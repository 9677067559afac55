import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// Refresh, client_credentials and UserInfo over HTTPS with KuraClient (private_key_jwt + DPoP) against a live server.
@Suite("Tokens end to end over HTTPS", .serialized)
struct TokensEndToEndTests {
    static let clientID = "e2e-tokens-client"

    @Test("fapi2-security-profile-final-refresh-token over HTTPS: code → refresh → client_credentials, each DPoP-bound; userinfo with the refreshed token")
    func codeRefreshClientCredentials() async throws {
        try await LiveServer.run { live in
            let signingKey = try await live.test.registerOtherClient(
                id: Self.clientID, extra: ["grant_types": ["authorization_code", "refresh_token", "client_credentials"]])
            let dpopKey = try JWSSigningKey.generate(.es256, kid: "dpop")
            let client = try KuraClient(configuration: ClientConfiguration(
                issuer: URL(string: live.issuer)!, clientID: Self.clientID, signingKey: signingKey,
                redirectURI: URL(string: TestServer.redirectURI)!, scopes: ["openid", "profile", "accounts"], dpopKey: dpopKey,
                tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile))))
            let metadata = try await client.discover()
            #expect(Set(metadata.grantTypesSupported ?? []).isSuperset(of: ["authorization_code", "refresh_token", "client_credentials"]))
            #expect(metadata.revocationEndpoint != nil && metadata.introspectionEndpoint != nil)
            let userinfo = try #require(metadata.userinfoEndpoint)

            let pushed = try await client.pushAuthorizationRequest()
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
            let tokens = try await client.exchangeCode(response, for: pushed)
            let refreshToken = try #require(tokens.refreshToken)

            let refreshed = try await client.refresh(refreshToken)
            #expect(refreshed.isDPoPBound)
            #expect(refreshed.accessToken != tokens.accessToken)
            #expect(refreshed.refreshToken == nil, "no rotation by default")
            let claims = try await client.decodeAccessToken(refreshed.accessToken)
            #expect(claims["cnf"]?["jkt"]?.stringValue == dpopKey.publicJWK.thumbprint())
            #expect(claims["sub"]?.stringValue == live.test.userID)

            let narrowed = try await client.refresh(refreshToken, scope: ["accounts"])
            #expect(narrowed.scopes == ["accounts"])

            let info = try await client.get(userinfo, token: refreshed.accessToken)
            #expect(info.status == 200, "\(String(decoding: info.body, as: UTF8.self))")
            let body = try #require(JSONValue.parseObject(info.body))
            #expect(body["sub"]?.stringValue == live.test.userID && body["name"]?.stringValue == "Alice Example")

            let service = try await client.clientCredentials(scope: ["accounts"])
            #expect(service.isDPoPBound && service.refreshToken == nil && service.idToken == nil)
            let serviceClaims = try await client.decodeAccessToken(service.accessToken)
            #expect(serviceClaims["sub"]?.stringValue == Self.clientID)
            #expect(serviceClaims["cnf"]?["jkt"]?.stringValue == dpopKey.publicJWK.thumbprint())
            try await client.shutdown()
        }
    }
}
