import AuthorizationServer
import BankCore
import Foundation
import Logging
import PostgresNIO

/// Kura's production storage: PostgreSQL through a postgres-nio `PostgresClient` (a connection pool).
///
/// The backend owns the client's `run()` task: it starts in `init` and is cancelled by `shutdown()`.
/// Several Kura nodes may share one database; everything that must be single-use is one conditional
/// statement (`UPDATE … WHERE consumed_at IS NULL … RETURNING`, `INSERT … ON CONFLICT DO NOTHING`), which
/// PostgreSQL serialises per row at the default READ COMMITTED isolation, and `migrate()` is guarded by an
/// advisory lock.
public final class PostgresBackend: StorageBackend, BankStoreProvider {
    private let client: PostgresClient
    private let logger: Logger
    private let runTask: Task<Void, Never>
    private let database: PostgresDatabase

    /// Every store, backed by this database.
    public let stores: Stores

    /// The bank ledger, in the same database (migration `v3_bank`).
    public let bank: any BankStore

    /// Connects to the database at `url` (see `parseURL(_:)`). Connections are opened lazily by the pool.
    /// Call `migrate()` before using the stores, and `shutdown()` when done.
    /// - Throws: `PostgresURLError` if the URL is malformed.
    public convenience init(url: String, logger: Logger) throws {
        self.init(configuration: try Self.parseURL(url), logger: logger)
    }

    /// Connects with an explicit client configuration (pool size, timeouts, startup parameters such as
    /// `search_path`).
    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.runTask = Task { await client.run() }
        let database = PostgresDatabase(client: client, logger: logger)
        self.database = database
        self.stores = Stores(
            clients: PostgresClientStore(db: database),
            users: PostgresUserStore(db: database),
            sessions: PostgresSessionStore(db: database),
            pushedRequests: PostgresPushedRequestStore(db: database),
            codes: PostgresAuthorizationCodeStore(db: database),
            grants: PostgresGrantStore(db: database),
            tokens: PostgresTokenStore(db: database),
            replay: PostgresReplayCache(db: database),
            keys: PostgresKeyStore(db: database)
        )
        self.bank = PostgresBankStore(db: database)
    }

    /// Applies pending migrations from `PostgresSchema`, each in its own transaction under a
    /// transaction-scoped advisory lock, and records them in `kura_migrations`.
    ///
    /// Safe when several nodes start at once: they take turns, and each migration is applied by exactly
    /// one of them. Returns the identifiers this call applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await PostgresSchema.migrate(client: client, logger: logger)
    }

    /// Deletes expired rows of the single-use and short-lived tables (one statement per table; each is atomic and
    /// touches only rows no request can use any more, so no transaction is needed across them).
    @discardableResult
    public func purgeExpired(before: Date) async throws -> Int {
        let cutoff = PostgresCoding.millis(before)
        let counts = [
            try await database.row("WITH d AS (DELETE FROM sessions WHERE expires_at < \(cutoff) RETURNING 1) SELECT count(*) AS n FROM d"),
            try await database.row("WITH d AS (DELETE FROM pushed_requests WHERE expires_at < \(cutoff) RETURNING 1) SELECT count(*) AS n FROM d"),
            try await database.row("WITH d AS (DELETE FROM authorization_codes WHERE expires_at < \(cutoff) RETURNING 1) SELECT count(*) AS n FROM d"),
            try await database.row("WITH d AS (DELETE FROM tokens WHERE expires_at < \(cutoff) RETURNING 1) SELECT count(*) AS n FROM d"),
            try await database.row("WITH d AS (DELETE FROM replay_cache WHERE expires_at < \(cutoff) RETURNING 1) SELECT count(*) AS n FROM d"),
        ]
        return try counts.reduce(0) { sum, row in try sum + Int(row?.value("n", as: Int64.self) ?? 0) }
    }

    /// Stops the connection pool: cancels the `run()` task and waits for it to end.
    public func shutdown() async throws {
        runTask.cancel()
        await runTask.value
    }

    deinit {
        runTask.cancel()
    }
}
