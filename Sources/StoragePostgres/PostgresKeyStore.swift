import AuthorizationServer
import Foundation
import PostgresNIO

/// Server signing keys in the `server_keys` table.
struct PostgresKeyStore: KeyStore {
    let db: PostgresDatabase

    func insert(_ key: ServerKeyRecord) async throws {
        let jwk = try PostgresCoding.json(key.privateJWK)
        let createdAt = PostgresCoding.millis(key.createdAt)
        try await db.insert(
            """
            INSERT INTO server_keys (kid, algorithm, private_jwk, status, created_at)
            VALUES (\(key.kid), \(key.algorithm), \(jwk), \(key.status.rawValue), \(createdAt))
            """,
            duplicate: "kid \(key.kid)")
    }

    /// Oldest first; keys created in the same millisecond are ordered by kid (byte order).
    func list() async throws -> [ServerKeyRecord] {
        try await db.rows(#"SELECT * FROM server_keys ORDER BY created_at, kid COLLATE "C""#)
            .map(ServerKeyRecord.init(postgresRow:))
    }

    func setStatus(kid: String, status: ServerKeyStatus) async throws -> Bool {
        try await !db.rows("UPDATE server_keys SET status = \(status.rawValue) WHERE kid = \(kid) RETURNING kid").isEmpty
    }

    func delete(kid: String) async throws -> Bool {
        try await !db.rows("DELETE FROM server_keys WHERE kid = \(kid) RETURNING kid").isEmpty
    }
}
