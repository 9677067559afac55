import Foundation

/// A record's fields read by column name: one row of a database table. Each storage backend adapts its row type to
/// it (`SQLiteRowReader`, `PostgresRowReader`), so every record is mapped from a row once, for all backends: the
/// authorization server's tables in `AuthorizationServer/Storage/StorageRowDecoding.swift`, the bank's in
/// `BankCore/BankRowDecoding.swift`.
///
/// Every method throws (the storage layer's `corrupt` error, naming the column) when the column is missing, NULL where a
/// value is required, or holds another type.
public protocol ColumnReader {
    /// A `TEXT` column that must not be NULL.
    func string(_ column: String) throws -> String
    /// A nullable `TEXT` column.
    func optionalString(_ column: String) throws -> String?
    /// An integer column that must not be NULL.
    func int64(_ column: String) throws -> Int64
    /// A nullable integer column.
    func optionalInt64(_ column: String) throws -> Int64?
    /// A `BLOB` / `bytea` column that must not be NULL.
    func data(_ column: String) throws -> Data
}

/// A value stored as one row of a table, mapped from that row in one place for every backend.
public protocol RowDecodable {
    /// The value `row` holds.
    /// - Throws: the storage layer's `corrupt` error when a column is missing, NULL where a value is required, of
    ///   another type, not the JSON the value needs, or an enum raw value Kura does not know.
    init(row: some ColumnReader) throws
}
