import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// TokenStore additions for refresh tokens and the authentication context of tokens (migration v2_token_authentication).
extension StorageConformanceTests {
    @Test("tokens: auth_time and acr round-trip, and stay nil for a token without a customer", arguments: StorageTestBackend.underTest)
    func tokensAuthenticationContext(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            var refresh = StorageFixture.token("rt-auth", kind: .refreshToken)
            refresh.authTime = StorageFixture.at(-30)
            refresh.acr = "urn:kura:loa:3"
            refresh.confirmation = ["x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"]
            let clientCredentials = StorageFixture.token("at-cc-auth", grantID: nil)
            try await stores.tokens.insert(refresh)
            try await stores.tokens.insert(clientCredentials)
            #expect(try await stores.tokens.find(tokenHash: "rt-auth") == refresh)
            let loaded = try #require(try await stores.tokens.find(tokenHash: "at-cc-auth"))
            #expect(loaded.authTime == nil && loaded.acr == nil)
        }
    }

    @Test("tokens: shortenLifetime only ever moves expiry earlier and leaves revoked tokens alone", arguments: StorageTestBackend.underTest)
    func tokensShortenLifetime(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.tokens.insert(StorageFixture.token("rt-1", kind: .refreshToken))
            try await stores.tokens.insert(StorageFixture.token("rt-revoked", kind: .refreshToken))
            _ = try await stores.tokens.revoke(tokenHash: "rt-revoked", now: StorageFixture.at(1))

            #expect(try await stores.tokens.shortenLifetime(tokenHash: "rt-1", expiresAt: StorageFixture.at(60)))
            #expect(try await stores.tokens.find(tokenHash: "rt-1")?.expiresAt == StorageFixture.at(60))
            // A later expiry never extends it (a second rotation inside the grace period).
            #expect(try await stores.tokens.shortenLifetime(tokenHash: "rt-1", expiresAt: StorageFixture.at(90)))
            #expect(try await stores.tokens.find(tokenHash: "rt-1")?.expiresAt == StorageFixture.at(60))
            #expect(try await stores.tokens.shortenLifetime(tokenHash: "rt-1", expiresAt: StorageFixture.at(30)))
            #expect(try await stores.tokens.find(tokenHash: "rt-1")?.expiresAt == StorageFixture.at(30))

            #expect(try await !stores.tokens.shortenLifetime(tokenHash: "rt-revoked", expiresAt: StorageFixture.at(10)))
            #expect(try await stores.tokens.find(tokenHash: "rt-revoked")?.expiresAt == StorageFixture.at(86_400))
            #expect(try await !stores.tokens.shortenLifetime(tokenHash: "missing", expiresAt: StorageFixture.at(10)))
        }
    }
}
