import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// Single-use guarantees under contention (FAPI 2.0: codes, request_uris, `jti`s, TOTP steps).
///
/// Each test starts `contenders` tasks at once against one database. On a file or PostgreSQL backend the
/// calls really overlap (a connection pool; up to 10 connections per PostgreSQL test), so a
/// read-then-write implementation would let two of them win.
extension StorageConformanceTests {
    static let contenders = 20

    /// Runs `operation` `contenders` times concurrently and returns the results.
    private func race<T: Sendable>(_ operation: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for attempt in 0..<Self.contenders { group.addTask { try await operation(attempt) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("20 concurrent consumes of one code: exactly one consumed, the rest alreadyConsumed", arguments: StorageTestBackend.underTest)
    func concurrentCodeConsume(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(StorageFixture.code())
            let outcomes = try await race { _ in try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(1)) }
            #expect(outcomes.filter { $0.outcome == "consumed" }.count == 1)
            #expect(outcomes.filter { $0.outcome == "alreadyConsumed" }.count == Self.contenders - 1)
            #expect(outcomes.allSatisfy { $0.record == StorageFixture.code() })
        }
    }

    @Test("20 concurrent consumes of one request_uri: exactly one consumed", arguments: StorageTestBackend.underTest)
    func concurrentPushedRequestConsume(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest())
            let outcomes = try await race { _ in try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(1)) }
            #expect(outcomes.filter { $0.outcome == "consumed" }.count == 1)
            #expect(outcomes.filter { $0.outcome == "alreadyConsumed" }.count == Self.contenders - 1)
        }
    }

    @Test("20 concurrent first uses of one jti: exactly one true", arguments: StorageTestBackend.underTest)
    func concurrentReplay(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            let firsts = try await race { _ in
                try await stores.replay.recordFirstUse(namespace: "dpop", id: "jti-race", expiresAt: StorageFixture.at(60))
            }
            #expect(firsts.filter { $0 }.count == 1)
        }
    }

    @Test("20 concurrent logins with the same TOTP step: exactly one accepted", arguments: StorageTestBackend.underTest)
    func concurrentTOTPStep(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            let accepted = try await race { _ in try await stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: 77) }
            #expect(accepted.filter { $0 }.count == 1)
            #expect(try await stores.users.find(id: "user-1")?.lastTOTPStep == 77)
        }
    }

    @Test("20 concurrent logins with rising TOTP steps: the newest step wins, never an older one", arguments: StorageTestBackend.underTest)
    func concurrentTOTPSteps(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            let accepted = try await race { step in
                try await stores.users.recordSuccessfulLogin(userID: "user-1", totpStep: Int64(100 + step))
            }
            #expect(accepted.contains(true))
            #expect(try await stores.users.find(id: "user-1")?.lastTOTPStep == Int64(100 + Self.contenders - 1))
        }
    }

    @Test("20 concurrent failed logins: none is lost", arguments: StorageTestBackend.underTest)
    func concurrentFailedLogins(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            let counts = try await race { _ in
                try await stores.users.recordFailedLogin(
                    userID: "user-1", now: StorageFixture.now, lockThreshold: 1000, lockDuration: 60)?.failedLogins
            }
            #expect(Set(counts.compactMap { $0 }) == Set(1...Self.contenders))
            #expect(try await stores.users.find(id: "user-1")?.failedLogins == Self.contenders)
        }
    }

    @Test("a lock threshold reached under contention locks exactly once", arguments: StorageTestBackend.underTest)
    func concurrentLockout(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.users.insert(StorageFixture.user())
            let results = try await race { _ in
                try await stores.users.recordFailedLogin(
                    userID: "user-1", now: StorageFixture.now, lockThreshold: Self.contenders, lockDuration: 60)
            }
            #expect(results.filter { $0?.lockedUntil != nil && $0?.failedLogins == 0 }.count == 1)
            let user = try #require(try await stores.users.find(id: "user-1"))
            #expect(user.failedLogins == 0)
            #expect(user.lockedUntil == StorageFixture.at(60))
        }
    }
}
