import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// SessionStore, PushedRequestStore and AuthorizationCodeStore.
extension StorageConformanceTests {
    // MARK: SessionStore

    @Test("sessions: insert and find until expiry; duplicate throws", arguments: Backend.underTest)
    func sessions(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.sessions.insert(Fixture.session(expiresIn: 600))
            #expect(try await stores.sessions.find(idHash: "session-hash", now: Fixture.at(599.999)) == Fixture.session())
            #expect(try await stores.sessions.find(idHash: "session-hash", now: Fixture.at(600)) == nil)
            #expect(try await stores.sessions.find(idHash: "other", now: Fixture.now) == nil)
            await expectDuplicate { try await stores.sessions.insert(Fixture.session()) }
        }
    }

    @Test("sessions: markAuthenticated records the login on a live session only; delete ends it", arguments: Backend.underTest)
    func sessionsAuthenticate(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.sessions.insert(Fixture.session(expiresIn: 600))
            #expect(try await stores.sessions.markAuthenticated(
                idHash: "session-hash", userID: "user-1", authTime: Fixture.at(30.5), amr: ["pwd", "otp"],
                acr: "urn:bank:loa:2", now: Fixture.at(31)))
            var expected = Fixture.session()
            expected.userID = "user-1"
            expected.authTime = Fixture.at(30.5)
            expected.amr = ["pwd", "otp"]
            expected.acr = "urn:bank:loa:2"
            #expect(try await stores.sessions.find(idHash: "session-hash", now: Fixture.at(32)) == expected)
            #expect(try await !stores.sessions.markAuthenticated(
                idHash: "session-hash", userID: "user-2", authTime: Fixture.at(600), amr: ["pwd"], acr: "x", now: Fixture.at(600)))
            #expect(try await !stores.sessions.markAuthenticated(
                idHash: "missing", userID: "user-1", authTime: Fixture.now, amr: [], acr: "x", now: Fixture.now))
            #expect(try await stores.sessions.delete(idHash: "session-hash"))
            #expect(try await !stores.sessions.delete(idHash: "session-hash"))
            #expect(try await stores.sessions.find(idHash: "session-hash", now: Fixture.now) == nil)
        }
    }

    // MARK: PushedRequestStore

    @Test("request_uri: find returns the exact request while live, nil once expired", arguments: Backend.underTest)
    func pushedRequestFind(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(Fixture.pushedRequest(expiresIn: 60))
            let found = try await stores.pushedRequests.find(key: "par-key", now: Fixture.at(59.999))
            #expect(found == Fixture.pushedRequest())
            #expect(found?.request.authorizationDetails == Fixture.authorizationDetails)
            #expect(try await stores.pushedRequests.find(key: "par-key", now: Fixture.at(60)) == nil)
            #expect(try await stores.pushedRequests.find(key: "missing", now: Fixture.now) == nil)
            await expectDuplicate { try await stores.pushedRequests.insert(Fixture.pushedRequest()) }
        }
    }

    @Test("request_uri: consume once; then alreadyConsumed and find returns nil", arguments: Backend.underTest)
    func pushedRequestConsume(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(Fixture.pushedRequest(expiresIn: 60))
            #expect(try await stores.pushedRequests.find(key: "par-key", now: Fixture.at(1)) != nil, "find does not consume")
            let first = try await stores.pushedRequests.consume(key: "par-key", now: Fixture.at(2))
            #expect(first.outcome == "consumed")
            #expect(first.record == Fixture.pushedRequest())
            #expect(try await stores.pushedRequests.find(key: "par-key", now: Fixture.at(3)) == nil)
            let replay = try await stores.pushedRequests.consume(key: "par-key", now: Fixture.at(3))
            #expect(replay.outcome == "alreadyConsumed")
            #expect(replay.record == Fixture.pushedRequest())
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: Fixture.at(120)).outcome == "alreadyConsumed")
        }
    }

    @Test("request_uri: consuming an expired one gives expired; an unknown one notFound", arguments: Backend.underTest)
    func pushedRequestExpired(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.pushedRequests.insert(Fixture.pushedRequest(expiresIn: 60))
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: Fixture.at(60)).outcome == "expired")
            #expect(try await stores.pushedRequests.consume(key: "par-key", now: Fixture.at(61)).outcome == "expired")
            #expect(try await stores.pushedRequests.consume(key: "missing", now: Fixture.now).outcome == "notFound")
        }
    }

    // MARK: AuthorizationCodeStore

    @Test("codes: consume returns the exact record once; a replay returns it as alreadyConsumed", arguments: Backend.underTest)
    func codeConsume(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(Fixture.code(expiresIn: 60))
            let first = try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(5))
            #expect(first.outcome == "consumed")
            #expect(first.record == Fixture.code())
            #expect(first.record?.request.authorizationDetails == Fixture.authorizationDetails)
            let replay = try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(6))
            #expect(replay.outcome == "alreadyConsumed")
            #expect(replay.record?.grantID == "grant-1")
        }
    }

    @Test("codes: consumed then expired is still alreadyConsumed (the grant must be revoked)", arguments: Backend.underTest)
    func codeReplayAfterExpiry(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(Fixture.code(expiresIn: 60))
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(59.999)).outcome == "consumed")
            let late = try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(3600))
            #expect(late.outcome == "alreadyConsumed")
            #expect(late.record == Fixture.code())
        }
    }

    @Test("codes: expired and never consumed gives expired; unknown gives notFound; duplicate throws", arguments: Backend.underTest)
    func codeExpired(_ backend: Backend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(Fixture.code(expiresIn: 60))
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(60)).outcome == "expired")
            #expect(try await stores.codes.consume(codeHash: "code-hash", now: Fixture.at(61)).outcome == "expired")
            #expect(try await stores.codes.consume(codeHash: "missing", now: Fixture.now).outcome == "notFound")
            await expectDuplicate {
                try await stores.codes.insert(Fixture.code())
            }
        }
    }
}
