import Foundation
import OAuthCore

/// The kind of an issued token.
public enum TokenKind: String, Sendable, Codable, Hashable {
    case accessToken = "access_token"
    case refreshToken = "refresh_token"
}

/// An issued access or refresh token, stored by hash, so it can be revoked and introspected
/// (RFC 7009, RFC 7662) even when the access token itself is a self-contained JWT (RFC 9068).
public struct TokenRecord: Sendable, Codable, Hashable {
    /// SHA-256 of the token string.
    public var tokenHash: String
    public var kind: TokenKind
    /// The JWT `jti` for access tokens; the hash again for opaque tokens.
    public var tokenID: String
    public var clientID: String
    /// nil for client_credentials.
    public var userID: String?
    public var grantID: String?
    public var scope: [String]
    public var authorizationDetails: JSONValue?
    /// RFC 9449 §6 `cnf.jkt` / RFC 8705 §3.1 `cnf.x5t#S256`.
    public var confirmation: [String: String]
    public var issuedAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    /// When the customer authenticated for the grant (OIDC Core §2 `auth_time`; RFC 9470 §6), carried from the
    /// authorization code to every token of the grant, so refreshed access tokens and introspection keep it.
    public var authTime: Date?
    /// The authentication context class of that authentication (OIDC Core §2 `acr`; RFC 9470 §6).
    public var acr: String?

    public init(tokenHash: String, kind: TokenKind, tokenID: String, clientID: String, userID: String?, grantID: String?,
                scope: [String], authorizationDetails: JSONValue?, confirmation: [String: String], issuedAt: Date,
                expiresAt: Date, revokedAt: Date? = nil, authTime: Date? = nil, acr: String? = nil) {
        self.tokenHash = tokenHash
        self.kind = kind
        self.tokenID = tokenID
        self.clientID = clientID
        self.userID = userID
        self.grantID = grantID
        self.scope = scope
        self.authorizationDetails = authorizationDetails
        self.confirmation = confirmation
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.authTime = authTime
        self.acr = acr
    }
}

/// Issued tokens.
public protocol TokenStore: Sendable {
    func insert(_ token: TokenRecord) async throws
    func find(tokenHash: String) async throws -> TokenRecord?
    /// Revokes one token (idempotent). Returns whether it existed.
    func revoke(tokenHash: String, now: Date) async throws -> Bool
    /// Revokes every token of a grant (code replay, refresh token revocation). Returns how many changed.
    func revokeAll(grantID: String, now: Date) async throws -> Int
    /// Revokes every token issued to a client (the client was deleted, RFC 7592 §2.3). Returns how many changed.
    func revokeAll(clientID: String, now: Date) async throws -> Int
    /// Moves a token's expiry forward to `expiresAt` when that is earlier, never later, in one statement; a
    /// revoked token is left alone. A rotated refresh token keeps working until then (FAPI 2.0 SP §5.3.2.1 Note 1).
    /// Returns whether an unrevoked token was found.
    func shortenLifetime(tokenHash: String, expiresAt: Date) async throws -> Bool
}
