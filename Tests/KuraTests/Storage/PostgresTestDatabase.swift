import Foundation
import Logging
import PostgresNIO
import StoragePostgres

/// A database of its own for one PostgreSQL test, created on the server `KURA_TEST_POSTGRES_URL` names.
///
/// A database per test (rather than a schema) isolates everything a backend touches, including
/// `kura_migrations` and advisory locks, and makes the test's teardown a single `DROP DATABASE … WITH
/// (FORCE)`. Creating one from `template1` takes a few milliseconds on the test server.
struct PostgresTestDatabase: Sendable {
    let name: String
    let configuration: PostgresClient.Configuration
    let admin: PostgresClient.Configuration

    /// Warnings and errors only: postgres-nio reports connection attempts cut short by a test's teardown
    /// at `info`.
    static let logger: Logger = {
        var logger = Logger(label: "kura.storage-tests.postgres")
        logger.logLevel = .warning
        return logger
    }()

    /// Creates an empty database named `kura_test_<random>` with the URL's credentials.
    static func create(serverURL: String) async throws -> PostgresTestDatabase {
        let admin = try PostgresBackend.parseURL(serverURL)
        let name = "kura_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        // The name is ours (hex only), so building the statement from it is safe: DDL takes no bind parameters.
        try await withAdmin(admin) { try await $0.query(PostgresQuery(unsafeSQL: #"CREATE DATABASE "\#(name)""#)) }
        var configuration = admin
        configuration.database = name
        // Up to 10 connections per test: enough for real contention in the concurrency tests while many
        // tests run in parallel against one server.
        configuration.options.maximumConnections = 10
        return PostgresTestDatabase(name: name, configuration: configuration, admin: admin)
    }

    /// A backend on this database (each call is a separate connection pool, like another Kura node).
    func makeBackend() -> PostgresBackend {
        PostgresBackend(configuration: configuration, logger: Self.logger)
    }

    /// Drops the database, closing any connection left to it.
    func drop() async throws {
        let name = self.name
        try await Self.withAdmin(admin) {
            try await $0.query(PostgresQuery(unsafeSQL: #"DROP DATABASE IF EXISTS "\#(name)" WITH (FORCE)"#))
        }
    }

    /// Runs `body` with a short-lived client on the URL's own database.
    private static func withAdmin(
        _ configuration: PostgresClient.Configuration, _ body: @Sendable (PostgresClient) async throws -> Void
    ) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
