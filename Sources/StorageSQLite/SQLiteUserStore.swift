import AuthorizationServer
import Foundation
import GRDB

/// Customers and their login throttling state in the `users` table.
///
/// Both login counters are single conditional `UPDATE … RETURNING` statements in one write transaction,
/// so concurrent logins cannot lose a failure or accept one TOTP step twice.
struct SQLiteUserStore: UserStore {
    let db: any DatabaseWriter

    func insert(_ user: UserRecord) async throws {
        try await db.write { db in
            try mappingDuplicate("user \(user.id) / \(user.username)") {
                try db.cachedStatement(sql: """
                        INSERT INTO users (id, username, password_hash, totp_secret, display_name, created_at,
                                           failed_logins, locked_until, last_totp_step)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [user.id, user.username, user.passwordHash, user.totpSecret, user.displayName,
                                SQLiteCoding.millis(user.createdAt), user.failedLogins,
                                SQLiteCoding.millis(user.lockedUntil), user.lastTOTPStep])
            }
        }
    }

    func find(username: String) async throws -> UserRecord? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE username = ?"), arguments: [username])
                .map(UserRecord.init(sqliteRow:))
        }
    }

    func find(id: String) async throws -> UserRecord? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"),
                arguments: [id]).map(UserRecord.init(sqliteRow:))
        }
    }

    /// All customers, ordered by id (byte order, as in the PostgreSQL backend).
    func list() async throws -> [UserRecord] {
        try await db.readOnLoop { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM users ORDER BY id")).map(UserRecord.init(sqliteRow:))
        }
    }

    /// Returns nil when the user does not exist. A `lockThreshold` below 1 locks on every failure.
    func recordFailedLogin(userID: String, now: Date, lockThreshold: Int, lockDuration: TimeInterval) async throws -> UserRecord? {
        let lockedUntil = SQLiteCoding.millis(now.addingTimeInterval(lockDuration))
        return try await db.write { db in
            // Every right-hand side sees the row as it was before the update.
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    UPDATE users SET
                        failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
                        locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
                    WHERE id = ?
                    RETURNING *
                    """),
                arguments: [lockThreshold, lockThreshold, lockedUntil, userID]
            ).map(UserRecord.init(sqliteRow:))
        }
    }

    /// Accepts `totpStep` only if it is newer than the last accepted step, and then resets the failure count.
    /// It does not lift a lock (`lockedUntil`): that expires by time, and the caller refuses logins meanwhile.
    func recordSuccessfulLogin(userID: String, totpStep: Int64) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE users SET last_totp_step = ?, failed_logins = 0 WHERE id = ? AND last_totp_step < ?")
                .execute(arguments: [totpStep, userID, totpStep])
            return db.changesCount == 1
        }
    }
}
