import AuthorizationServer
import Foundation
import Logging
import OAuthCore
import ServiceLifecycle

/// Periodically deletes expired single-use and short-lived records (sessions, request_uris, codes, tokens, replay
/// entries), so the tables of a long-running deployment do not grow without bound.
///
/// Records are kept for `retention` past their expiry: an authorization code replayed late is still recognised and
/// its grant revoked (RFC 6749 §4.1.2), and recently expired tokens still introspect as inactive rather than unknown
/// (both answers are `active: false`). Safe on every node at once: each purge is a set of plain DELETEs.
public struct StorageMaintenance: Service {
    let backend: any StorageBackend
    let clock: any WallClock
    let interval: Duration
    let retention: TimeInterval
    let logger: Logger

    public init(backend: any StorageBackend, clock: any WallClock = SystemClock(), interval: Duration = .seconds(600),
                retention: TimeInterval = 86_400, logger: Logger) {
        self.backend = backend
        self.clock = clock
        self.interval = interval
        self.retention = retention
        self.logger = logger
    }

    /// One purge now; returns the number of rows deleted.
    @discardableResult
    public func purgeOnce() async throws -> Int {
        try await backend.purgeExpired(before: clock.now().addingTimeInterval(-retention))
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let deleted = try await purgeOnce()
                if deleted > 0 { logger.info("storage maintenance: purged \(deleted) expired records") }
            } catch {
                logger.warning("storage maintenance failed; will retry", metadata: ["error": "\(error)"])
            }
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
