import Foundation

/// The latest `DPoP-Nonce` each server gave, keyed by origin (RFC 9449 §8: the AS nonce; §9: the RS nonce).
///
/// RFC 9449 §8.2: a server may supply a new nonce in any response; the client uses the most recent one it received
/// from that server in its next proof.
public struct DPoPNonceCache: Sendable, Hashable {
    var nonces: [String: String] = [:]

    public init() {}

    /// The nonce to put in the next proof to `url`'s origin, if any.
    public func nonce(for url: URL) -> String? { nonces[Self.origin(of: url)] }

    /// Remembers the `DPoP-Nonce` of `response`, if it has one.
    public mutating func remember(_ response: HTTPResponseMessage) {
        guard let nonce = response.headers["DPoP-Nonce"], !nonce.isEmpty else { return }
        nonces[Self.origin(of: response.url)] = nonce
    }

    /// The cache key: the URL's origin (RFC 6454 §4), so `https://as.example` and `https://as.example:443` share one.
    public static func origin(of url: URL) -> String { url.serializedOrigin }

    /// Whether `response` asks the client to retry with a fresh nonce: 400 `{"error":"use_dpop_nonce"}` from an
    /// authorization server (RFC 9449 §8) or 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` from a
    /// resource server (§9), in both cases with a `DPoP-Nonce` header to use.
    public static func isNonceChallenge(_ response: HTTPResponseMessage) -> Bool {
        guard response.status == 400 || response.status == 401, response.headers["DPoP-Nonce"] != nil else { return false }
        return response.oauthError?.error == "use_dpop_nonce"
            || response.headers.values(for: "WWW-Authenticate").contains { $0.contains("use_dpop_nonce") }
    }
}
