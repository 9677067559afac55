import AuthorizationServer
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL backend's column mapping: the shared `StorageCoding`.
typealias PostgresCoding = StorageCoding

extension PostgresRandomAccessRow {
    /// A column value, with a missing column or a decoding failure reported as `StorageError.corrupt`.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard contains(column) else { throw StorageError.corrupt("missing column \(column)") }
        do {
            return try self[column].decode(type)
        } catch {
            throw StorageError.corrupt("\(column): \(error)")
        }
    }
}

/// The client and logger every PostgreSQL store uses, with the few query shapes they need.
struct PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Runs `query` and returns all rows it produced.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs `query` and returns its first row, if any.
    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    /// Runs an INSERT, turning a unique violation (SQLSTATE 23505) into `StorageError.duplicate(what)`.
    func insert(_ query: PostgresQuery, duplicate what: @autoclosure () -> String) async throws {
        do {
            _ = try await rows(query)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StorageError.duplicate(what())
        }
    }
}
