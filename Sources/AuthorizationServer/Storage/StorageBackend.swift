import Foundation

/// Every store Kura needs, from one backend (SQLite or PostgreSQL).
public struct Stores: Sendable {
    public var clients: any ClientStore
    public var users: any UserStore
    public var sessions: any SessionStore
    public var pushedRequests: any PushedRequestStore
    public var codes: any AuthorizationCodeStore
    public var grants: any GrantStore
    public var tokens: any TokenStore
    public var replay: any ReplayCache
    public var keys: any KeyStore

    public init(clients: any ClientStore, users: any UserStore, sessions: any SessionStore,
                pushedRequests: any PushedRequestStore, codes: any AuthorizationCodeStore, grants: any GrantStore,
                tokens: any TokenStore, replay: any ReplayCache, keys: any KeyStore) {
        self.clients = clients
        self.users = users
        self.sessions = sessions
        self.pushedRequests = pushedRequests
        self.codes = codes
        self.grants = grants
        self.tokens = tokens
        self.replay = replay
        self.keys = keys
    }
}

/// A database Kura runs on.
public protocol StorageBackend: Sendable {
    /// Applies pending versioned migrations (idempotent; safe to run on every start and from `kura migrate`).
    /// Returns the identifiers of the migrations it applied.
    @discardableResult
    func migrate() async throws -> [String]
    var stores: Stores { get }
    /// Deletes what can no longer be used: sessions, pushed requests, authorization codes, tokens and replay-cache
    /// entries that expired before `before`. Grants, clients, customers and keys are never purged here.
    /// Callers keep a margin (`StorageMaintenance`): a consumed code kept past its expiry still lets a late replay
    /// be recognised and its grant revoked (RFC 6749 §4.1.2). Returns how many rows were deleted.
    @discardableResult
    func purgeExpired(before: Date) async throws -> Int
    /// Releases connections.
    func shutdown() async throws
}
