import BankCore
import Foundation
import GRDB

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
