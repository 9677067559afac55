import AuthorizationServer
import BankCore
import Foundation
import OAuthCore
import PostgresNIO

/// A PostgreSQL row read by column name: the PostgreSQL side of the row mappings both backends share
/// (`ColumnReader`, for the authorization server's tables and the bank's). A missing column
/// or a decoding failure is `StorageError.corrupt` (`PostgresRandomAccessRow.value`).
struct PostgresRowReader: ColumnReader {
    let row: PostgresRandomAccessRow
    init(_ row: PostgresRandomAccessRow) { self.row = row }
    func string(_ column: String) throws -> String { try row.value(column) }
    func optionalString(_ column: String) throws -> String? { try row.value(column, as: String?.self) }
    func int64(_ column: String) throws -> Int64 { try row.value(column) }
    func optionalInt64(_ column: String) throws -> Int64? { try row.value(column, as: Int64?.self) }
    func data(_ column: String) throws -> Data { try row.value(column) }
}

extension RowDecodable {
    /// The record in a PostgreSQL row, through its one mapping (`init(row:)`).
    init(postgresRow row: PostgresRandomAccessRow) throws { try self.init(row: PostgresRowReader(row)) }
}
