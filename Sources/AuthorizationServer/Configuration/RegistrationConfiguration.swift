import Foundation
import OAuthCore

/// Dynamic client registration (RFC 7591 §3) and its management (RFC 7592), open only to holders of an
/// initial access token (RFC 7591 §1.2, §3: "the client registration endpoint MAY be an OAuth 2.0 protected
/// resource and accept an initial access token").
///
/// Kura never offers open registration: a bank decides who may become a partner, so registration is on exactly
/// when at least one initial access token is configured, and off (no `/register` routes, no
/// `registration_endpoint` in discovery) otherwise. Only the tokens' SHA-256 hashes (`CredentialHash.of`) are kept.
public struct RegistrationConfiguration: Sendable {
    /// `CredentialHash.of` each initial access token that may register clients.
    public var initialAccessTokenHashes: [String]

    /// RFC 6750 §2.1 `b64token` needs at least 22 characters to carry 128 bits (FAPI 2.0 SP §5.4.1-4's floor for
    /// credentials); an operator-chosen token shorter than that is refused rather than silently accepted.
    public static let minimumTokenLength = 22

    /// Whether `POST /register` and `/register/{client_id}` are served.
    public var isEnabled: Bool { !initialAccessTokenHashes.isEmpty }

    /// Registration with the given token hashes; the default (none) is off.
    public init(initialAccessTokenHashes: [String] = []) {
        self.initialAccessTokenHashes = initialAccessTokenHashes
    }

    /// Registration open to holders of `tokens`, which are hashed here and not kept.
    /// - Throws: `InvalidInitialAccessToken` for a token that is too short or cannot travel as a Bearer token.
    public init(initialAccessTokens tokens: [String]) throws(InvalidInitialAccessToken) {
        for (index, token) in tokens.enumerated() {
            guard token.count >= Self.minimumTokenLength else {
                throw InvalidInitialAccessToken("registration token \(index + 1) is shorter than \(Self.minimumTokenLength) characters")
            }
            guard B64Token.isValid(token) else {
                throw InvalidInitialAccessToken("registration token \(index + 1) has characters a Bearer token cannot carry (RFC 6750 2.1)")
            }
        }
        self.init(initialAccessTokenHashes: tokens.map(CredentialHash.of))
    }

    /// The tokens of a comma-separated list (`KURA_REGISTRATION_TOKENS`): whitespace trimmed, empty entries dropped.
    public static func tokens(commaSeparated list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Whether `token` is one of the configured initial access tokens. Every configured hash is compared, each in
    /// constant time, so the answer's timing says nothing about which token (or how much of one) matched.
    func accepts(initialAccessToken token: String) -> Bool {
        let hash = CredentialHash.of(token)
        var accepted = false
        for configured in initialAccessTokenHashes where ConstantTime.equals(hash, configured) { accepted = true }
        return accepted
    }
}

/// An unusable initial access token in the configuration, described for the operator.
public struct InvalidInitialAccessToken: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
