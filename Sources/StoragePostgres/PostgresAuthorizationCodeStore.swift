import AuthorizationServer
import Foundation
import PostgresNIO

/// Authorization codes in the `authorization_codes` table, keyed by the code's hash.
///
/// `consume` is one conditional `UPDATE … SET consumed_at … WHERE consumed_at IS NULL AND expires_at > now
/// RETURNING *`: of concurrent attempts exactly one matches. When it matches nothing, a follow-up read
/// decides: consumed before → `.alreadyConsumed(record)` even if it has also expired since (the caller
/// must still revoke the grant), otherwise `.expired`, or `.notFound`. The read cannot be misled by a
/// race, since a row only ever goes from unconsumed to consumed.
struct PostgresAuthorizationCodeStore: AuthorizationCodeStore {
    let db: PostgresDatabase

    func insert(_ record: AuthorizationCodeRecord) async throws {
        let request = try PostgresCoding.json(record.request)
        let amr = try PostgresCoding.json(record.amr)
        let authTime = PostgresCoding.millis(record.authTime)
        let issuedAt = PostgresCoding.millis(record.issuedAt), expiresAt = PostgresCoding.millis(record.expiresAt)
        try await db.insert(
            """
            INSERT INTO authorization_codes (code_hash, client_id, user_id, grant_id, request, auth_time, acr, amr,
                                             issued_at, expires_at)
            VALUES (\(record.codeHash), \(record.clientID), \(record.userID), \(record.grantID), \(request), \(authTime),
                    \(record.acr), \(amr), \(issuedAt), \(expiresAt))
            """,
            duplicate: "authorization code")
    }

    func consume(codeHash: String, clientID: String?, now: Date) async throws -> ConsumeResult<AuthorizationCodeRecord> {
        let now = PostgresCoding.millis(now)
        if let row = try await db.row(
            """
            UPDATE authorization_codes SET consumed_at = \(now)
            WHERE code_hash = \(codeHash) AND consumed_at IS NULL AND expires_at > \(now)
              AND (\(clientID)::text IS NULL OR client_id = \(clientID))
            RETURNING *
            """)
        {
            return .consumed(try AuthorizationCodeRecord(postgresRow: row))
        }
        guard let row = try await db.row("SELECT * FROM authorization_codes WHERE code_hash = \(codeHash)") else {
            return .notFound
        }
        if let clientID, try row.value("client_id", as: String.self) != clientID { return .notFound }
        if try row.value("consumed_at", as: Int64?.self) != nil {
            return .alreadyConsumed(try AuthorizationCodeRecord(postgresRow: row))
        }
        return .expired
    }
}
