import AuthorizationServer
import Foundation
import GRDB

/// The SQLite backend's column mapping: the shared `StorageCoding`.
typealias SQLiteCoding = StorageCoding

extension Row {
    /// A column value, with decoding failures reported as `StorageError.corrupt`.
    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try decode(type, forColumn: column)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }

    /// The same for the types SQLite hands over directly (`String`, `Int64`, their optionals): GRDB's specialised
    /// `fastDecode`, without the generic `DatabaseValue` path and its run-time metadata look-ups (~2 % of a bank API
    /// request's server CPU, `perf`).
    @inline(__always)
    func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
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
