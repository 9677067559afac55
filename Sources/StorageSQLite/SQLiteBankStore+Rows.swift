import AuthorizationServer
import BankCore
import Foundation
import GRDB
import OAuthCore

/// Decoding of the bank tables' rows (`v3_bank`): GRDB rows read through `BankColumnReader`, so the mapping to
/// the value types is the one in BankCore that the PostgreSQL backend uses too.
struct SQLiteBankRow: BankColumnReader {
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

    private func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) throws -> T {
        guard let index = positions?[column] else { return try row.value(column) }
        do {
            return try row.decode(T.self, atIndex: index)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }
}

extension AccountBalance {
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteBankRow(row)) }
}

extension LedgerEntry {
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteBankRow(row)) }
}

extension Transfer {
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteBankRow(row)) }
}

extension Payee {
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteBankRow(row)) }
}

extension VerifiedIdentity {
    init(sqliteRow row: Row) throws { try self.init(row: SQLiteBankRow(row)) }
}

/// Runs `body`, turning the constraint violations a caller can cause into `BankStoreError`: a primary-key or unique
/// violation into `.duplicate(duplicate)`, a foreign-key violation (unknown customer) into `.notFound(missing)`.
func mappingBankConstraints<T>(
    duplicate: @autoclosure () -> String, missing: @autoclosure () -> String = "", _ body: () throws -> T
) throws -> T {
    do {
        return try body()
    } catch let error as DatabaseError {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_UNIQUE: throw BankStoreError.duplicate(duplicate())
        case .SQLITE_CONSTRAINT_FOREIGNKEY: throw BankStoreError.notFound(missing())
        default: throw error
        }
    }
}
