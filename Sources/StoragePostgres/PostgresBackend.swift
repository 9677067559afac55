import AuthorizationServer
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
public final class PostgresBackend: StorageBackend {
    private let client: PostgresClient
    private let logger: Logger
    private let runTask: Task<Void, Never>

    /// Every store, backed by this database.
    public let stores: Stores

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

    /// Stops the connection pool: cancels the `run()` task and waits for it to end.
    public func shutdown() async throws {
        runTask.cancel()
        await runTask.value
    }

    deinit {
        runTask.cancel()
    }
}
