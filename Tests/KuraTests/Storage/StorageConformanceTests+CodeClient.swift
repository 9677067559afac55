import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// AuthorizationCodeStore.consume(codeHash:clientID:now:): another client can neither redeem nor burn a code.
extension StorageConformanceTests {
    @Test("codes: consume for another client is notFound and leaves the code to its own client", arguments: StorageTestBackend.underTest)
    func codeBoundToClient(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            try await stores.codes.insert(StorageFixture.code())
            guard case .notFound = try await stores.codes.consume(codeHash: "code-hash", clientID: "client-2", now: StorageFixture.at(1)) else {
                Issue.record("another client's consume must not see the code")
                return
            }
            guard case .consumed(let record) = try await stores.codes.consume(codeHash: "code-hash", clientID: "client-1", now: StorageFixture.at(2)) else {
                Issue.record("the code must still be consumable by its own client")
                return
            }
            #expect(record.clientID == "client-1")
            guard case .notFound = try await stores.codes.consume(codeHash: "code-hash", clientID: "client-2", now: StorageFixture.at(3)) else {
                Issue.record("another client's replay must not learn that the code exists")
                return
            }
            guard case .alreadyConsumed = try await stores.codes.consume(codeHash: "code-hash", clientID: "client-1", now: StorageFixture.at(3)) else {
                Issue.record("its own client's replay is still a replay")
                return
            }
        }
    }
}
