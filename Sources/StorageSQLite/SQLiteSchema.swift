import GRDB

/// The SQLite schema as versioned migrations, applied in order by GRDB's `DatabaseMigrator`.
///
/// Migrations are append-only: once released, a migration is never edited; a change is a new migration
/// (`v2_…`). Tables are `STRICT`. Times are `INTEGER` epoch milliseconds; JSON members are `TEXT`
/// (see `SQLiteCoding`). The PostgreSQL backend has the same tables and columns.
///
/// There are no foreign keys between tables: the store protocols do not require, for example, that a
/// grant exists before its code is stored, and a deleted client keeps its history. Referential rules
/// belong to the callers (and `PRAGMA foreign_keys` is on for any future migration that adds some).
/// The bank ledger's tables (`v3_bank`, in `SQLiteBankStore+Schema.swift`) do use foreign keys.
enum SQLiteSchema {
    /// `(identifier, statements)` in the order they must be applied.
    static let migrations: [(id: String, statements: [String])] = [
        ("v1_core", v1Core),
        ("v2_token_authentication", v2TokenAuthentication),
        ("v3_bank", v3Bank),
    ]

    /// All tables of the first release.
    static let v1Core: [String] = [
        """
        CREATE TABLE clients (
            client_id TEXT NOT NULL PRIMARY KEY,
            metadata TEXT NOT NULL,
            registration_access_token_hash TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE users (
            id TEXT NOT NULL PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            totp_secret BLOB NOT NULL,
            display_name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER,
            last_totp_step INTEGER NOT NULL DEFAULT 0
        ) STRICT
        """,
        """
        CREATE TABLE sessions (
            id_hash TEXT NOT NULL PRIMARY KEY,
            request_key TEXT NOT NULL,
            client_id TEXT NOT NULL,
            csrf_hash TEXT NOT NULL,
            user_id TEXT,
            auth_time INTEGER,
            amr TEXT NOT NULL,
            acr TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) STRICT
        """,
        "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
        """
        CREATE TABLE pushed_requests (
            request_key TEXT NOT NULL PRIMARY KEY,
            client_id TEXT NOT NULL,
            request TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        ) STRICT
        """,
        "CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at)",
        """
        CREATE TABLE authorization_codes (
            code_hash TEXT NOT NULL PRIMARY KEY,
            client_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            grant_id TEXT NOT NULL,
            request TEXT NOT NULL,
            auth_time INTEGER NOT NULL,
            acr TEXT NOT NULL,
            amr TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        ) STRICT
        """,
        "CREATE INDEX authorization_codes_expires_at ON authorization_codes (expires_at)",
        """
        CREATE TABLE grants (
            id TEXT NOT NULL PRIMARY KEY,
            client_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            authorization_details TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            expires_at INTEGER,
            revoked_at INTEGER
        ) STRICT
        """,
        "CREATE INDEX grants_user_id ON grants (user_id, created_at)",
        """
        CREATE TABLE tokens (
            token_hash TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
            token_id TEXT NOT NULL,
            client_id TEXT NOT NULL,
            user_id TEXT,
            grant_id TEXT,
            scope TEXT NOT NULL,
            authorization_details TEXT,
            confirmation TEXT NOT NULL,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) STRICT
        """,
        "CREATE INDEX tokens_grant_id ON tokens (grant_id)",
        "CREATE INDEX tokens_expires_at ON tokens (expires_at)",
        """
        CREATE TABLE replay_cache (
            namespace TEXT NOT NULL,
            id TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, id)
        ) STRICT, WITHOUT ROWID
        """,
        "CREATE INDEX replay_cache_expires_at ON replay_cache (expires_at)",
        """
        CREATE TABLE server_keys (
            kid TEXT NOT NULL PRIMARY KEY,
            algorithm TEXT NOT NULL,
            private_jwk TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('next', 'active', 'retired')),
            created_at INTEGER NOT NULL
        ) STRICT
        """,
    ]

    /// `auth_time` and `acr` of the customer's authentication on every token of a grant, so refreshed access
    /// tokens and introspection responses keep them (OIDC Core §2, RFC 9470 §6). Nullable: client_credentials
    /// tokens have no customer.
    static let v2TokenAuthentication: [String] = [
        "ALTER TABLE tokens ADD COLUMN auth_time INTEGER",
        "ALTER TABLE tokens ADD COLUMN acr TEXT",
    ]

    /// A migrator with every migration registered. `applied` receives the identifier of each migration
    /// this migrator actually runs (and commits), so the caller can report them.
    static func migrator(onApply applied: @escaping @Sendable (String) -> Void) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in
                for statement in migration.statements {
                    try db.execute(sql: statement)
                }
                applied(migration.id)
            }
        }
        return migrator
    }
}
