import Foundation

/// A browser's authorization interaction: from the authorization endpoint through login and consent.
///
/// The browser holds the session id in a cookie; storage keeps its hash. The CSRF token is bound to it.
public struct AuthorizationSession: Sendable, Codable, Hashable {
    /// SHA-256 of the session cookie value.
    public var idHash: String
    /// The pushed request (its `request_uri` reference hash) this interaction completes.
    public var requestKey: String
    public var clientID: String
    /// SHA-256 of the CSRF token embedded in the forms.
    public var csrfHash: String
    /// Set once the customer passed both factors.
    public var userID: String?
    public var authTime: Date?
    /// Authentication methods used (RFC 8176: `pwd`, `otp`, `mfa`).
    public var amr: [String]
    public var acr: String?
    public var createdAt: Date
    public var expiresAt: Date

    public init(idHash: String, requestKey: String, clientID: String, csrfHash: String, userID: String? = nil, authTime: Date? = nil,
                amr: [String] = [], acr: String? = nil, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.requestKey = requestKey
        self.clientID = clientID
        self.csrfHash = csrfHash
        self.userID = userID
        self.authTime = authTime
        self.amr = amr
        self.acr = acr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Authorization interactions in progress.
public protocol SessionStore: Sendable {
    func insert(_ session: AuthorizationSession) async throws
    /// The session, or nil when unknown or expired at `now`.
    func find(idHash: String, now: Date) async throws -> AuthorizationSession?
    /// Records that the customer authenticated. Returns false when the session is gone or expired.
    func markAuthenticated(idHash: String, userID: String, authTime: Date, amr: [String], acr: String, now: Date) async throws -> Bool
    /// Ends the interaction; returns whether it existed.
    func delete(idHash: String) async throws -> Bool
}
