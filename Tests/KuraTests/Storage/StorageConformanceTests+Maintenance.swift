import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// StorageBackend.purgeExpired: deletes only what expired before the cutoff, in every short-lived table, and never
/// touches clients, customers, grants or keys.
extension StorageConformanceTests {
    @Test("purgeExpired deletes expired sessions, request_uris, codes, tokens and replay entries, and nothing else",
          arguments: StorageTestBackend.underTest)
    func purgeExpired(_ backend: StorageTestBackend) async throws {
        try await backend.run { database in
            let stores = database.backend.stores
            try await stores.clients.insert(StorageFixture.client())
            try await stores.users.insert(StorageFixture.user())
            try await stores.grants.insert(StorageFixture.grant())
            try await stores.keys.insert(StorageFixture.key("k1"))
            // Expire at +60 s (old) and +10,000 s (young), cutoff at +1,000 s.
            try await stores.sessions.insert(StorageFixture.session("s-old", expiresIn: 60))
            try await stores.sessions.insert(StorageFixture.session("s-young", expiresIn: 10_000))
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest("p-old", expiresIn: 60))
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest("p-young", expiresIn: 10_000))
            try await stores.codes.insert(StorageFixture.code("c-old", expiresIn: 60))
            try await stores.codes.insert(StorageFixture.code("c-young", expiresIn: 10_000))
            try await stores.tokens.insert(StorageFixture.token("t-old"))                          // expires at +300 s
            try await stores.tokens.insert(StorageFixture.token("t-young", kind: .refreshToken))   // expires at +86,400 s
            #expect(try await stores.replay.recordFirstUse(namespace: "n", id: "r-old", expiresAt: StorageFixture.at(60)))
            #expect(try await stores.replay.recordFirstUse(namespace: "n", id: "r-young", expiresAt: StorageFixture.at(10_000)))

            #expect(try await database.backend.purgeExpired(before: StorageFixture.at(1_000)) == 5)

            #expect(try await stores.sessions.find(idHash: "s-old", now: StorageFixture.at(0)) == nil)
            #expect(try await stores.sessions.find(idHash: "s-young", now: StorageFixture.at(0)) != nil)
            #expect(try await stores.pushedRequests.find(key: "p-old", now: StorageFixture.at(0)) == nil)
            #expect(try await stores.pushedRequests.find(key: "p-young", now: StorageFixture.at(0)) != nil)
            guard case .notFound = try await stores.codes.consume(codeHash: "c-old", now: StorageFixture.at(0)) else {
                Issue.record("the expired code was not purged")
                return
            }
            guard case .consumed = try await stores.codes.consume(codeHash: "c-young", now: StorageFixture.at(0)) else {
                Issue.record("the young code was purged")
                return
            }
            #expect(try await stores.tokens.find(tokenHash: "t-old") == nil)
            #expect(try await stores.tokens.find(tokenHash: "t-young") != nil)
            #expect(try await stores.replay.recordFirstUse(namespace: "n", id: "r-old", expiresAt: StorageFixture.at(60)))
            #expect(try await !stores.replay.recordFirstUse(namespace: "n", id: "r-young", expiresAt: StorageFixture.at(10_000)))
            #expect(try await stores.clients.find(clientID: "client-1") != nil)
            #expect(try await stores.users.find(id: "user-1") != nil)
            #expect(try await stores.grants.find(id: "grant-1") != nil)
            #expect(try await stores.keys.list().count == 1)
            #expect(try await database.backend.purgeExpired(before: StorageFixture.at(1_000)) == 1, "only r-old, re-recorded above")
        }
    }

    @Test("tokens: revokeAll(clientID:) revokes every token of that client and no other", arguments: StorageTestBackend.underTest)
    func tokensRevokeAllOfClient(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.tokens.insert(StorageFixture.token("a1"))
            try await stores.tokens.insert(StorageFixture.token("a2", kind: .refreshToken))
            var other = StorageFixture.token("b1")
            other.clientID = "client-2"
            try await stores.tokens.insert(other)
            #expect(try await stores.tokens.revokeAll(clientID: "client-1", now: StorageFixture.at(10)) == 2)
            #expect(try await stores.tokens.revokeAll(clientID: "client-1", now: StorageFixture.at(20)) == 0)
            #expect(try await stores.tokens.find(tokenHash: "a1")?.revokedAt == StorageFixture.at(10))
            #expect(try await stores.tokens.find(tokenHash: "a2")?.revokedAt == StorageFixture.at(10))
            #expect(try await stores.tokens.find(tokenHash: "b1")?.revokedAt == nil)
        }
    }
}
