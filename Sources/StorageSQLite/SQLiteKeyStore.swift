import AuthorizationServer
import Foundation
import GRDB

/// Server signing keys in the `server_keys` table.
struct SQLiteKeyStore: KeyStore {
    let db: any DatabaseWriter

    func insert(_ key: ServerKeyRecord) async throws {
        let jwk = try SQLiteCoding.json(key.privateJWK)
        try await db.write { db in
            try mappingDuplicate("kid \(key.kid)") {
                try db.cachedStatement(sql: "INSERT INTO server_keys (kid, algorithm, private_jwk, status, created_at) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [key.kid, key.algorithm, jwk, key.status.rawValue, SQLiteCoding.millis(key.createdAt)])
            }
        }
    }

    /// Oldest first; keys created in the same millisecond are ordered by kid.
    func list() async throws -> [ServerKeyRecord] {
        try await db.readOnLoop { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM server_keys ORDER BY created_at, kid")).map(ServerKeyRecord.init(sqliteRow:))
        }
    }

    func setStatus(kid: String, status: ServerKeyStatus) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "UPDATE server_keys SET status = ? WHERE kid = ?")
                .execute(arguments: [status.rawValue, kid])
            return db.changesCount > 0
        }
    }

    func delete(kid: String) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "DELETE FROM server_keys WHERE kid = ?").execute(arguments: [kid])
            return db.changesCount > 0
        }
    }
}
