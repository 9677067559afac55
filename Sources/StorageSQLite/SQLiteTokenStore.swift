import AuthorizationServer
import Foundation
import GRDB

/// Issued tokens in the `tokens` table, keyed by the token's hash.
struct SQLiteTokenStore: TokenStore {
    let db: any DatabaseWriter

    func insert(_ token: TokenRecord) async throws {
        let scope = try SQLiteCoding.json(token.scope)
        let details = try SQLiteCoding.json(token.authorizationDetails)
        let confirmation = try SQLiteCoding.json(token.confirmation)
        try await db.write { db in
            try mappingDuplicate("token") {
                try db.cachedStatement(sql: """
                        INSERT INTO tokens (token_hash, kind, token_id, client_id, user_id, grant_id, scope,
                                            authorization_details, confirmation, issued_at, expires_at, revoked_at,
                                            auth_time, acr)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                        .execute(arguments: [token.tokenHash, token.kind.rawValue, token.tokenID, token.clientID, token.userID,
                                token.grantID, scope, details, confirmation, SQLiteCoding.millis(token.issuedAt),
                                SQLiteCoding.millis(token.expiresAt), SQLiteCoding.millis(token.revokedAt),
                                SQLiteCoding.millis(token.authTime), token.acr])
            }
        }
    }

    func find(tokenHash: String) async throws -> TokenRecord? {
        try await db.readOnLoop { db in
            // Decoded from the cursor's row, columns read straight from the statement (GRDB `fastDecode`); the cursor
            // must outlive that row.
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: "SELECT * FROM tokens WHERE token_hash = ?"), arguments: [tokenHash])
            return try withExtendedLifetime(cursor) { try cursor.next().map(TokenRecord.init(sqliteRow:)) }
        }
    }

    /// Keeps the first revocation instant when the token was already revoked.
    func revoke(tokenHash: String, now: Date) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE token_hash = ?")
                .execute(arguments: [SQLiteCoding.millis(now), tokenHash])
            return db.changesCount > 0
        }
    }

    /// Counts only tokens that were not revoked before.
    func revokeAll(grantID: String, now: Date) async throws -> Int {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL")
                .execute(arguments: [SQLiteCoding.millis(now), grantID])
            return db.changesCount
        }
    }

    func revokeAll(clientID: String, now: Date) async throws -> Int {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
                .execute(arguments: [SQLiteCoding.millis(now), clientID])
            return db.changesCount
        }
    }

    /// `MIN` keeps an earlier expiry: a second rotation inside the grace period cannot extend it.
    func shortenLifetime(tokenHash: String, expiresAt: Date) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET expires_at = MIN(expires_at, ?) WHERE token_hash = ? AND revoked_at IS NULL")
                .execute(arguments: [SQLiteCoding.millis(expiresAt), tokenHash])
            return db.changesCount > 0
        }
    }
}
