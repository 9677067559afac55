import AuthorizationServer
import Foundation
import PostgresNIO

/// Issued tokens in the `tokens` table, keyed by the token's hash.
struct PostgresTokenStore: TokenStore {
    let db: PostgresDatabase

    func insert(_ token: TokenRecord) async throws {
        let scope = try PostgresCoding.json(token.scope)
        let details = try PostgresCoding.json(token.authorizationDetails)
        let confirmation = try PostgresCoding.json(token.confirmation)
        let issuedAt = PostgresCoding.millis(token.issuedAt), expiresAt = PostgresCoding.millis(token.expiresAt)
        let revokedAt = PostgresCoding.millis(token.revokedAt), authTime = PostgresCoding.millis(token.authTime)
        try await db.insert(
            """
            INSERT INTO tokens (token_hash, kind, token_id, client_id, user_id, grant_id, scope, authorization_details,
                                confirmation, issued_at, expires_at, revoked_at, auth_time, acr)
            VALUES (\(token.tokenHash), \(token.kind.rawValue), \(token.tokenID), \(token.clientID), \(token.userID),
                    \(token.grantID), \(scope), \(details), \(confirmation), \(issuedAt), \(expiresAt), \(revokedAt),
                    \(authTime), \(token.acr))
            """,
            duplicate: "token")
    }

    func find(tokenHash: String) async throws -> TokenRecord? {
        try await db.row("SELECT * FROM tokens WHERE token_hash = \(tokenHash)").map(TokenRecord.init(postgresRow:))
    }

    /// Keeps the first revocation instant when the token was already revoked.
    func revoke(tokenHash: String, now: Date) async throws -> Bool {
        let now = PostgresCoding.millis(now)
        return try await !db.rows(
            """
            UPDATE tokens SET revoked_at = COALESCE(revoked_at, \(now))
            WHERE token_hash = \(tokenHash)
            RETURNING token_hash
            """
        ).isEmpty
    }

    /// Counts only tokens that were not revoked before.
    func revokeAll(grantID: String, now: Date) async throws -> Int {
        let now = PostgresCoding.millis(now)
        return try await db.rows(
            """
            UPDATE tokens SET revoked_at = \(now)
            WHERE grant_id = \(grantID) AND revoked_at IS NULL
            RETURNING token_hash
            """
        ).count
    }

    func revokeAll(clientID: String, now: Date) async throws -> Int {
        let now = PostgresCoding.millis(now)
        return try await db.rows(
            """
            UPDATE tokens SET revoked_at = \(now)
            WHERE client_id = \(clientID) AND revoked_at IS NULL
            RETURNING token_hash
            """
        ).count
    }

    /// `LEAST` keeps an earlier expiry: a second rotation inside the grace period cannot extend it.
    func shortenLifetime(tokenHash: String, expiresAt: Date) async throws -> Bool {
        let expiresAt = PostgresCoding.millis(expiresAt)
        return try await !db.rows(
            """
            UPDATE tokens SET expires_at = LEAST(expires_at, \(expiresAt))
            WHERE token_hash = \(tokenHash) AND revoked_at IS NULL
            RETURNING token_hash
            """
        ).isEmpty
    }
}
