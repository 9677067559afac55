import AuthorizationServer
import BankCore
import Foundation
import GRDB
import OAuthCore

/// A GRDB row read by column name: the SQLite side of the row mappings both backends share (`ColumnReader`, for the
/// authorization server's tables and the bank's).
///
/// `String`, `Int64`, `Data` and their optionals decode through `Row.value`'s `StatementColumnConvertible` overload,
/// so a row of a live cursor reads its columns straight from the statement (GRDB `fastDecode`).
struct SQLiteRowReader: ColumnReader {
    let row: Row
    /// Column positions of the statement, computed once for all rows of a page (GRDB's by-name lookup is a search).
    let positions: [String: Int]?

    init(_ row: Row, positions: [String: Int]? = nil) {
        self.row = row
        self.positions = positions
    }

    /// The name → position map of `row`'s columns, to share between the rows of one result.
    static func positions(of row: Row) -> [String: Int] {
        Dictionary(row.columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func string(_ column: String) throws -> String { try value(column) }
    func optionalString(_ column: String) throws -> String? { try value(column) }
    func int64(_ column: String) throws -> Int64 { try value(column) }
    func optionalInt64(_ column: String) throws -> Int64? { try value(column) }
    func data(_ column: String) throws -> Data { try value(column) }

    private func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) throws -> T {
        guard let index = positions?[column] else { return try row.value(column) }
        do {
            return try row.decode(T.self, atIndex: index)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }
}

extension RowDecodable {
    /// The record in a GRDB row, through its one mapping (`init(row:)`).
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteRowReader(row)) }
}
