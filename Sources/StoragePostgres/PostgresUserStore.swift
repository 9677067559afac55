import AuthorizationServer
import Foundation
import PostgresNIO

/// Customers and their login throttling state in the `users` table.
///
/// Both login counters are single conditional `UPDATE … RETURNING` statements: PostgreSQL locks the row,
/// and a concurrent update re-checks its `WHERE` against the committed row, so no failure is lost and
/// no TOTP step is accepted twice.
struct PostgresUserStore: UserStore {
    let db: PostgresDatabase

    func insert(_ user: UserRecord) async throws {
        let createdAt = PostgresCoding.millis(user.createdAt), lockedUntil = PostgresCoding.millis(user.lockedUntil)
        try await db.insert(
            try """
            INSERT INTO users (id, username, password_hash, totp_secret, display_name, created_at,
                               failed_logins, locked_until, last_totp_step)
            VALUES (\(user.id), \(user.username), \(user.passwordHash), \(user.totpSecret), \(user.displayName),
                    \(createdAt), \(user.failedLogins), \(lockedUntil), \(user.lastTOTPStep))
            """,
            duplicate: "user \(user.id) / \(user.username)")
    }

    func find(username: String) async throws -> UserRecord? {
        try await db.row("SELECT * FROM users WHERE username = \(username)").map(UserRecord.init(postgresRow:))
    }

    func find(id: String) async throws -> UserRecord? {
        try await db.row("SELECT * FROM users WHERE id = \(id)").map(UserRecord.init(postgresRow:))
    }

    /// All customers, ordered by id in byte order (`COLLATE "C"`), as SQLite orders them.
    func list() async throws -> [UserRecord] {
        try await db.rows(#"SELECT * FROM users ORDER BY id COLLATE "C""#).map(UserRecord.init(postgresRow:))
    }

    /// Returns nil when the user does not exist. A `lockThreshold` below 1 locks on every failure.
    func recordFailedLogin(userID: String, now: Date, lockThreshold: Int, lockDuration: TimeInterval) async throws -> UserRecord? {
        let lockedUntil = PostgresCoding.millis(now.addingTimeInterval(lockDuration))
        let threshold = Int64(lockThreshold)
        // Every right-hand side sees the row as it was before the update.
        return try await db.row(
            """
            UPDATE users SET
                failed_logins = CASE WHEN failed_logins + 1 >= \(threshold) THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= \(threshold) THEN \(lockedUntil) ELSE locked_until END
            WHERE id = \(userID)
            RETURNING *
            """
        ).map(UserRecord.init(postgresRow:))
    }

    /// Accepts `totpStep` only if it is newer than the last accepted step, and then resets the failure count.
    /// It does not lift a lock (`lockedUntil`): that expires by time, and the caller refuses logins meanwhile.
    func recordSuccessfulLogin(userID: String, totpStep: Int64) async throws -> Bool {
        try await !db.rows(
            """
            UPDATE users SET last_totp_step = \(totpStep), failed_logins = 0
            WHERE id = \(userID) AND last_totp_step < \(totpStep)
            RETURNING id
            """
        ).isEmpty
    }
}
