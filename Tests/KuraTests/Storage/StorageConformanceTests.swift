import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// The storage contract (`AuthorizationServer/Storage`), checked against every backend.
///
/// Each test is parameterised over `StorageTestBackend.underTest` and runs on a fresh database. Run with
/// `KURA_TEST_POSTGRES_URL` set to include PostgreSQL (see `scripts/postgres-test-server.sh`).
/// Further tests of this suite are in the `StorageConformanceTests+….swift` files.
@Suite("Storage conformance")
struct StorageConformanceTests {
    @Test(
        "PostgreSQL backend is configured (KURA_TEST_POSTGRES_URL)",
        .enabled(if: StorageTestEnvironment.postgresURL != nil || StorageTestEnvironment.isCI,
                 "KURA_TEST_POSTGRES_URL is not set: PostgreSQL conformance cases are skipped"))
    func postgresConfigured() {
        #expect(StorageTestEnvironment.postgresURL != nil, "CI is set, so KURA_TEST_POSTGRES_URL is required")
        #expect(StorageTestBackend.underTest.contains(.postgres))
    }

    // MARK: Migrations

    @Test("migrate applies every migration once, in order; a second migrate is a no-op", arguments: StorageTestBackend.underTest)
    func migrateIsIdempotent(_ backend: StorageTestBackend) async throws {
        try await backend.run(migrated: false) { database in
            #expect(try await database.backend.migrate() == StorageFixture.migrations)
            #expect(try await database.backend.migrate() == [])
            try await database.backend.stores.clients.insert(StorageFixture.client())
            #expect(try await database.backend.migrate() == [])
            #expect(try await database.backend.stores.clients.find(clientID: "client-1") == StorageFixture.client())
        }
    }

    @Test("nodes migrating one database at once apply each migration exactly once", arguments: StorageTestBackend.underTest)
    func concurrentMigrations(_ backend: StorageTestBackend) async throws {
        try await backend.run(migrated: false) { database in
            let nodes: [any StorageBackend] = try (0..<4).map { _ in try database.openAnother?() ?? database.backend }
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in nodes { group.addTask { try await node.migrate() } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == StorageFixture.migrations.sorted())
            for node in nodes where node as AnyObject !== database.backend as AnyObject {
                #expect(try await node.migrate() == [])
                try await node.shutdown()
            }
            try await database.backend.stores.keys.insert(StorageFixture.key("k1"))
        }
    }

    // MARK: ClientStore

