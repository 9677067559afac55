import BankCore
import Foundation
import Logging
import PostgresNIO

extension PostgresDatabase {
    /// Runs `body` in one transaction on one pooled connection. An error `body` throws rolls the transaction back and
    /// is rethrown as it was (not wrapped in `PostgresTransactionError`).
    func bankTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// Runs one statement on a connection in a transaction and returns its rows.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs a write, turning the constraint violations a caller can cause into `BankStoreError`: a unique violation
    /// (SQLSTATE 23505) into `.duplicate(duplicate)`, a foreign-key violation (23503, unknown customer) into
    /// `.notFound(missing)`.
    func bankWrite(_ query: PostgresQuery, on connection: PostgresConnection? = nil,
                   duplicate: @autoclosure () -> String, missing: @autoclosure () -> String = "") async throws {
        do {
            if let connection { _ = try await rows(query, on: connection) } else { _ = try await rows(query) }
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505": throw BankStoreError.duplicate(duplicate())
            case "23503": throw BankStoreError.notFound(missing())
            default: throw error
            }
        }
    }
}
