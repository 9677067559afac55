import Foundation
import Synchronization
import OAuthCore

/// Registered clients, parsed once and cached briefly: every back-channel request authenticates its client, and
/// reading plus decoding the metadata and its JWKS on each one was a measurable share of token-endpoint CPU.
///
/// A change made through this node (RFC 7592 update/delete) takes effect here at once; a change made on another node
/// or with `kura clients` takes effect within `lifetime` (5 s by default). Unknown clients are never cached.
public final class ClientRegistry: Sendable {
    let store: any ClientStore
    let clock: any WallClock
    let lifetime: TimeInterval
    /// Bound on cached clients; the cache is cleared when it is reached (clients are few; this only caps abuse).
    let capacity = 10_000
    /// A lock, not an actor: every back-channel request reads here, and a cache hit should not cost a task hop.
    private let cache = Mutex<[String: (loadedAt: Date, client: Client)]>([:])

    public init(store: any ClientStore, clock: any WallClock, lifetime: TimeInterval = 5) {
        self.store = store
        self.clock = clock
        self.lifetime = lifetime
    }

    /// The client, or nil if none is registered under `id`.
    public func client(id: String) async throws -> Client? {
        let now = clock.now()
        let hit = cache.withLock { $0[id] }
        if let hit, now.timeIntervalSince(hit.loadedAt) < lifetime { return hit.client }
        guard let record = try await store.find(clientID: id) else {
            cache.withLock { $0[id] = nil }
            return nil
        }
        let client = try Client(record: record)
        cache.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[id] = (now, client)
        }
        return client
    }

    /// Forgets a client after its registration changed on this node.
    public func invalidate(id: String) {
        cache.withLock { $0[id] = nil }
    }
}