    @Test("clients: insert, find and list round-trip metadata exactly, ordered by client_id", arguments: StorageTestBackend.underTest)
    func clientsRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            for id in ["c", "B", "a", "client-1"] { try await stores.clients.insert(StorageFixture.client(id)) }
            #expect(try await stores.clients.find(clientID: "client-1") == StorageFixture.client())
            #expect(try await stores.clients.find(clientID: "missing") == nil)
            #expect(try await stores.clients.list().map(\.clientID) == ["B", "a", "c", "client-1"])
            #expect(try await stores.clients.list().first == StorageFixture.client("B"))
        }
    }

    @Test("clients: a second insert of a client_id throws duplicate", arguments: StorageTestBackend.underTest)
    func clientsDuplicate(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.clients.insert(StorageFixture.client())
            await expectDuplicate {
                try await stores.clients.insert(StorageFixture.client())
            }
        }
    }

    @Test("clients: update replaces metadata, keeps created_at; unknown client throws notFound", arguments: StorageTestBackend.underTest)
    func clientsUpdate(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.clients.insert(StorageFixture.client())
            var changed = StorageFixture.client()
            changed.metadata["redirect_uris"] = ["https://client.example/cb2"]
            changed.metadata["software_statement"] = nil
            changed.registrationAccessTokenHash = nil
            changed.updatedAt = StorageFixture.at(3600)
            changed.createdAt = StorageFixture.at(-1)
            try await stores.clients.update(changed)
            var expected = changed
            expected.createdAt = StorageFixture.client().createdAt
            #expect(try await stores.clients.find(clientID: "client-1") == expected)
            await expectNotFound {
                try await stores.clients.update(StorageFixture.client("other"))
            }
        }
    }

    @Test("clients: delete reports whether a client was deleted", arguments: StorageTestBackend.underTest)
    func clientsDelete(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.clients.insert(StorageFixture.client("a"))
            try await stores.clients.insert(StorageFixture.client("b"))
            #expect(try await stores.clients.delete(clientID: "a"))
            #expect(try await !stores.clients.delete(clientID: "a"))
            #expect(try await stores.clients.find(clientID: "a") == nil)
            #expect(try await stores.clients.list().map(\.clientID) == ["b"])
        }
    }

    // MARK: UserStore

    @Test("users: insert, find by id and username, list by id; binary TOTP secret intact", arguments: StorageTestBackend.underTest)
    func usersRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user("user-2", username: "bob"))
            var locked = StorageFixture.user()
            locked.failedLogins = 2
            locked.lockedUntil = StorageFixture.at(900)
            locked.lastTOTPStep = 63_333_333
            try await stores.users.insert(locked)
            #expect(try await stores.users.find(id: "user-1") == locked)
            #expect(try await stores.users.find(username: "bob") == StorageFixture.user("user-2", username: "bob"))
            #expect(try await stores.users.find(username: "user-1") == nil)
            #expect(try await stores.users.find(id: "alice") == nil)
            #expect(try await stores.users.list().map(\.id) == ["user-1", "user-2"])
        }
    }

    @Test("users: a duplicate id or username throws duplicate", arguments: StorageTestBackend.underTest)
    func usersDuplicate(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            await expectDuplicate { try await stores.users.insert(StorageFixture.user("user-1", username: "carol")) }
            await expectDuplicate { try await stores.users.insert(StorageFixture.user("user-9", username: "alice")) }
            #expect(try await stores.users.list().count == 1)
        }
    }

    @Test("users: failed logins count up, lock at the threshold and restart the count", arguments: StorageTestBackend.underTest)
    func usersFailedLogins(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            let now = StorageFixture.at(100)
            func fail() async throws -> UserRecord? {
                try await stores.users.recordFailedLogin(userID: "user-1", now: now, lockThreshold: 3, lockDuration: 300)
            }
            #expect(try await fail()?.failedLogins == 1)
            let second = try await fail()
            #expect(second?.failedLogins == 2)
            #expect(second?.lockedUntil == nil)
            let third = try await fail()
            #expect(third?.failedLogins == 0)
            #expect(third?.lockedUntil == StorageFixture.at(400))
            #expect(try await stores.users.find(id: "user-1") == third)
            #expect(try await stores.users.recordFailedLogin(userID: "nobody", now: now, lockThreshold: 3, lockDuration: 300) == nil)
        }
    }

    @Test("users: a TOTP step is accepted once, only if newer, and resets the failure count", arguments: StorageTestBackend.underTest)
    func usersSuccessfulLogin(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            _ = try await stores.users.recordFailedLogin(userID: "user-1", now: StorageFixture.now, lockThreshold: 5, lockDuration: 60)
            #expect(try await stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: 1000))
            let user = try #require(try await stores.users.find(id: "user-1"))
            #expect(user.failedLogins == 0)
            #expect(user.lastTOTPStep == 1000)
            #expect(try await !stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: 1000))
            #expect(try await !stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: 999))
            #expect(try await stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: 1001))
            #expect(try await !stores.users.recordSuccessfulLogin(userID: "nobody", totpStep: 5000))
        }
    }

    // MARK: KeyStore

    @Test("keys: insert, list oldest first, set status, delete; duplicate kid throws", arguments: StorageTestBackend.underTest)
    func keys(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.keys.insert(StorageFixture.key("new", status: .next, createdAt: StorageFixture.at(10)))
            try await stores.keys.insert(StorageFixture.key("old", createdAt: StorageFixture.at(-10)))
            try await stores.keys.insert(StorageFixture.key("b-same", createdAt: StorageFixture.at(0)))
            try await stores.keys.insert(StorageFixture.key("A-same", createdAt: StorageFixture.at(0)))
            #expect(try await stores.keys.list().map(\.kid) == ["old", "A-same", "b-same", "new"])
            #expect(try await stores.keys.list().last == StorageFixture.key("new", status: .next, createdAt: StorageFixture.at(10)))
            await expectDuplicate { try await stores.keys.insert(StorageFixture.key("old")) }
            #expect(try await stores.keys.setStatus(kid: "old", status: .retired))
            #expect(try await !stores.keys.setStatus(kid: "missing", status: .active))
            #expect(try await stores.keys.list().first?.status == .retired)
            #expect(try await stores.keys.delete(kid: "old"))
            #expect(try await !stores.keys.delete(kid: "old"))
            #expect(try await stores.keys.list().map(\.kid) == ["A-same", "b-same", "new"])
        }
    }
}
