import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// ReplayCache.recordFirstUse(_ entries:): all or none, atomically.
extension StorageConformanceTests {
    @Test("replay batch: all new → all recorded; one seen → that one returned and none recorded",
          arguments: StorageTestBackend.underTest)
    func replayBatch(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            let a = ReplayEntry(namespace: "client_assertion:c", id: "a", expiresAt: StorageFixture.at(60))
            let b = ReplayEntry(namespace: "dpop:k", id: "b", expiresAt: StorageFixture.at(60))
            let c = ReplayEntry(namespace: "dpop:k", id: "c", expiresAt: StorageFixture.at(60))
            let first = try await stores.replay.recordFirstUse([a, b])
            #expect(first == nil)
            let second = try await stores.replay.recordFirstUse([c, b])
            #expect(second == b)
            let cStillNew = try await stores.replay.recordFirstUse(namespace: c.namespace, id: c.id, expiresAt: c.expiresAt)
            #expect(cStillNew, "c was rolled back with the batch, so it is still new")
            let again = try await stores.replay.recordFirstUse([a])
            #expect(again == a)
            let empty = try await stores.replay.recordFirstUse([])
            #expect(empty == nil)
        }
    }

    @Test("replay batch: 20 concurrent batches sharing one id → exactly one succeeds", arguments: StorageTestBackend.underTest)
    func replayBatchConcurrent(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            let shared = ReplayEntry(namespace: "dpop:k", id: "shared", expiresAt: StorageFixture.at(60))
            let results = try await withThrowingTaskGroup(of: ReplayEntry?.self) { group in
                for i in 0..<20 {
                    let own = ReplayEntry(namespace: "client_assertion:c", id: "own-\(i)", expiresAt: StorageFixture.at(60))
                    group.addTask { try await stores.replay.recordFirstUse([own, shared]) }
                }
                var all: [ReplayEntry?] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { $0 == nil }.count == 1)
            #expect(results.filter { $0 == shared }.count == 19)
        }
    }

    @Test("replay batch: 60 concurrent requests over 6 shared ids → one per id succeeds; the others record none of their own ids",
          arguments: StorageTestBackend.underTest)
    func replayBatchConcurrentGroups(_ backend: StorageTestBackend) async throws {
        try await backend.withStores { stores in
            let outcomes = try await withThrowingTaskGroup(of: (Int, ReplayEntry?).self) { group in
                for i in 0..<60 {
                    let own = ReplayEntry(namespace: "client_assertion:c", id: "own-\(i)", expiresAt: StorageFixture.at(60))
                    let shared = ReplayEntry(namespace: "dpop:k", id: "shared-\(i % 6)", expiresAt: StorageFixture.at(60))
                    group.addTask { (i, try await stores.replay.recordFirstUse([own, shared])) }
                }
                var all: [Int: ReplayEntry?] = [:]
                for try await (i, outcome) in group { all[i] = outcome }
                return all
            }
            let winners = outcomes.filter { $0.value == nil }.map(\.key)
            #expect(winners.count == 6)
            #expect(Set(winners.map { $0 % 6 }) == Set(0..<6), "exactly one request per shared id")
            for i in 0..<60 {
                let ownStillNew = try await stores.replay.recordFirstUse(
                    namespace: "client_assertion:c", id: "own-\(i)", expiresAt: StorageFixture.at(60))
                #expect(ownStillNew == !winners.contains(i), "request \(i): its own id is recorded exactly when the request won")
            }
        }
    }
}
