import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// SessionStore, PushedRequestStore and AuthorizationCodeStore.
extension StorageConformanceTests {
    // MARK: SessionStore

    @Test("sessions: insert and find until expiry; duplicate throws", arguments: StorageTestBackend.underTest)
    func sessions(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.sessions.insert(StorageFixture.session(expiresIn: 600))
            #expect(try await stores.sessions.find(idHash: "session-hash", now: StorageFixture.at(599.999)) == StorageFixture.session())
            #expect(try await stores.sessions.find(idHash: "session-hash", now: StorageFixture.at(600)) == nil)
            #expect(try await stores.sessions.find(idHash: "other", now: StorageFixture.now) == nil)
            await expectDuplicate { try await stores.sessions.insert(StorageFixture.session()) }
        }
    }

    @Test("sessions: markAuthenticated records the login on a live session only; delete ends it", arguments: StorageTestBackend.underTest)
    func sessionsAuthenticate(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.sessions.insert(StorageFixture.session(expiresIn: 600))
            #expect(try await stores.sessions.markAuthenticated(
                idHash: "session-hash", userID: "user-1", authTime: StorageFixture.at(30.5), amr: ["pwd", "otp"],
                acr: "urn:bank:loa:2", now: StorageFixture.at(31)))
            var expected = StorageFixture.session()
            expected.userID = "user-1"
            expected.authTime = StorageFixture.at(30.5)
            expected.amr = ["pwd", "otp"]
            expected.acr = "urn:bank:loa:2"
            #expect(try await stores.sessions.find(idHash: "session-hash", now: StorageFixture.at(32)) == expected)
            #expect(try await !stores.sessions.markAuthenticated(
                idHash: "session-hash", userID: "user-2", authTime: StorageFixture.at(600), amr: ["pwd"], acr: "x", now: StorageFixture.at(600)))
            #expect(try await !stores.sessions.markAuthenticated(
                idHash: "missing", userID: "user-1", authTime: StorageFixture.now, amr: [], acr: "x", now: StorageFixture.now))
            #expect(try await stores.sessions.delete(idHash: "session-hash"))
            #expect(try await !stores.sessions.delete(idHash: "session-hash"))
            #expect(try await stores.sessions.find(idHash: "session-hash", now: StorageFixture.now) == nil)
        }
    }

    // MARK: PushedRequestStore

    @Test("request_uri: find returns the exact request while live, nil once expired", arguments: StorageTestBackend.underTest)
    func pushedRequestFind(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest(expiresIn: 60))
            let found = try await stores.pushedRequests.find(key: "par-key", now: StorageFixture.at(59.999))
            #expect(found == StorageFixture.pushedRequest())
            #expect(found?.request.authorizationDetails == StorageFixture.authorizationDetails)
            #expect(try await stores.pushedRequests.find(key: "par-key", now: StorageFixture.at(60)) == nil)
            #expect(try await stores.pushedRequests.find(key: "missing", now: StorageFixture.now) == nil)
            await expectDuplicate { try await stores.pushedRequests.insert(StorageFixture.pushedRequest()) }
        }
    }

    @Test("request_uri: consume once; then alreadyConsumed and find returns nil", arguments: StorageTestBackend.underTest)
    func pushedRequestConsume(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest(expiresIn: 60))
            #expect(try await stores.pushedRequests.find(key: "par-key", now: StorageFixture.at(1)) != nil, "find does not consume")
            let first = try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(2))
            #expect(first.outcome == "consumed")
            #expect(first.record == StorageFixture.pushedRequest())
            #expect(try await stores.pushedRequests.find(key: "par-key", now: StorageFixture.at(3)) == nil)
            let replay = try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(3))
            #expect(replay.outcome == "alreadyConsumed")
            #expect(replay.record == StorageFixture.pushedRequest())
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(120)).outcome == "alreadyConsumed")
        }
    }

    @Test("request_uri: consuming an expired one gives expired; an unknown one notFound", arguments: StorageTestBackend.underTest)
    func pushedRequestExpired(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(StorageFixture.pushedRequest(expiresIn: 60))
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(60)).outcome == "expired")
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: StorageFixture.at(61)).outcome == "expired")
            #expect(try await stores.pushedRequests.consume(key: "missing", now: StorageFixture.now).outcome == "notFound")
        }
    }

    // MARK: AuthorizationCodeStore

    @Test("codes: consume returns the exact record once; a replay returns it as alreadyConsumed", arguments: StorageTestBackend.underTest)
    func codeConsume(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(StorageFixture.code(expiresIn: 60))
            let first = try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(5))
            #expect(first.outcome == "consumed")
            #expect(first.record == StorageFixture.code())
            #expect(first.record?.request.authorizationDetails == StorageFixture.authorizationDetails)
            let replay = try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(6))
            #expect(replay.outcome == "alreadyConsumed")
            #expect(replay.record?.grantID == "grant-1")
        }
    }

    @Test("codes: consumed then expired is still alreadyConsumed (the grant must be revoked)", arguments: StorageTestBackend.underTest)
    func codeReplayAfterExpiry(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(StorageFixture.code(expiresIn: 60))
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(59.999)).outcome == "consumed")
            let late = try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(3600))
            #expect(late.outcome == "alreadyConsumed")
            #expect(late.record == StorageFixture.code())
        }
    }

    @Test("codes: expired and never consumed gives expired; unknown gives notFound; duplicate throws", arguments: StorageTestBackend.underTest)
    func codeExpired(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(StorageFixture.code(expiresIn: 60))
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(60)).outcome == "expired")
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: StorageFixture.at(61)).outcome == "expired")
            #expect(try await stores.codes.consume(codeHash: "missing", now: StorageFixture.now).outcome == "notFound")
            await expectDuplicate {
                try await stores.codes.insert(StorageFixture.code())
            }
        }
    }
}
