import AuthorizationServer
import Foundation
import PostgresNIO

/// Registered clients in the `clients` table.
///
/// `update` replaces the metadata, the registration access token hash and `updated_at`; `created_at`
/// is immutable and keeps its stored value.
struct PostgresClientStore: ClientStore {
    let db: PostgresDatabase

    func insert(_ client: ClientRecord) async throws {
        let metadata = try PostgresCoding.json(client.metadata)
        let createdAt = PostgresCoding.millis(client.createdAt), updatedAt = PostgresCoding.millis(client.updatedAt)
        try await db.insert(
            """
            INSERT INTO clients (client_id, metadata, registration_access_token_hash, created_at, updated_at)
            VALUES (\(client.clientID), \(metadata), \(client.registrationAccessTokenHash), \(createdAt), \(updatedAt))
            """,
            duplicate: "client_id \(client.clientID)")
    }

    func update(_ client: ClientRecord) async throws {
        let metadata = try PostgresCoding.json(client.metadata)
        let updatedAt = PostgresCoding.millis(client.updatedAt)
        let updated = try await db.rows(
            """
            UPDATE clients SET metadata = \(metadata), registration_access_token_hash = \(client.registrationAccessTokenHash),
                updated_at = \(updatedAt)
            WHERE client_id = \(client.clientID)
            RETURNING client_id
            """)
        if updated.isEmpty { throw StorageError.notFound("client_id \(client.clientID)") }
    }

    func find(clientID: String) async throws -> ClientRecord? {
        try await db.row("SELECT * FROM clients WHERE client_id = \(clientID)").map(ClientRecord.init(postgresRow:))
    }

    func delete(clientID: String) async throws -> Bool {
        try await !db.rows("DELETE FROM clients WHERE client_id = \(clientID) RETURNING client_id").isEmpty
    }

    /// Ordered by client_id in byte order (`COLLATE "C"`), as SQLite orders it.
    func list() async throws -> [ClientRecord] {
        try await db.rows(#"SELECT * FROM clients ORDER BY client_id COLLATE "C""#).map(ClientRecord.init(postgresRow:))
    }
}
