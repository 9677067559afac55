import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /token`, refresh_token grant (RFC 6749 §6; RFC 9449 §5; RFC 8705 §3; FAPI 2.0 SP §5.3.2.1-4, -9 and Note 1).
/// Negative cases are named after the conformance module that checks them; accepted error codes per FAPI2-CHECKLIST §E.4.
@Suite("Token endpoint: refresh_token grant")
struct RefreshTokenGrantTests {
    func key(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }

    /// A server whose test client is registered for authorization_code and refresh_token.
    func server(rotation: Bool = false) async throws -> TestServer {
        let test = try await TestServer { $0.features.rotateRefreshTokens = rotation }
        try await test.setGrantTypes(["authorization_code", "refresh_token"])
        return test
    }

    func expectError(_ response: TestResponse, _ codes: Set<String>, statuses: Set<Int> = [400],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statuses.contains(response.status.code), "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(codes.contains(response.oauthError ?? "-"), "body: \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.json["access_token"] == nil, sourceLocation: sourceLocation)
    }

    @Test("A client registered for refresh_token gets an opaque 256-bit refresh token, stored only by hash and bound to client and grant")
    func issuedWithCode() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let body = try await flow.tokens(dpopKey: try key())
            let refreshToken = try #require(body["refresh_token"]?.stringValue)
            #expect(Base64URL.decode(refreshToken)?.count == 32)
            let accessToken = try #require(body["access_token"]?.stringValue)
            let access = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(refreshToken)))
            #expect(record.kind == .refreshToken)
            #expect(record.tokenHash != refreshToken && record.tokenID != refreshToken)
            #expect(record.clientID == test.clientID && record.userID == test.userID)
            #expect(record.grantID != nil && record.grantID == access.grantID)
            // RFC 9449 §5: a confidential client's refresh token is not bound to the DPoP key.
            #expect(record.confirmation.isEmpty)
            #expect(record.acr == test.server.configuration.login.twoFactorACR && record.authTime != nil)
            #expect(record.expiresAt == test.clock.now().addingTimeInterval(test.server.configuration.lifetimes.refreshToken))
        }
    }

    @Test("fapi2-security-profile-final-refresh-token: refresh with client authentication and a new DPoP key yields an access token bound to that key")
    func refreshBindsToNewKey() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let first = try key("first"), second = try key("second")
            let refreshToken = try #require(try await flow.tokens(dpopKey: first)["refresh_token"]?.stringValue)
            test.clock.advance(by: 700)
            let response = try await flow.refresh(refreshToken, dpopKey: second)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(response.json["token_type"]?.stringValue == "DPoP")
            #expect(response.json["refresh_token"] == nil, "no rotation by default (SP 5.3.2.1-9)")
            #expect(response.json["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == ["openid", "accounts"])
            let accessToken = try #require(response.json["access_token"]?.stringValue)
            let jws = try CompactJWS.parse(accessToken)
            _ = try jws.verify(with: try await flow.publishedKeys(), allowed: [.es256, .ps256, .edDSA])
            let claims = try jws.payloadObject()
            #expect(claims["cnf"]?["jkt"]?.stringValue == second.publicJWK.thumbprint())
            #expect(claims["sub"]?.stringValue == test.userID && claims["client_id"]?.stringValue == test.clientID)
            #expect(claims["acr"]?.stringValue == test.server.configuration.login.twoFactorACR)
            #expect(claims["auth_time"]?.intValue != nil && claims["auth_time"]?.intValue != claims["iat"]?.intValue)
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            #expect(record.confirmation == ["jkt": second.publicJWK.thumbprint()])
        }
    }

    @Test("fapi2-security-profile-final-refresh-token: a refresh without a DPoP proof is rejected with 400 and the refresh token stays usable")
    func refreshWithoutProof() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            expectError(try await flow.refresh(refreshToken, dpopKey: nil), ["invalid_request", "invalid_grant", "invalid_dpop_proof"])
            #expect(try await flow.refresh(refreshToken, dpopKey: dpop).status == .ok)
        }
    }

    @Test("fapi2-security-profile-final-refresh-token: a refresh without client authentication is rejected with invalid_client")
    func refreshWithoutClientAuthentication() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            let response = try await flow.refresh(refreshToken, dpopKey: dpop, ["client_assertion": nil, "client_assertion_type": nil])
            expectError(response, ["invalid_client"], statuses: [401])
        }
    }

    @Test("fapi2-security-profile-final-refresh-token: a client presenting another client's refresh token gets invalid_grant")
    func otherClientsRefreshToken() async throws {
        let test = try await server()
        let otherKey = try await test.registerOtherClient(extra: ["grant_types": ["authorization_code", "refresh_token"]])
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            expectError(try await flow.refresh(refreshToken, dpopKey: dpop, clientID: "other-client", key: otherKey), ["invalid_grant"])
            #expect(try await flow.refresh(refreshToken, dpopKey: dpop).status == .ok, "still usable by its own client")
        }
    }

    @Test("Without rotation the same refresh token keeps working and no new one is returned (SP 5.3.2.1-9)")
    func noRotationByDefault() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            for _ in 0..<3 {
                test.clock.advance(by: 3600)
                let response = try await flow.refresh(refreshToken, dpopKey: dpop)
                #expect(response.status == .ok, "\(response.bodyText)")
                #expect(response.json["refresh_token"] == nil)
            }
        }
    }

    @Test("fapi2-security-profile-final-refresh-token: with rotation a new refresh token is issued; the old one still works after 30 s and fails after the grace period")
    func rotationGracePeriod() async throws {
        let test = try await server(rotation: true)
        let grace = test.server.configuration.lifetimes.refreshTokenRotationGrace
        #expect(grace == 60)
        try await test.withFlow { flow in
            let dpop = try key()
            let original = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            let first = try await flow.refresh(original, dpopKey: dpop)
            #expect(first.status == .ok, "\(first.bodyText)")
            let rotated = try #require(first.json["refresh_token"]?.stringValue)
            #expect(rotated != original)

            test.clock.advance(by: 30)
            let retry = try await flow.refresh(original, dpopKey: dpop)
            #expect(retry.status == .ok, "the previous refresh token works during the grace period: \(retry.bodyText)")
            #expect(retry.json["refresh_token"]?.stringValue != nil)

            test.clock.advance(by: grace - 30 + 1)
            expectError(try await flow.refresh(original, dpopKey: dpop), ["invalid_grant"])
            let successor = try await flow.refresh(rotated, dpopKey: dpop)
            #expect(successor.status == .ok, "\(successor.bodyText)")
            // Successors keep the consent-based lifetime; only the token they replace is shortened to the grace period.
            let tokens = test.server.stores.tokens
            let nextToken = try #require(successor.json["refresh_token"]?.stringValue)
            let next = try #require(try await tokens.find(tokenHash: CredentialHash.of(nextToken)))
            let grantID = try #require(next.grantID)
            let grant = try #require(try await test.server.stores.grants.find(id: grantID))
            #expect(next.expiresAt == grant.createdAt.addingTimeInterval(test.server.configuration.lifetimes.refreshToken))
            let replaced = try #require(try await tokens.find(tokenHash: CredentialHash.of(rotated)))
            #expect(replaced.expiresAt == test.clock.now().addingTimeInterval(grace))
        }
    }

    @Test("A refresh token whose grant was revoked is rejected with invalid_grant")
    func revokedGrant() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(refreshToken)))
            #expect(try await test.server.stores.grants.revoke(id: try #require(record.grantID), now: test.clock.now()))
            expectError(try await flow.refresh(refreshToken, dpopKey: dpop), ["invalid_grant"])
        }
    }

    @Test("RFC 6749 §6: the scope may be narrowed; a scope that was not granted is invalid_scope and the refresh token keeps its scope")
    func downScoping() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            let narrowed = try await flow.refresh(refreshToken, dpopKey: dpop, ["scope": "accounts"])
            #expect(narrowed.json["scope"]?.stringValue == "accounts")
            let claims = try unverifiedClaims(try #require(narrowed.json["access_token"]?.stringValue))
            #expect(claims["scope"]?.stringValue == "accounts")
            expectError(try await flow.refresh(refreshToken, dpopKey: dpop, ["scope": "accounts transfers"]), ["invalid_scope"])
            let full = try await flow.refresh(refreshToken, dpopKey: dpop)
            #expect(full.json["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == ["openid", "accounts"])
        }
    }

    @Test("An expired refresh token is rejected with invalid_grant")
    func expiredRefreshToken() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let refreshToken = try #require(try await flow.tokens(dpopKey: dpop)["refresh_token"]?.stringValue)
            test.clock.advance(by: test.server.configuration.lifetimes.refreshToken + 1)
            expectError(try await flow.refresh(refreshToken, dpopKey: dpop), ["invalid_grant"])
        }
    }

    @Test("An access token, an unknown value or a revoked refresh token presented as refresh_token is invalid_grant")
    func notARefreshToken() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let body = try await flow.tokens(dpopKey: dpop)
            expectError(try await flow.refresh(try #require(body["access_token"]?.stringValue), dpopKey: dpop), ["invalid_grant"])
            expectError(try await flow.refresh(SystemRandom().token(), dpopKey: dpop), ["invalid_grant"])
            expectError(try await flow.refresh("unused", dpopKey: dpop, ["refresh_token": nil]), ["invalid_request"])
            let refreshToken = try #require(body["refresh_token"]?.stringValue)
            _ = try await test.server.stores.tokens.revoke(tokenHash: CredentialHash.of(refreshToken), now: test.clock.now())
            expectError(try await flow.refresh(refreshToken, dpopKey: dpop), ["invalid_grant"])
        }
    }

    @Test("RFC 8705 §3: a refresh token of a certificate-bound grant is refused on a request without that certificate")
    func certificateBoundRefreshToken() async throws {
        let test = try await server()
        try await test.withFlow { flow in
            let dpop = try key()
            let body = try await flow.tokens(dpopKey: dpop)
            let refreshToken = try #require(body["refresh_token"]?.stringValue)
            let issued = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(refreshToken)))
            let bound = SystemRandom().token()
            var record = issued
            record.tokenHash = CredentialHash.of(bound)
            record.tokenID = record.tokenHash
            record.confirmation = ["x5t#S256": SenderBinding.certificateThumbprint(der: Array("a client certificate".utf8))]
            try await test.server.stores.tokens.insert(record)
            expectError(try await flow.refresh(bound, dpopKey: dpop), ["invalid_grant"])
        }
    }

    @Test("A client not registered for the refresh_token grant gets unauthorized_client")
    func unregisteredClient() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let dpop = try key()
            #expect(try await flow.tokens(dpopKey: dpop)["refresh_token"] == nil)
            expectError(try await flow.refresh(SystemRandom().token(), dpopKey: dpop), ["unauthorized_client"])
        }
    }
}
