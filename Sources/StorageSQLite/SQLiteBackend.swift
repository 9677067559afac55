import AuthorizationServer
import BankCore
import Foundation
import GRDB
import Synchronization

/// Kura's embedded storage: one SQLite database file, accessed through GRDB.
///
/// A file database is a GRDB `DatabasePool` in WAL mode: readers never block the single writer, and
/// every write runs in an `IMMEDIATE` transaction, so the read-check-write sequences of the stores
/// cannot interleave. `busy_timeout` (5 s) lets a second process (`kura migrate`, `kura clients add`
/// while the server runs) wait for the write lock instead of failing. Foreign key enforcement is on.
///
/// Single-use operations (`consume`, `recordFirstUse`, `recordSuccessfulLogin`) are single conditional
/// statements inside one write transaction, exactly as in the PostgreSQL backend.
public final class SQLiteBackend: StorageBackend, BankStoreProvider {
    /// How long a writer waits for another connection's write lock before failing with `SQLITE_BUSY`.
    public static let busyTimeout: TimeInterval = 5

    private let writer: any DatabaseWriter

    /// Every store, backed by this database.
    public let stores: Stores

    /// The bank ledger, in the same database (migration `v3_bank`).
    public let bank: any BankStore

    /// Opens (creating if needed) the database file at `path`. Call `migrate()` before using the stores.
    /// - Throws: a GRDB `DatabaseError` if the file cannot be opened.
    public init(path: String) throws {
        self.writer = try DatabasePool(path: path, configuration: Self.configuration(label: "kura"))
        self.stores = Self.makeStores(writer)
        self.bank = SQLiteBankStore(db: writer)
    }

    private init(writer: any DatabaseWriter) {
        self.writer = writer
        self.stores = Self.makeStores(writer)
        self.bank = SQLiteBankStore(db: writer)
    }

    /// A private in-memory database (a GRDB `DatabaseQueue`), for tests and `kura demo`. It vanishes
    /// with the backend. Call `migrate()` before using the stores.
    public static func inMemory() throws -> SQLiteBackend {
        SQLiteBackend(writer: try DatabaseQueue(configuration: configuration(label: "kura-memory")))
    }

    /// Deletes expired rows of the single-use and short-lived tables in one write transaction.
    @discardableResult
    public func purgeExpired(before: Date) async throws -> Int {
        let cutoff = SQLiteCoding.millis(before)
        return try await writer.write { db in
            var deleted = 0
            for table in ["sessions", "pushed_requests", "authorization_codes", "tokens", "replay_cache"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE expires_at < ?", arguments: [cutoff])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// Applies pending migrations from `SQLiteSchema`, each in its own transaction.
    ///
    /// Returns the identifiers this call applied, in order: empty when the schema was already current.
    /// Concurrent calls on one backend are serialised by GRDB; when several backends or processes
    /// migrate one file at once, each migration is applied by one of them and the others return
    /// without error.
    @discardableResult
    public func migrate() async throws -> [String] {
        let applied = Mutex<[String]>([])
        let migrator = SQLiteSchema.migrator { id in applied.withLock { $0.append(id) } }
        let writer = self.writer
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                migrator.asyncMigrate(writer) { result in
                    continuation.resume(with: result.map { _ in () })
                }
            }
        } catch {
            // GRDB reads the applied migrations before it opens each migration's transaction, so another
            // process (or another backend on the same file) may apply a migration in between, and ours then
            // fails on the existing table and rolls back. If the schema is complete now, that is success.
            let complete = try? await writer.read { try migrator.hasCompletedMigrations($0) }
            guard complete == true else { throw error }
        }
        return applied.withLock { $0 }
    }

    /// Closes the database connections. The stores must not be used afterwards.
    public func shutdown() async throws {
        try writer.close()
    }

    private static func configuration(label: String) -> Configuration {
        var configuration = Configuration()
        configuration.label = label
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        // Event loops read inline (`SQLiteInlineReads`), one per core: at least that many readers, so no loop waits for
        // a connection while others are free to serve.
        configuration.maximumReaderCount = max(5, ProcessInfo.processInfo.activeProcessorCount + 2)
        return configuration
    }

    private static func makeStores(_ writer: any DatabaseWriter) -> Stores {
        Stores(
            clients: SQLiteClientStore(db: writer),
            users: SQLiteUserStore(db: writer),
            sessions: SQLiteSessionStore(db: writer),
            pushedRequests: SQLitePushedRequestStore(db: writer),
            codes: SQLiteAuthorizationCodeStore(db: writer),
            grants: SQLiteGrantStore(db: writer),
            tokens: SQLiteTokenStore(db: writer),
            replay: SQLiteReplayCache(db: writer),
            keys: SQLiteKeyStore(db: writer)
        )
    }
}
