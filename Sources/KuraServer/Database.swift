import AuthorizationServer
import Foundation
import Logging
import StoragePostgres
import StorageSQLite

/// Opens the storage backend a database URL names: SQLite (embedded default) or PostgreSQL (production).
public enum Database {
    /// - `sqlite:PATH` — a SQLite file in WAL mode (created if missing)
    /// - `sqlite::memory:` — an in-memory database (tests)
    /// - `postgres://…` / `postgresql://…` — PostgreSQL through postgres-nio
    public static func open(_ url: String, logger: Logger) throws -> any StorageBackend {
        if url == "sqlite::memory:" { return try SQLiteBackend.inMemory() }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ConfigurationError("sqlite: needs a path, e.g. sqlite:./data/kura.sqlite") }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try SQLiteBackend(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try PostgresBackend(url: url, logger: logger)
        }
        throw ConfigurationError("unsupported database URL (use sqlite:PATH or postgres://…): \(url.prefix(20))…")
    }
}
