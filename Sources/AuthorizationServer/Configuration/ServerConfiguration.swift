import Foundation
import OAuthJOSE

/// Everything the authorization server is configured with: typed, with secure defaults
/// (node-oidc-provider's `defaults.js`). Components receive only the slice they need.
public struct ServerConfiguration: Sendable {
    /// The issuer identifier (RFC 8414 §2): https, no query, no fragment. Compared byte for byte.
    public var issuer: String
    public var lifetimes: Lifetimes
    public var features: Features
    /// The algorithm of the key the server signs with (ID tokens, access tokens). ES256 by default:
    /// PS256 signing is ~25× slower (STACK-NOTES §7).
    public var signingAlgorithm: JWSAlgorithm
    /// Algorithms accepted from clients: client assertions, DPoP proofs, request objects (FAPI 2.0 SP §5.4.1-1).
    public var acceptedAlgorithms: Set<JWSAlgorithm>
    /// Scopes a client may request, advertised as `scopes_supported`.
    public var scopesSupported: [String]
    public var login: LoginPolicy
    /// Human-readable name shown on the login and consent pages.
    public var displayName: String

    public init(
        issuer: String, lifetimes: Lifetimes = .init(), features: Features = .init(), signingAlgorithm: JWSAlgorithm = .es256,
        acceptedAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA],
        scopesSupported: [String] = ["openid", "profile", "offline_access", "accounts", "transfers", "identity"],
        login: LoginPolicy = .init(), displayName: String = "Kura Bank"
    ) {
        self.issuer = issuer
        self.lifetimes = lifetimes
        self.features = features
        self.signingAlgorithm = signingAlgorithm
        self.acceptedAlgorithms = acceptedAlgorithms
        self.scopesSupported = scopesSupported
        self.login = login
        self.displayName = displayName
    }

    /// An endpoint URL under the issuer (`issuer` + `path`).
    public func url(_ path: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + path
    }
}

/// Lifetimes, in seconds.
public struct Lifetimes: Sendable {
    /// FAPI 2.0 SP §5.3.2.2-12: `expires_in` of a request_uri shall be less than 600 s. It must still leave the
    /// customer time to log in (SP Note 2).
    public var requestURI: TimeInterval = 300
    /// FAPI 2.0 SP §5.3.2.1-11: authorization codes live at most 60 s.
    public var authorizationCode: TimeInterval = 60
    /// Access tokens: short-lived (SP §6.1).
    public var accessToken: TimeInterval = 600
    public var idToken: TimeInterval = 600
    /// A login + consent interaction in the browser.
    public var interaction: TimeInterval = 600
    /// DPoP proofs older than this are rejected; their `jti` is remembered this long (RFC 9449 §11.1).
    public var dpopProofMaxAge: TimeInterval = 300

    public init() {}
}

/// Optional protocol features, each with its spec.
public struct Features: Sendable {
    /// RFC 9126 Pushed Authorization Requests, required for every authorization request (FAPI 2.0 SP §5.3.2.2-3).
    public var requirePushedAuthorizationRequests = true
    /// Issue `id_token` for `openid` requests (OpenID Connect Core §3.1.3.3).
    public var openIDConnect = true

    public init() {}
}

/// Customer login: two factors (password + RFC 6238 TOTP) and lockout after repeated failures.
public struct LoginPolicy: Sendable {
    /// Consecutive failures that lock an account.
    public var lockThreshold = 5
    /// How long a locked account stays locked.
    public var lockDuration: TimeInterval = 900
    /// The `acr` stated for a two-factor login (ISO/IEC 29115 LoA 3 as a URN; configurable per ecosystem).
    public var twoFactorACR = "urn:kura:loa:3"

    public init() {}
}
