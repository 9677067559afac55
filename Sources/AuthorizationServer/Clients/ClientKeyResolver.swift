import Foundation
import OAuthCore
import OAuthJOSE

/// Resolves the public keys of a client: its registered `jwks`, or the JWK Set at its `jwks_uri`
/// (RFC 7591 §2; OIDC Core §10.1.1), fetched over TLS only and cached.
///
/// A `kid` the cached set does not hold triggers one refetch (the client may have rotated its keys), but at
/// most once per `minimumRefetchInterval`, so a stream of assertions with unknown `kid`s cannot turn Kura into
/// a request amplifier against the client's server.
public actor ClientKeyResolver {
    /// Fetches a URL's body; injected (Kura's HTTPS client in production, a stub in tests).
    public typealias Fetch = @Sendable (URL) async throws -> Data

    let fetch: Fetch
    let clock: any WallClock
    let cacheLifetime: TimeInterval
    let minimumRefetchInterval: TimeInterval
    private var cache: [String: (fetchedAt: Date, keys: JWKSet)] = [:]

    public init(fetch: @escaping Fetch, clock: any WallClock, cacheLifetime: TimeInterval = 300, minimumRefetchInterval: TimeInterval = 30) {
        self.fetch = fetch
        self.clock = clock
        self.cacheLifetime = cacheLifetime
        self.minimumRefetchInterval = minimumRefetchInterval
    }

    /// A resolver for deployments without outbound HTTP: clients with `jwks_uri` cannot authenticate.
    public static func noNetwork(clock: any WallClock) -> ClientKeyResolver {
        ClientKeyResolver(fetch: { url in throw OAuthError.invalidClient("jwks_uri is not reachable from this server", detail: url.absoluteString) },
                          clock: clock)
    }

    /// The keys to verify `client`'s signatures with; `kid` is the JWS header's key id, if any.
    /// Registered `jwks` are returned without entering the actor (no hop on the common path).
    public nonisolated func keys(for client: Client, kid: String?) async throws -> JWKSet {
        guard let uri = client.jwksURI else { return client.jwks }
        return try await fetchedKeys(uri: uri, kid: kid)
    }

    private func fetchedKeys(uri: String, kid: String?) async throws -> JWKSet {
        let now = clock.now()
        if let cached = cache[uri], now.timeIntervalSince(cached.fetchedAt) < cacheLifetime {
            let known = kid.map { !cached.keys.keys(withKID: $0).isEmpty } ?? true
            if known || now.timeIntervalSince(cached.fetchedAt) < minimumRefetchInterval { return cached.keys }
        }
        guard let url = URL(string: uri), url.scheme == "https" else { throw OAuthError.invalidClient("The client's jwks_uri is not https") }
        let data: Data
        do { data = try await fetch(url) } catch {
            throw OAuthError.invalidClient("The client's jwks_uri could not be fetched", detail: "\(error)")
        }
        let keys: JWKSet
        do { keys = try JWKSet(jsonData: data) } catch {
            throw OAuthError.invalidClient("The client's jwks_uri does not return a JWK Set", detail: "\(error)")
        }
        cache[uri] = (now, keys)
        return keys
    }
}
