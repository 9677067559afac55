import AuthorizationServer
import Foundation
import GRDB

/// How the SQLite backend maps record fields to columns.
///
/// * Instants are `INTEGER` milliseconds since the Unix epoch, truncated towards the past. A record is live
///   while `expires_at > now`: at the instant `expiresAt` it is already expired.
/// * JSON members (requests, metadata, JWKs, authorization details, string lists) are `TEXT` written by a
///   `JSONEncoder` with sorted keys, so equal values are stored as equal text.
enum SQLiteCoding {
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

extension Row {
    /// A column value, with decoding failures reported as `StorageError.corrupt`.
    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try decode(type, forColumn: column)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }
}

/// Runs `body`, turning a primary-key or unique-constraint violation into `StorageError.duplicate(what)`.
func mappingDuplicate<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DatabaseError
        where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
    {
        throw StorageError.duplicate(what())
    }
}
