import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// GrantStore, TokenStore and ReplayCache.
extension StorageConformanceTests {
    // MARK: GrantStore

    @Test("grants: insert and find round-trip authorization_details exactly; duplicate throws", arguments: StorageTestBackend.underTest)
    func grantsRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.grants.insert(StorageFixture.grant())
            var noDetails = StorageFixture.grant("grant-2")
            noDetails.authorizationDetails = nil
            noDetails.expiresAt = nil
            try await stores.grants.insert(noDetails)
            #expect(try await stores.grants.find(id: "grant-1") == StorageFixture.grant())
            #expect(try await stores.grants.find(id: "grant-1")?.authorizationDetails == StorageFixture.authorizationDetails)
            #expect(try await stores.grants.find(id: "grant-2") == noDetails)
            #expect(try await stores.grants.find(id: "missing") == nil)
            await expectDuplicate { try await stores.grants.insert(StorageFixture.grant()) }
        }
    }

    @Test("grants: list a customer's grants newest first", arguments: StorageTestBackend.underTest)
    func grantsList(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.grants.insert(StorageFixture.grant("g-old", createdAt: StorageFixture.at(-100)))
            try await stores.grants.insert(StorageFixture.grant("g-new", createdAt: StorageFixture.at(100)))
            try await stores.grants.insert(StorageFixture.grant("g-mid", createdAt: StorageFixture.at(0)))
            try await stores.grants.insert(StorageFixture.grant("g-other", userID: "user-2"))
            #expect(try await stores.grants.list(userID: "user-1").map(\.id) == ["g-new", "g-mid", "g-old"])
            #expect(try await stores.grants.list(userID: "user-2") == [StorageFixture.grant("g-other", userID: "user-2")])
            #expect(try await stores.grants.list(userID: "nobody").isEmpty)
        }
    }

    @Test("grants: revoke marks revoked once and is idempotent", arguments: StorageTestBackend.underTest)
    func grantsRevoke(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.grants.insert(StorageFixture.grant())
            #expect(try await stores.grants.revoke(id: "grant-1", now: StorageFixture.at(50)))
            #expect(try await !stores.grants.revoke(id: "grant-1", now: StorageFixture.at(60)))
            #expect(try await !stores.grants.revoke(id: "missing", now: StorageFixture.at(60)))
            let revoked = try #require(try await stores.grants.find(id: "grant-1"))
            #expect(revoked.revokedAt == StorageFixture.at(50))
            #expect(revoked.updatedAt == StorageFixture.at(50))
        }
    }

    // MARK: TokenStore

    @Test("tokens: insert and find round-trip; duplicate throws", arguments: StorageTestBackend.underTest)
    func tokensRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            let access = StorageFixture.token("at-1")
            let refresh = StorageFixture.token("rt-1", kind: .refreshToken)
            let clientCredentials = StorageFixture.token("at-cc", grantID: nil)
            for token in [access, refresh, clientCredentials] { try await stores.tokens.insert(token) }
            #expect(try await stores.tokens.find(tokenHash: "at-1") == access)
            #expect(try await stores.tokens.find(tokenHash: "rt-1") == refresh)
            #expect(try await stores.tokens.find(tokenHash: "at-cc") == clientCredentials)
            #expect(try await stores.tokens.find(tokenHash: "missing") == nil)
            await expectDuplicate { try await stores.tokens.insert(access) }
        }
    }

    @Test("tokens: revoke is idempotent and keeps the first revocation time", arguments: StorageTestBackend.underTest)
    func tokensRevoke(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.tokens.insert(StorageFixture.token("at-1"))
            #expect(try await stores.tokens.revoke(tokenHash: "at-1", now: StorageFixture.at(10)))
            #expect(try await stores.tokens.revoke(tokenHash: "at-1", now: StorageFixture.at(20)))
            #expect(try await !stores.tokens.revoke(tokenHash: "missing", now: StorageFixture.at(20)))
            #expect(try await stores.tokens.find(tokenHash: "at-1")?.revokedAt == StorageFixture.at(10))
        }
    }

    @Test("tokens: revokeAll revokes a grant's live tokens and counts them", arguments: StorageTestBackend.underTest)
    func tokensRevokeAll(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            for hash in ["a1", "a2", "r1"] {
                try await stores.tokens.insert(StorageFixture.token(hash, kind: hash.hasPrefix("r") ? .refreshToken : .accessToken))
            }
            try await stores.tokens.insert(StorageFixture.token("other", grantID: "grant-2"))
            #expect(try await stores.tokens.revoke(tokenHash: "a1", now: StorageFixture.at(5)))
            #expect(try await stores.tokens.revokeAll(grantID: "grant-1", now: StorageFixture.at(10)) == 2)
            #expect(try await stores.tokens.revokeAll(grantID: "grant-1", now: StorageFixture.at(11)) == 0)
            #expect(try await stores.tokens.revokeAll(grantID: "missing", now: StorageFixture.at(11)) == 0)
            #expect(try await stores.tokens.find(tokenHash: "a1")?.revokedAt == StorageFixture.at(5))
            #expect(try await stores.tokens.find(tokenHash: "a2")?.revokedAt == StorageFixture.at(10))
            #expect(try await stores.tokens.find(tokenHash: "r1")?.revokedAt == StorageFixture.at(10))
            #expect(try await stores.tokens.find(tokenHash: "other")?.revokedAt == nil)
        }
    }

    // MARK: ReplayCache

    @Test("replay cache: first use is true, a replay false, namespaces are separate", arguments: StorageTestBackend.underTest)
    func replayFirstUse(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { (stores: Stores) async throws in
            #expect(try await stores.replay.recordFirstUse(namespace: "dpop", id: "jti-1", expiresAt: StorageFixture.at(60)))
            #expect(try await !stores.replay.recordFirstUse(namespace: "dpop", id: "jti-1", expiresAt: StorageFixture.at(60)))
            #expect(try await !stores.replay.recordFirstUse(namespace: "dpop", id: "jti-1", expiresAt: StorageFixture.at(999)))
            #expect(try await stores.replay.recordFirstUse(namespace: "client_assertion", id: "jti-1", expiresAt: StorageFixture.at(60)))
        }
    }

    @Test("replay cache: purge deletes entries that expired before now, after which an id is new again", arguments: StorageTestBackend.underTest)
    func replayPurge(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { (stores: Stores) async throws in
            #expect(try await stores.replay.recordFirstUse(namespace: "dpop", id: "old-1", expiresAt: StorageFixture.at(10)))
            #expect(try await stores.replay.recordFirstUse(namespace: "jar", id: "old-2", expiresAt: StorageFixture.at(20)))
            #expect(try await stores.replay.recordFirstUse(namespace: "dpop", id: "live", expiresAt: StorageFixture.at(300)))
            #expect(try await !stores.replay.recordFirstUse(namespace: "dpop", id: "old-1", expiresAt: StorageFixture.at(10)),
                    "an expired entry still counts until purged")
            #expect(try await stores.replay.purge(now: StorageFixture.at(100)) == 2)
            #expect(try await stores.replay.purge(now: StorageFixture.at(100)) == 0)
            #expect(try await stores.replay.recordFirstUse(namespace: "dpop", id: "old-1", expiresAt: StorageFixture.at(160)))
            #expect(try await !stores.replay.recordFirstUse(namespace: "dpop", id: "live", expiresAt: StorageFixture.at(300)))
        }
    }
}
