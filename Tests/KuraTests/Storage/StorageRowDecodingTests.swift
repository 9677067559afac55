import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// The one row mapping per record (`StorageRowDecoding.swift`) that both backends use, fed a row built by hand: the
/// cases the schemas' `CHECK` constraints keep the conformance suite from storing (an unknown `kind` or `status`).
@Suite("Storage row mapping: unknown enum values, NULL in required columns and bad JSON are corrupt data")
struct StorageRowDecodingTests {
    /// A row as column name → value; a column that is absent reads as SQL NULL.
    struct HandBuiltRow: ColumnReader {
        var text: [String: String] = [:]
        var integers: [String: Int64] = [:]
        var bytes: [String: Data] = [:]

        func string(_ column: String) throws -> String {
            guard let value = text[column] else { throw StorageError.corrupt("\(column): NULL") }
            return value
        }
        func optionalString(_ column: String) throws -> String? { text[column] }
        func int64(_ column: String) throws -> Int64 {
            guard let value = integers[column] else { throw StorageError.corrupt("\(column): NULL") }
            return value
        }
        func optionalInt64(_ column: String) throws -> Int64? { integers[column] }
        func data(_ column: String) throws -> Data {
            guard let value = bytes[column] else { throw StorageError.corrupt("\(column): NULL") }
            return value
        }
    }

    /// A `tokens` row for a client_credentials access token: every nullable column NULL.
    static let tokenRow = HandBuiltRow(
        text: ["token_hash": "hash", "kind": "access_token", "token_id": "jti", "client_id": "client-1",
               "scope": #"["accounts"]"#, "confirmation": #"{"jkt":"thumbprint"}"#],
        integers: ["issued_at": 1_000, "expires_at": 301_000])

    static let keyRow = HandBuiltRow(
        text: ["kid": "k1", "algorithm": "ES256", "private_jwk": #"{"kty":"EC"}"#, "status": "active"],
        integers: ["created_at": 1_500])

    @Test("a tokens row maps every column, NULL optional columns to nil")
    func tokenRow() throws {
        let token = try TokenRecord(row: Self.tokenRow)
        #expect(token == TokenRecord(
            tokenHash: "hash", kind: .accessToken, tokenID: "jti", clientID: "client-1", userID: nil, grantID: nil,
            scope: ["accounts"], authorizationDetails: nil, confirmation: ["jkt": "thumbprint"],
            issuedAt: Date(timeIntervalSince1970: 1), expiresAt: Date(timeIntervalSince1970: 301)))
        #expect(try ServerKeyRecord(row: Self.keyRow).status == .active)
    }

    @Test("an unknown token kind or key status is StorageError.corrupt naming the column and the value")
    func unknownEnumValues() {
        var token = Self.tokenRow
        token.text["kind"] = "id_token"
        #expect(throws: StorageError.corrupt("kind: id_token")) { try TokenRecord(row: token) }
        var key = Self.keyRow
        key.text["status"] = "current"
        #expect(throws: StorageError.corrupt("status: current")) { try ServerKeyRecord(row: key) }
    }

    @Test("NULL in a required column and a JSON column that does not decode are StorageError.corrupt")
    func requiredColumnsAndJSON() {
        var token = Self.tokenRow
        token.integers["expires_at"] = nil
        #expect(throws: StorageError.corrupt("expires_at: NULL")) { try TokenRecord(row: token) }
        token = Self.tokenRow
        token.text["scope"] = #"{"accounts":true}"#
        #expect { try TokenRecord(row: token) } throws: { error in
            guard case StorageError.corrupt(let detail) = error else { return false }
            return detail.hasPrefix("scope: ")
        }
        let user = HandBuiltRow(
            text: ["id": "user-1", "username": "alice", "password_hash": "hash", "display_name": "Alice"],
            integers: ["created_at": 0, "failed_logins": 0, "last_totp_step": 0])
        #expect(throws: StorageError.corrupt("totp_secret: NULL")) { try UserRecord(row: user) }
    }
}
