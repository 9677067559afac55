import Foundation

/// Server-provided DPoP nonces at the PAR and token endpoints (RFC 9449 §8; FAPI 2.0 SP §5.3.2.1-10: the AS "may use
/// the server provided nonce mechanism"). Off by default.
///
/// Nonces are stateless: `base64url(window || HMAC-SHA256(key, window))`, where `window` is the current time divided
/// by `window` seconds and `key` is derived (HKDF-SHA256) from the private key of the server signing key every node
/// loads from the shared database. Any Kura node on the same database therefore accepts a nonce another node minted,
/// without a shared in-memory secret and without a database write per nonce. See `DPoPNonces` for the trade-offs.
public struct DPoPNonceConfiguration: Sendable, Equatable {
    /// Which requests must carry a server nonce in their DPoP proof.
    public enum Requirement: Sendable, Equatable {
        /// No nonces are demanded or issued (the default).
        case off
        /// Only proofs sent by these clients must carry a nonce.
        ///
        /// - Important: the per-client decision needs the authenticated client. The PAR endpoint passes it; an
        ///   endpoint that calls `VerifyDPoPProof` without `clientID` demands no nonce in this mode.
        case clients(Set<String>)
        /// Every DPoP proof at the PAR and token endpoints must carry a nonce.
        case all
    }

    public var requirement: Requirement
    /// Length of a nonce window in seconds. A nonce is accepted in the window it was minted in and the next one (so it
    /// lives between one and two windows), and one window early, for nodes whose clocks run slightly ahead.
    /// Values below one second (or not finite) mean the default, 300 (see `effectiveWindow`).
    public var window: TimeInterval

    /// `window`, or 300 when it is below one second or not finite.
    public var effectiveWindow: TimeInterval { window.isFinite && window >= 1 ? window : 300 }

    public init(requirement: Requirement = .off, window: TimeInterval = 300) {
        self.requirement = requirement
        self.window = window
    }

    /// Whether a DPoP proof from `clientID` (nil when the caller does not know the client) must carry a nonce.
    public func isRequired(for clientID: String?) -> Bool {
        switch requirement {
        case .off: false
        case .all: true
        case .clients(let listed): clientID.map(listed.contains) ?? false
        }
    }

    /// Parses the command-line and environment spelling: `off`, `on` (or `all`), or `clients:ID1,ID2`.
    public init?(parsing text: String, window: TimeInterval = 300) {
        let value = text.trimmingCharacters(in: .whitespaces)
        switch value.lowercased() {
        case "off", "": self.init(requirement: .off, window: window)
        case "on", "all": self.init(requirement: .all, window: window)
        default:
            guard value.lowercased().hasPrefix("clients:") else { return nil }
            let ids = value.dropFirst("clients:".count).split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty, !ids.contains(where: \.isEmpty) else { return nil }
            self.init(requirement: .clients(Set(ids)), window: window)
        }
    }
}
