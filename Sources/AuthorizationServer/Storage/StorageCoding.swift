import Foundation

/// How both storage backends map record fields to columns, so SQLite and PostgreSQL behave identically.
///
/// * Instants are integer milliseconds since the Unix epoch, truncated towards the past. A record is live while
///   `expires_at > now`: at the instant `expiresAt` it is already expired.
/// * JSON members (requests, metadata, JWKs, authorization details, string lists) are text written by a
///   `JSONEncoder` with sorted keys, so equal values are stored as equal text. (PostgreSQL: not `jsonb`, which
///   rewrites the text and rejects `\u0000`; Kura never queries inside them.)
public enum StorageCoding {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `millis(_:)` for an optional instant.
    public static func millis(_ date: Date?) -> Int64? {
        date.map { millis($0) }
    }

    /// The instant `millis` milliseconds after the epoch.
    public static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// `date(_:)` for an optional column.
    public static func date(_ millis: Int64?) -> Date? {
        millis.map { date($0) }
    }

    /// Stable JSON text for `value`.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Stable JSON text for an optional value; `nil` stays SQL `NULL`.
    public static func json(_ value: (some Encodable)?) throws -> String? {
        try value.map { try json($0) }
    }

    /// Decodes a JSON column.
    /// - Throws: `StorageError.corrupt` naming the column when the text does not decode.
    public static func decode<T: Decodable>(_ type: T.Type, json text: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }

    /// Decodes an optional JSON column.
    public static func decode<T: Decodable>(_ type: T.Type, json text: String?, column: String) throws -> T? {
        try text.map { try decode(type, json: $0, column: column) }
    }
}
