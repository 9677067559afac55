import AuthorizationServer
import Foundation
import Logging
import PostgresNIO

/// How the PostgreSQL backend maps record fields to columns: the same representation as the SQLite
/// backend, so both behave identically.
///
/// * Instants are `bigint` milliseconds since the Unix epoch, truncated towards the past. A record is
///   live while `expires_at > now`: at the instant `expiresAt` it is already expired.
/// * JSON members are `text` written by a `JSONEncoder` with sorted keys. Not `jsonb`: `jsonb` rewrites
///   the text (key order, number spelling) and rejects `\u0000`, and Kura never queries inside them.
enum PostgresCoding {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `millis(_:)` for an optional instant.
    static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    /// The instant `millis` milliseconds after the epoch.
    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// `date(_:)` for an optional column.
    static func date(_ millis: Int64?) -> Date? {
        millis.map { date($0) }
    }

    /// Stable JSON text for `value`.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Stable JSON text for an optional value; `nil` stays SQL `NULL`.
    static func json(_ value: (some Encodable)?) throws -> String? {
        try value.map { try json($0) }
    }

    /// Decodes a JSON column.
    /// - Throws: `StorageError.corrupt` naming the column when the text does not decode.
    static func decode<T: Decodable>(_ type: T.Type, json text: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }

    /// Decodes an optional JSON column.
    static func decode<T: Decodable>(_ type: T.Type, json text: String?, column: String) throws -> T? {
        try text.map { try decode(type, json: $0, column: column) }
    }
}

extension PostgresRandomAccessRow {
    /// A column value, with a missing column or a decoding failure reported as `StorageError.corrupt`.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard contains(column) else { throw StorageError.corrupt("missing column \(column)") }
        do {
            return try self[column].decode(type)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }
}

/// The client and logger every PostgreSQL store uses, with the few query shapes they need.
struct PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Runs `query` and returns all rows it produced.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs `query` and returns its first row, if any.
    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// Runs an INSERT, turning a unique violation (SQLSTATE 23505) into `StorageError.duplicate(what)`.
    func insert(_ query: PostgresQuery, duplicate what: @autoclosure () -> String) async throws {
        do {
            _ = try await rows(query)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StorageError.duplicate(what())
        }
    }
}
