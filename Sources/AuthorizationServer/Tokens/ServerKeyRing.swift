import Foundation
import OAuthCore
import OAuthJOSE
import Synchronization

/// The server's signing keys (ID tokens, access tokens): loaded from the `KeyStore` shared by every node,
/// created on first start, published at `jwks_uri` (FAPI 2.0 SP §5.4.2: unique `kid`s, TLS only).
///
/// Keys are cached for `refreshInterval` so a rotation made on one node reaches the others.
///
/// Every token request signs and every resource request verifies, so the cached keys are read behind a `Mutex`
/// without a task switch; only (re)loading from the store is serialised, by the `Loader` actor, so concurrent
/// requests at expiry cause one database read, not one each.
public final class ServerKeyRing: Sendable {
    typealias Loaded = (loadedAt: Date, signing: JWSSigningKey, published: JWKSet)

    let clock: any WallClock
    let refreshInterval: TimeInterval
    /// The shortest time between two reloads triggered by an unknown `kid`.
    let minimumReload: TimeInterval = 5
    private let cache = Cache()
    private let loader: Loader

    public init(store: any KeyStore, algorithm: JWSAlgorithm, clock: any WallClock, random: any RandomSource, refreshInterval: TimeInterval = 60) {
        self.clock = clock
        self.refreshInterval = refreshInterval
        loader = Loader(store: store, algorithm: algorithm, clock: clock, random: random)
    }

    /// The newest active key of the configured algorithm; one is generated if there is none.
    public func signingKey() async throws -> JWSSigningKey { try await load().signing }

    /// Every key that is next, active or retired, public members only.
    public func publishedKeys() async throws -> JWKSet { try await load().published }

    /// The published keys, reloaded from the store first if `kid` is not among the cached ones: another node may
    /// have rotated (`kura keys rotate`) within the cache interval. Reloads at most once per `minimumReload`, so
    /// tokens with made-up `kid`s cannot turn every request into a database read.
    public func publishedKeys(including kid: String?) async throws -> JWKSet {
        let current = try await load()
        guard let kid, current.published.keys(withKID: kid).isEmpty,
              clock.now().timeIntervalSince(current.loadedAt) >= minimumReload
        else { return current.published }
        return try await reload(unlessLoadedAfter: current.loadedAt).published
    }

    /// Generates a new active key of the configured algorithm and retires the previous active ones.
    /// Retired keys stay published so tokens they signed still verify. Returns the new `kid`.
    @discardableResult
    public func rotate() async throws -> String {
        let kid = try await loader.rotate()
        cache.value.withLock { $0 = nil }
        return kid
    }

    /// Makes sure a signing key exists (called at start-up so the first request does not pay for it).
    public func prepare() async throws { _ = try await load() }

    /// The cached keys while fresh (no suspension), else a reload.
    private func load() async throws -> Loaded {
        let now = clock.now()
        if let cached = cache.value.withLock({ $0 }), now.timeIntervalSince(cached.loadedAt) < refreshInterval { return cached }
        return try await reload(unlessLoadedAfter: nil)
    }

    /// Reloads through the actor; a caller that queued behind another reload takes that result instead of reading again.
    private func reload(unlessLoadedAfter previous: Date?) async throws -> Loaded {
        try await loader.reload(cache: cache, refreshInterval: refreshInterval, unlessNewerThan: previous)
    }

    /// The cached keys, shared by the ring and its loader.
    final class Cache: Sendable {
        let value = Mutex<Loaded?>(nil)
    }

    /// Serialises reads of the key store and key generation.
    private actor Loader {
        let store: any KeyStore
        let algorithm: JWSAlgorithm
        let clock: any WallClock
        let random: any RandomSource

        init(store: any KeyStore, algorithm: JWSAlgorithm, clock: any WallClock, random: any RandomSource) {
            self.store = store
            self.algorithm = algorithm
            self.clock = clock
            self.random = random
        }

        /// Loads into `cache` unless it was refreshed meanwhile (fresh, or loaded after `previous` when forcing).
        func reload(cache: Cache, refreshInterval: TimeInterval, unlessNewerThan previous: Date?) async throws -> Loaded {
            let now = clock.now()
            if let cached = cache.value.withLock({ $0 }) {
                if let previous, cached.loadedAt > previous { return cached }
                if previous == nil, now.timeIntervalSince(cached.loadedAt) < refreshInterval { return cached }
            }
            var records = try await store.list()
            if !records.contains(where: { $0.status == .active && $0.algorithm == algorithm.rawValue }) {
                _ = try await generate()
                records = try await store.list()
            }
            guard let active = records.last(where: { $0.status == .active && $0.algorithm == algorithm.rawValue }),
                  let alg = JWSAlgorithm(rawValue: active.algorithm)
            else { throw StorageError.corrupt("no active signing key") }
            let signing = try JWSSigningKey(privateJWK: active.privateJWK, alg: alg)
            var published: [JWK] = []
            for record in records {
                guard let a = JWSAlgorithm(rawValue: record.algorithm) else { continue }
                published.append(try JWSSigningKey(privateJWK: record.privateJWK, alg: a).publicJWK)
            }
            let loaded: Loaded = (loadedAt: now, signing: signing, published: JWKSet(keys: published))
            cache.value.withLock { $0 = loaded }
            return loaded
        }

        func rotate() async throws -> String {
            let previous = try await store.list().filter { $0.status == .active }
            let kid = try await generate()
            for key in previous { _ = try await store.setStatus(kid: key.kid, status: .retired) }
            return kid
        }

        private func generate() async throws -> String {
            let kid = Base64URL.encode(random.bytes(12))
            let key = try JWSSigningKey.generate(algorithm, kid: kid)
            try await store.insert(ServerKeyRecord(kid: kid, algorithm: algorithm.rawValue, privateJWK: key.privateJWKJSON,
                                                   status: .active, createdAt: clock.now()))
            return kid
        }
    }
}
