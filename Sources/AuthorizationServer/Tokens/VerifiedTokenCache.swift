import Foundation
import OAuthCore
import Synchronization

/// Access tokens whose JWT this node has already validated (RFC 9068 §4: signature by a published key, `typ`, `iss`,
/// `aud`), keyed by the token's SHA-256 (`CredentialHash`) and kept until the token's `exp`.
///
/// A partner uses one access token for many resource requests; verifying its signature once per node instead of once
/// per request takes an ECDSA verification off every call. Only what the JWT itself proves is cached: expiry is
/// re-checked against the clock, and revocation and the sender constraint against the database and the request, on
/// every call (`AuthenticateAccessToken`). Bounded: when full, expired entries go first, then everything.
public final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let claims: [String: JSONValue]
        let expiresAt: Int64
    }

    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(capacity: Int = 20_000) { self.capacity = capacity }

    /// The validated claims of the token with this hash, while it has not expired at `now`.
    func claims(hash: String, now: Date) -> [String: JSONValue]? {
        let nowSeconds = now.epochSeconds
        return entries.withLock { entries in
            guard let entry = entries[hash], entry.expiresAt > nowSeconds else { return nil }
            return entry.claims
        }
    }

    /// Remembers the validated claims of a token (with its `exp`).
    func insert(hash: String, claims: [String: JSONValue], now: Date) {
        guard let exp = claims["exp"]?.intValue else { return }
        let nowSeconds = now.epochSeconds
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expiresAt > nowSeconds }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[hash] = Entry(claims: claims, expiresAt: exp)
        }
    }
}
