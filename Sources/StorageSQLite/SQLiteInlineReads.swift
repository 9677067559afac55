import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads that run on the calling thread when that thread is one of the HTTP server's event loops.
///
/// A GRDB `async` read hands the closure to a reader's dispatch queue and resumes the task afterwards: two thread
/// hand-offs for a point query that itself takes tens of microseconds. On the request path those hand-offs cost more
/// than the query (`kura bench transactions`: 13 % of server CPU for the two reads of a request). A thread marked with
/// ``enableOnCurrentThread()`` — `KuraServer` marks its event loops, where request tasks run — reads synchronously
/// instead, with a connection from the same `DatabasePool` (WAL: a reader never waits for the writer; it can only
/// wait, briefly, for a free reader connection). Every other read returns its connection on GRDB's own queue, never
/// after resuming a task (``DatabaseReader/readReleasingOnQueue(_:)``), so a loop waiting for a reader never waits for
/// itself; the pool has at least as many readers as cores (`SQLiteBackend`).
///
/// Only a `DatabasePool` (a database file) reads inline; an in-memory `DatabaseQueue` has a single connection shared
/// with the writer, so it keeps GRDB's asynchronous path. Writes always take the asynchronous path.
public enum SQLiteInlineReads {
    /// Marks the calling thread as one whose reads run inline (call it on each event loop thread, once).
    public static func enableOnCurrentThread() {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
    }

    /// Whether reads on the calling thread run inline.
    public static var isEnabledOnCurrentThread: Bool { pthread_getspecific(key) != nil }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()
}

extension DatabaseReader {
    /// A read transaction: inline on a marked event loop thread with a `DatabasePool`, else on GRDB's reader queue.
    func readOnLoop<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if SQLiteInlineReads.isEnabledOnCurrentThread, let pool = self as? DatabasePool {
            return try readNow(pool, value)
        }
        return try await readReleasingOnQueue(value)
    }

    /// A read transaction on GRDB's reader queue that gives its connection back there, before the caller resumes.
    /// (GRDB's `async` `read` keeps the connection until the awaiting task has resumed; with request tasks on the
    /// event loops, a loop blocked in an inline read could then wait for a connection only that loop can release.)
    func readReleasingOnQueue<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            asyncRead { result in
                continuation.resume(with: Result { try value(try result.get()) })
            }
        }
    }
}

/// GRDB's synchronous `DatabasePool.read` (a non-`async` function, so the blocking overload is the one called).
private func readNow<T>(_ pool: DatabasePool, _ value: (Database) throws -> T) throws -> T {
    try pool.read(value)
}
