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
    /// Clients that are resource servers (FAPI 2.0 MS §6.2: the AS "must ensure that the resource server is not
    /// confused with a regular client"). Only these may introspect access tokens issued to other clients; any other
    /// client may introspect only its own tokens (RFC 7662 §4), and refresh tokens only ever by their own client.
    /// Set by the operator, never by client metadata, so no (dynamically) registered client can make itself one.
    public var resourceServerClientIDs: Set<String> = []
    /// RFC 7591/7592 dynamic client registration, behind initial access tokens; off unless tokens are configured.
    public var registration = RegistrationConfiguration()
    /// RFC 8705 mutual TLS (client authentication and certificate-bound tokens); off unless enabled.
    public var mutualTLS = MutualTLSConfiguration()
    /// RFC 9449 §8 server-provided DPoP nonces at the PAR and token endpoints: off, for listed clients, or for all.
    public var dpopNonce = DPoPNonceConfiguration()

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
    /// How long a node serves a client's registration from memory (`ClientRegistry`); changes through
    /// `kura clients` or another node take effect within this time.
    public var clientCache: TimeInterval = 5
    /// Refresh tokens (RFC 6749 §1.5), counted from the customer's consent; rotation never extends it. FAPI 2.0
    /// leaves the lifetime to the ecosystem (SP §5.3.2.1-9); 90 days is a typical open-banking consent.
    public var refreshToken: TimeInterval = 90 * 86_400
    /// With `Features.rotateRefreshTokens`, how long the previous refresh token keeps working after a rotation, so a
    /// client that lost the response can retry (SP §5.3.2.1 Note 1; the conformance suite retries after 30 s).
    public var refreshTokenRotationGrace: TimeInterval = 60

    public init() {}
}

/// Optional protocol features, each with its spec.
public struct Features: Sendable {
    /// RFC 9126 Pushed Authorization Requests, required for every authorization request (FAPI 2.0 SP §5.3.2.2-3).
    public var requirePushedAuthorizationRequests = true
    /// Issue `id_token` for `openid` requests (OpenID Connect Core §3.1.3.3) and serve the UserInfo endpoint (§5.3).
    public var openIDConnect = true
    /// Refresh token rotation (RFC 9700 §4.14.2), off: FAPI 2.0 SP §5.3.2.1-9 "shall not use refresh token rotation
    /// except in extraordinary circumstances". When on, every refresh returns a new refresh token and the previous one
    /// keeps working for `Lifetimes.refreshTokenRotationGrace` (SP §5.3.2.1 Note 1).
    public var rotateRefreshTokens = false
    /// Require a signed request object (JAR, RFC 9101) in every pushed authorization request, for every client
    /// (FAPI 2.0 Message Signing §5.3.1-1; advertised as `require_signed_request_object`, RFC 9101 §10.5). Off: only
    /// clients registered with `require_signed_request_object: true` must sign.
    public var requireSignedRequestObjects = false

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
