import AuthorizationServer
import Foundation
import GRDB

/// Registered clients in the `clients` table.
///
/// `update` replaces the metadata, the registration access token hash and `updated_at`; `created_at`
/// is immutable and keeps its stored value.
struct SQLiteClientStore: ClientStore {
    let db: any DatabaseWriter

    func insert(_ client: ClientRecord) async throws {
        let metadata = try SQLiteCoding.json(client.metadata)
        try await db.write { db in
            try mappingDuplicate("client_id \(client.clientID)") {
                try db.cachedStatement(sql: """
                        INSERT INTO clients (client_id, metadata, registration_access_token_hash, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?)
                        """).execute(arguments: [client.clientID, metadata, client.registrationAccessTokenHash,
                                SQLiteCoding.millis(client.createdAt), SQLiteCoding.millis(client.updatedAt)])
            }
        }
    }

    func update(_ client: ClientRecord) async throws {
        let metadata = try SQLiteCoding.json(client.metadata)
        let changed = try await db.write { db in
            try db.cachedStatement(sql: """
                    UPDATE clients SET metadata = ?, registration_access_token_hash = ?, updated_at = ?
                    WHERE client_id = ?
                    """).execute(arguments: [metadata, client.registrationAccessTokenHash, SQLiteCoding.millis(client.updatedAt),
                            client.clientID])
            return db.changesCount
        }
        if changed == 0 { throw StorageError.notFound("client_id \(client.clientID)") }
    }

    func find(clientID: String) async throws -> ClientRecord? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM clients WHERE client_id = ?"), arguments: [clientID])
                .map(ClientRecord.init(sqliteRow:))
        }
    }

    func delete(clientID: String) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "DELETE FROM clients WHERE client_id = ?").execute(arguments: [clientID])
            return db.changesCount > 0
        }
    }

    func list() async throws -> [ClientRecord] {
        try await db.readOnLoop { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM clients ORDER BY client_id")).map(ClientRecord.init(sqliteRow:))
        }
    }
}
