import Foundation

/// A bank customer who can log in (two factors: password and TOTP).
public struct UserRecord: Sendable, Codable, Hashable {
    /// Stable subject identifier (`sub`), never the username.
    public var id: String
    public var username: String
    /// Memory-hard password hash in a self-describing format (see `PasswordHasher`); never the password.
    public var passwordHash: String
    /// RFC 6238 shared secret (raw bytes). Needed in clear to compute codes.
    public var totpSecret: Data
    public var displayName: String
    public var createdAt: Date
    /// Consecutive failed logins since the last success.
    public var failedLogins: Int
    /// Set while the account is locked after too many failures.
    public var lockedUntil: Date?
    /// The last RFC 6238 time step accepted, so one code cannot be used twice (RFC 6238 §5.2).
    public var lastTOTPStep: Int64

    public init(id: String, username: String, passwordHash: String, totpSecret: Data, displayName: String, createdAt: Date,
                failedLogins: Int = 0, lockedUntil: Date? = nil, lastTOTPStep: Int64 = 0) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
        self.displayName = displayName
        self.createdAt = createdAt
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.lastTOTPStep = lastTOTPStep
    }
}

/// Customers and their login throttling state.
public protocol UserStore: Sendable {
    /// - Throws: `StorageError.duplicate` when the id or username exists.
    func insert(_ user: UserRecord) async throws
    func find(username: String) async throws -> UserRecord?
    func find(id: String) async throws -> UserRecord?
    func list() async throws -> [UserRecord]
    /// Atomically counts one failed login; when the count reaches `lockThreshold` the account is locked until
    /// `now + lockDuration` and the count restarts. Returns the updated record.
    func recordFailedLogin(userID: String, now: Date, lockThreshold: Int, lockDuration: TimeInterval) async throws -> UserRecord?
    /// Atomically records a successful login with TOTP time step `totpStep`: succeeds (returns true, resets the
    /// failure count) only if `totpStep` is greater than the last accepted step — a TOTP code is single-use.
    func recordSuccessfulLogin(userID: String, totpStep: Int64) async throws -> Bool
}
