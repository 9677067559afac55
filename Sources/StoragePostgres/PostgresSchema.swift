import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema as versioned migrations, recorded in `kura_migrations`.
///
/// The tables and columns are those of the SQLite backend (`SQLiteSchema`): `bigint` epoch milliseconds,
/// `text` JSON, `bytea` for the TOTP secret, no foreign keys between tables. Migrations are append-only.
/// The bank ledger's tables (`v3_bank`, in `PostgresBankStore+Schema.swift`) do use foreign keys.
enum PostgresSchema {
    /// Key of the transaction-scoped advisory lock taken by every migration transaction ("KURAMIGR").
    static let advisoryLockKey: Int64 = 0x4B55_5241_4D49_4752

    /// `(identifier, statements)` in the order they must be applied.
    static let migrations: [(id: String, statements: [PostgresQuery])] = [
        ("v1_core", v1Core),
        ("v2_token_authentication", v2TokenAuthentication),
        ("v3_bank", v3Bank),
    ]

    /// Applies every migration not yet recorded, one transaction each. Each transaction first takes
    /// `pg_advisory_xact_lock`, so nodes starting together wait for each other; the check of
    /// `kura_migrations` happens under the lock, so a migration runs exactly once. Returns the ids applied.
    static func migrate(client: PostgresClient, logger: Logger) async throws -> [String] {
        var applied: [String] = []
        for migration in migrations {
            let id = migration.id
            let statements = migration.statements
            let didApply = try await client.withTransaction(logger: logger) { connection -> Bool in
                func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
                    try await connection.query(query, logger: logger).collect()
                }
                _ = try await run("SELECT pg_advisory_xact_lock(\(advisoryLockKey))")
                _ = try await run(
                    "CREATE TABLE IF NOT EXISTS kura_migrations (id text PRIMARY KEY, applied_at bigint NOT NULL)")
                guard try await run("SELECT id FROM kura_migrations WHERE id = \(id)").isEmpty else { return false }
                for statement in statements {
                    _ = try await run(statement)
                }
                let now = PostgresCoding.millis(Date())
                _ = try await run("INSERT INTO kura_migrations (id, applied_at) VALUES (\(id), \(now))")
                return true
            }
            if didApply { applied.append(id) }
        }
        return applied
    }

    /// `auth_time` and `acr` of the customer's authentication on every token of a grant (see `SQLiteSchema`).
    static let v2TokenAuthentication: [PostgresQuery] = [
        "ALTER TABLE tokens ADD COLUMN auth_time bigint",
        "ALTER TABLE tokens ADD COLUMN acr text",
    ]

    /// All tables of the first release.
    static let v1Core: [PostgresQuery] = [
        """
        CREATE TABLE clients (
            client_id text PRIMARY KEY,
            metadata text NOT NULL,
            registration_access_token_hash text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
        )
        """,
        """
        CREATE TABLE users (
            id text PRIMARY KEY,
            username text NOT NULL UNIQUE,
            password_hash text NOT NULL,
            totp_secret bytea NOT NULL,
            display_name text NOT NULL,
            created_at bigint NOT NULL,
            failed_logins bigint NOT NULL DEFAULT 0,
            locked_until bigint,
            last_totp_step bigint NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE sessions (
            id_hash text PRIMARY KEY,
            request_key text NOT NULL,
            client_id text NOT NULL,
            csrf_hash text NOT NULL,
            user_id text,
            auth_time bigint,
            amr text NOT NULL,
            acr text,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL
        )
        """,
        "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
        """
        CREATE TABLE pushed_requests (
            request_key text PRIMARY KEY,
            client_id text NOT NULL,
            request text NOT NULL,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            consumed_at bigint
        )
        """,
        "CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at)",
        """
        CREATE TABLE authorization_codes (
            code_hash text PRIMARY KEY,
            client_id text NOT NULL,
            user_id text NOT NULL,
            grant_id text NOT NULL,
            request text NOT NULL,
            auth_time bigint NOT NULL,
            acr text NOT NULL,
            amr text NOT NULL,
            issued_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            consumed_at bigint
        )
        """,
        "CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at)",
        """
        CREATE TABLE grants (
            id text PRIMARY KEY,
            client_id text NOT NULL,
            user_id text NOT NULL,
            scope text NOT NULL,
            authorization_details text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            expires_at bigint,
            revoked_at bigint
        )
        """,
        "CREATE INDEX grants_user_id ON grants (user_id, created_at)",
        """
        CREATE TABLE tokens (
            token_hash text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
            token_id text NOT NULL,
            client_id text NOT NULL,
            user_id text,
            grant_id text,
            scope text NOT NULL,
            authorization_details text,
            confirmation text NOT NULL,
            issued_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            revoked_at bigint
        )
        """,
        "CREATE INDEX tokens_grant_id ON tokens (grant_id)",
        "CREATE INDEX tokens_expires_at ON tokens (expires_at)",
        """
        CREATE TABLE replay_cache (
            namespace text NOT NULL,
            id text NOT NULL,
            expires_at bigint NOT NULL,
            PRIMARY KEY (namespace, id)
        )
        """,
        "CREATE INDEX replay_cache_expires_at ON replay_cache (expires_at)",
        """
        CREATE TABLE server_keys (
            kid text PRIMARY KEY,
            algorithm text NOT NULL,
            private_jwk text NOT NULL,
            status text NOT NULL CHECK (status IN ('next', 'active', 'retired')),
            created_at bigint NOT NULL
        )
        """,
    ]
}
