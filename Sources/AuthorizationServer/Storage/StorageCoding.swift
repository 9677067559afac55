import Foundation
import OAuthCore

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
        // The columns read on every request (a token's scope, `cnf` and details) go through the one-pass parser;
        // anything else, and anything it cannot map, through `JSONDecoder`, which then also reports the error.
        if let value = try? JSONValue.parse(text.utf8, rejectDuplicateNames: false, maximumDepth: JSONValue.foundationMaximumDepth),
           let mapped = mapped(value, to: type) {
            return mapped
        }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }

    /// `value` as one of the column types Kura stores as JSON, exactly as `JSONDecoder` would decode it; nil otherwise.
    static func mapped<T>(_ value: JSONValue, to type: T.Type) -> T? {
        if T.self == JSONValue.self { return value as? T }
        if T.self == [String: JSONValue].self { return value.objectValue as? T }
        if T.self == [String].self {
            guard let array = value.arrayValue else { return nil }
            let strings = array.compactMap(\.stringValue)
            return strings.count == array.count ? strings as? T : nil
        }
        if T.self == [String: String].self {
            guard let object = value.objectValue else { return nil }
            let strings = object.compactMapValues(\.stringValue)
            return strings.count == object.count ? strings as? T : nil
        }
        return nil
    }

    /// Decodes an optional JSON column.
    public static func decode<T: Decodable>(_ type: T.Type, json text: String?, column: String) throws -> T? {
        try text.map { try decode(type, json: $0, column: column) }
    }
}
