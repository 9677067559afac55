import Foundation
import OAuthCore

// The authorization server's records (migrations `v1_core` and `v2_token_authentication`), each mapped from a row once
// for both backends (`ColumnReader`), with the column encodings of `StorageCoding`: epoch-millisecond instants and
// JSON text; bad data is `StorageError.corrupt` naming the column.

extension ColumnReader {
    /// An integer column that must fit `Int`, as GRDB and PostgresNIO decode `Int`.
    func int(_ column: String) throws -> Int {
        let value = try int64(column)
        guard let int = Int(exactly: value) else { throw StorageError.corrupt("\(column): \(value)") }
        return int
    }

    /// An epoch-millisecond column (`StorageCoding.date`).
    func date(_ column: String) throws -> Date { StorageCoding.date(try int64(column)) }

    /// A nullable epoch-millisecond column; NULL is nil.
    func optionalDate(_ column: String) throws -> Date? { StorageCoding.date(try optionalInt64(column)) }

    /// A JSON text column (`StorageCoding.decode`).
    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        try StorageCoding.decode(type, json: try string(column), column: column)
    }

    /// A nullable JSON text column; NULL is nil.
    func optionalJSON<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? {
        try StorageCoding.decode(type, json: try optionalString(column), column: column)
    }

    /// A `TEXT` column holding an enum's raw value; a value the enum does not have is corrupt data.
    func rawValue<T: RawRepresentable<String>>(_ type: T.Type, _ column: String) throws -> T {
        let raw = try string(column)
        guard let value = T(rawValue: raw) else { throw StorageError.corrupt("\(column): \(raw)") }
        return value
    }
}

extension ClientRecord: RowDecodable {
    /// A `clients` row (`v1_core`; `metadata` as JSON text).
    public init(row: some ColumnReader) throws {
        self.init(
            clientID: try row.string("client_id"), metadata: try row.json([String: JSONValue].self, "metadata"),
            registrationAccessTokenHash: try row.optionalString("registration_access_token_hash"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}

extension UserRecord: RowDecodable {
    /// A `users` row (`v1_core`; `totp_secret` as bytes).
    public init(row: some ColumnReader) throws {
        self.init(
            id: try row.string("id"), username: try row.string("username"), passwordHash: try row.string("password_hash"),
            totpSecret: try row.data("totp_secret"), displayName: try row.string("display_name"),
            createdAt: try row.date("created_at"), failedLogins: try row.int("failed_logins"),
            lockedUntil: try row.optionalDate("locked_until"), lastTOTPStep: try row.int64("last_totp_step"))
    }
}

extension AuthorizationSession: RowDecodable {
    /// A `sessions` row (`v1_core`; `amr` as a JSON array).
    public init(row: some ColumnReader) throws {
        self.init(
            idHash: try row.string("id_hash"), requestKey: try row.string("request_key"), clientID: try row.string("client_id"),
            csrfHash: try row.string("csrf_hash"), userID: try row.optionalString("user_id"),
            authTime: try row.optionalDate("auth_time"), amr: try row.json([String].self, "amr"), acr: try row.optionalString("acr"),
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
    }
}

extension PushedRequestRecord: RowDecodable {
    /// A `pushed_requests` row (`v1_core`; `request` as JSON; `consumed_at` is the store's, not the record's).
    public init(row: some ColumnReader) throws {
        self.init(
            key: try row.string("request_key"), clientID: try row.string("client_id"),
            request: try row.json(AuthorizationRequest.self, "request"),
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
    }
}

extension AuthorizationCodeRecord: RowDecodable {
    /// An `authorization_codes` row (`v1_core`; `request` and `amr` as JSON; `consumed_at` is the store's).
    public init(row: some ColumnReader) throws {
        self.init(
            codeHash: try row.string("code_hash"), clientID: try row.string("client_id"), userID: try row.string("user_id"),
            grantID: try row.string("grant_id"), request: try row.json(AuthorizationRequest.self, "request"),
            authTime: try row.date("auth_time"), acr: try row.string("acr"), amr: try row.json([String].self, "amr"),
            issuedAt: try row.date("issued_at"), expiresAt: try row.date("expires_at"))
    }
}

extension GrantRecord: RowDecodable {
    /// A `grants` row (`v1_core`; `scope` and `authorization_details` as JSON).
    public init(row: some ColumnReader) throws {
        self.init(
            id: try row.string("id"), clientID: try row.string("client_id"), userID: try row.string("user_id"),
            scope: try row.json([String].self, "scope"),
            authorizationDetails: try row.optionalJSON(JSONValue.self, "authorization_details"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            expiresAt: try row.optionalDate("expires_at"), revokedAt: try row.optionalDate("revoked_at"))
    }
}

extension TokenRecord: RowDecodable {
    /// A `tokens` row (`v1_core`, with `auth_time` and `acr` from `v2_token_authentication`; `scope`,
    /// `authorization_details` and `confirmation` as JSON). Read on every bank API request.
    public init(row: some ColumnReader) throws {
        let kind = try row.rawValue(TokenKind.self, "kind")
        self.init(
            tokenHash: try row.string("token_hash"), kind: kind, tokenID: try row.string("token_id"),
            clientID: try row.string("client_id"), userID: try row.optionalString("user_id"),
            grantID: try row.optionalString("grant_id"), scope: try row.json([String].self, "scope"),
            authorizationDetails: try row.optionalJSON(JSONValue.self, "authorization_details"),
            confirmation: try row.json([String: String].self, "confirmation"),
            issuedAt: try row.date("issued_at"), expiresAt: try row.date("expires_at"),
            revokedAt: try row.optionalDate("revoked_at"), authTime: try row.optionalDate("auth_time"),
            acr: try row.optionalString("acr"))
    }
}

extension ServerKeyRecord: RowDecodable {
    /// A `server_keys` row (`v1_core`; `private_jwk` as a JSON object).
    public init(row: some ColumnReader) throws {
        let status = try row.rawValue(ServerKeyStatus.self, "status")
        self.init(
            kid: try row.string("kid"), algorithm: try row.string("algorithm"),
            privateJWK: try row.json([String: JSONValue].self, "private_jwk"), status: status,
            createdAt: try row.date("created_at"))
    }
}
