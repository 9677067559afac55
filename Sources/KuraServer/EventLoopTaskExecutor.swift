import NIOCore
import NIOPosix
import StorageSQLite

/// Runs request tasks on the SwiftNIO event loops instead of the global concurrent executor (SE-0417 task executor
/// preference), so a connection's task continues on the thread that read its bytes and writes its answer there.
///
/// A job enqueued from an event loop thread (a continuation resumed by a channel read, a write completing) runs on that
/// same loop, after the current tick: no thread hand-off. A job enqueued from elsewhere (a database queue resuming
/// after a write) goes to the next loop of the group. Work that holds a thread for long (scrypt at login) asks for
/// the global concurrent executor explicitly, so it never stalls a loop's connections.
///
/// Only loops of `group` run these jobs (a job enqueued from another group's loop goes to `group.next()`), so every
/// thread a request task runs on is one `onEventLoops` marked for inline reads. The group must outlive the tasks:
/// a loop that has shut down drops what it is given.
final class EventLoopTaskExecutor: TaskExecutor {
    private let group: MultiThreadedEventLoopGroup
    private let loops: Set<ObjectIdentifier>

    init(group: MultiThreadedEventLoopGroup) {
        self.group = group
        self.loops = Set(group.makeIterator().map { ObjectIdentifier($0 as AnyObject) })
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let loop: any EventLoop
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, loops.contains(ObjectIdentifier(current as AnyObject)) {
            loop = current
        } else {
            loop = group.next()
        }
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension KuraApplication {
    /// Runs `body` — the HTTP server — with every task it creates (connections, requests) preferring the event loops
    /// of `group` (Hummingbird's default, the NIO singleton), and with SQLite reads inline on those loops
    /// (`SQLiteInlineReads`). `kura bench transactions` measured both together at about a fifth of server CPU per
    /// bank API request.
    public static func onEventLoops<T: Sendable>(
        _ group: MultiThreadedEventLoopGroup = .singleton, _ body: () async throws -> T
    ) async throws -> T {
        for loop in group.makeIterator() {
            try await loop.submit { SQLiteInlineReads.enableOnCurrentThread() }.get()
        }
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(group: group), operation: body)
    }
}
