import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// Certificate-bound grants over real mutual TLS (RFC 8705 §3): the refresh token is bound to the certificate, refreshed
/// access tokens are bound to it again, and the UserInfo endpoint checks `cnf.x5t#S256` against the connection's
/// certificate.
@Suite("Certificate-bound refresh tokens and userinfo over HTTPS (RFC 8705 §3)", .serialized)
struct CertificateBoundTokensTests {
    let fixture = try! MutualTLSFixture()

    @Test("private_key_jwt + certificate binding: refresh with the certificate succeeds and userinfo accepts the Bearer token; without it both are refused")
    func certificateBoundRefreshAndUserInfo() async throws {
        try await fixture.run { live in
            try await live.test.setGrantTypes(["authorization_code", "refresh_token"])
            let certificate = try fixture.issue(cn: "binding-only")
            let thumbprint = try MutualTLSFixture.thumbprint(certificate)
            let client = try MutualTLSFixture.kuraClient(live, clientID: live.test.clientID, certificate: certificate,
                                                        signingKey: live.test.clientKey, scopes: ["openid", "profile", "accounts"])
            let pushed = try await client.pushAuthorizationRequest()
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
            let tokens = try await client.exchangeCode(response, for: pushed)
            #expect(tokens.tokenType == "Bearer")
            let refreshToken = try #require(tokens.refreshToken)
            let record = try #require(try await live.test.server.stores.tokens.find(tokenHash: CredentialHash.of(refreshToken)))
            #expect(record.confirmation == ["x5t#S256": thumbprint])

            let refreshed = try await client.refresh(refreshToken)
            #expect(refreshed.tokenType == "Bearer")
            let claims = try await client.decodeAccessToken(refreshed.accessToken)
            #expect(claims["cnf"]?["x5t#S256"]?.stringValue == thumbprint)
            let userinfo = URL(string: live.issuer + OAuthServer.Path.userinfo)!
            let info = try await client.get(userinfo, token: refreshed.accessToken)
            #expect(info.status == 200, "\(String(decoding: info.body, as: UTF8.self))")
            #expect(JSONValue.parseObject(info.body)?["name"]?.stringValue == "Alice Example")

            // The same client over a connection without the certificate, sender-constrained by DPoP instead.
            let withoutCertificate = try MutualTLSFixture.kuraClient(
                live, clientID: live.test.clientID, certificate: nil, signingKey: live.test.clientKey,
                dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            do {
                _ = try await withoutCertificate.refresh(refreshToken)
                Issue.record("a certificate-bound refresh token was accepted without its certificate")
            } catch let error as KuraClientError {
                #expect(error.oauthCode == "invalid_grant", "\(error)")
            }
            try await withoutCertificate.shutdown()

            for presented in [nil, try fixture.issue(cn: "another-partner")] {
                let transport = try MutualTLSFixture.transport(live, certificate: presented)
                let denied = try await transport.send(HTTPRequestMessage(
                    method: "GET", url: userinfo, headers: ["Authorization": "Bearer \(refreshed.accessToken)"]))
                #expect(denied.status == 401)
                #expect(denied.headers["WWW-Authenticate"]?.hasPrefix("Bearer error=\"invalid_token\"") == true)
                try await transport.shutdown()
            }
            try await client.shutdown()
        }
    }
}
