import AuthorizationServer
import Foundation
import KuraServer
import NIOPosix
import StorageSQLite
import Testing

/// `KuraApplication.onEventLoops`: request tasks prefer the NIO event loops (SE-0417), and SQLite reads run inline
/// there (`SQLiteInlineReads`) — `kura serve`, `kura demo` and the live end-to-end tests all run this way.
@Suite("Request tasks on the event loops, SQLite reads inline there")
struct EventLoopExecutionTests {
    @Test("Tasks started under onEventLoops run on an event loop thread that is marked for inline reads")
    func tasksRunOnEventLoops() async throws {
        let observed = try await KuraApplication.onEventLoops {
            await withTaskGroup(of: (onLoop: Bool, inline: Bool).self) { group in
                for _ in 0..<16 {
                    group.addTask { (MultiThreadedEventLoopGroup.currentEventLoop != nil, SQLiteInlineReads.isEnabledOnCurrentThread) }
                }
                var all: [(onLoop: Bool, inline: Bool)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
        }
        #expect(observed.count == 16)
        #expect(observed.allSatisfy { $0.onLoop && $0.inline })
    }

    @Test("Tasks outside onEventLoops stay on the global executor and read through GRDB's queues")
    func otherTasksAreUntouched() async {
        let observed = await withTaskGroup(of: (onLoop: Bool, inline: Bool).self) { group in
            for _ in 0..<8 {
                group.addTask { (MultiThreadedEventLoopGroup.currentEventLoop != nil, SQLiteInlineReads.isEnabledOnCurrentThread) }
            }
            var all: [(onLoop: Bool, inline: Bool)] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(observed.allSatisfy { !$0.onLoop && !$0.inline })
    }

    @Test("CPU-heavy work (scrypt) leaves the event loop for the global executor and comes back to it")
    func offEventLoop() async throws {
        let (inside, after) = try await KuraApplication.onEventLoops {
            let inside = await OffEventLoop.run { MultiThreadedEventLoopGroup.currentEventLoop == nil }
            return (inside, MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        #expect(inside, "the work ran on an event loop")
        #expect(after, "the task did not return to the event loops")
    }

    @Test("The ledger audit (a read on GRDB's queue) racing inline reads on the loops: every read completes",
          .timeLimit(.minutes(1)))
    func auditRacingInlineReads() async throws {
        // The ledger audit reads through GRDB's queue; it must give its connection back there, not after resuming a
        // task on the (possibly blocked) loop. One hundred audits race inline reads on both loops.
        let count = try await Self.withDatabaseFile { backend in
            let store = backend.bank
            return try await KuraApplication.onEventLoops {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for i in 0..<100 {
                        group.addTask {
                            if i % 2 == 0 { return try await store.audit().isConsistent ? 1 : 0 }
                            return try await store.accounts(ofUser: "nobody").isEmpty ? 1 : 0
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
        }
        #expect(count == 100)
    }

    @Test("On a database file, 8 concurrent tasks on the loops see each of their writes in the next read, revocations included")
    func inlineReadsSeeCommittedWrites() async throws {
        let (found, revokedSeen) = try await Self.withDatabaseFile { backend in
            let tokens = backend.stores.tokens
            return try await KuraApplication.onEventLoops {
                try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            var found = 0, revokedSeen = 0
                            for i in 0..<40 {
                                let hash = "w\(worker)-\(i)"
                                try await tokens.insert(StorageFixture.token(hash))
                                if try await tokens.find(tokenHash: hash)?.revokedAt == nil { found += 1 }
                                if i % 4 == 0 {
                                    _ = try await tokens.revoke(tokenHash: hash, now: StorageFixture.at(10))
                                    if try await tokens.find(tokenHash: hash)?.revokedAt != nil { revokedSeen += 1 }
                                }
                            }
                            return (found, revokedSeen)
                        }
                    }
                    return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
                }
            }
        }
        #expect(found == 320)
        #expect(revokedSeen == 80)
    }

    /// A migrated backend on a fresh database file (a `DatabasePool`, so reads on the loops run inline), closed and
    /// removed after `body`.
    static func withDatabaseFile<T: Sendable>(_ body: (SQLiteBackend) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-loops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = try SQLiteBackend(path: directory.appendingPathComponent("kura.sqlite").path)
        do {
            try await backend.migrate()
            let result = try await body(backend)
            try await backend.shutdown()
            return result
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }
}
