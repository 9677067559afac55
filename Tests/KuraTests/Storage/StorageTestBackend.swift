import AuthorizationServer
import Foundation
import Logging
import StoragePostgres
import StorageSQLite
import Testing

/// What the storage tests read from the environment.
enum StorageTestEnvironment {
    /// `KURA_TEST_POSTGRES_URL`, e.g. `postgres://kura:kura@127.0.0.1:55432/kura` from
    /// `scripts/postgres-test-server.sh start`. Its role needs CREATEDB: every test gets its own database.
    static let postgresURL: String? = {
        let value = ProcessInfo.processInfo.environment["KURA_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`). In CI the PostgreSQL
    /// cases are mandatory: without a URL they fail instead of being skipped.
    static let isCI: Bool = {
        let value = (ProcessInfo.processInfo.environment["CI"] ?? "").lowercased()
        return !["", "0", "false"].contains(value)
    }()
}

/// A storage backend under test. Every test case gets a fresh, private database.
enum StorageTestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `SQLiteBackend(path:)` on a new file in a temporary directory (DatabasePool, WAL).
    case sqliteFile
    /// `SQLiteBackend.inMemory()` (DatabaseQueue).
    case sqliteMemory
    /// `PostgresBackend` on a new database created for the test on `KURA_TEST_POSTGRES_URL`'s server.
    case postgres

    /// The backends this run covers. PostgreSQL is included when `KURA_TEST_POSTGRES_URL` is set, and
    /// always in CI, where a missing URL then makes every PostgreSQL case fail. Locally without a URL it
    /// is left out, and `StorageConformanceTests.postgresConfigured` is reported as skipped instead.
    static let underTest: [StorageTestBackend] = allCases.filter {
        $0 != .postgres || StorageTestEnvironment.postgresURL != nil || StorageTestEnvironment.isCI
    }

    var testDescription: String { rawValue }

    /// Creates a fresh database for one test, migrated unless `migrated` is false.
    func makeDatabase(migrated: Bool = true) async throws -> StorageTestDatabase {
        let database: StorageTestDatabase
        switch self {
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("kura-storage-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("kura.sqlite").path
            database = StorageTestDatabase(
                backend: try SQLiteBackend(path: path),
                openAnother: { try SQLiteBackend(path: path) },
                dispose: { try? FileManager.default.removeItem(at: directory) })
        case .sqliteMemory:
            database = StorageTestDatabase(backend: try SQLiteBackend.inMemory(), openAnother: nil, dispose: {})
        case .postgres:
            guard let url = StorageTestEnvironment.postgresURL else {
                throw StorageTestSetupError(
                    "CI is set but KURA_TEST_POSTGRES_URL is not: the PostgreSQL backend must be tested in CI "
                        + "(start one with scripts/postgres-test-server.sh start)")
            }
            let postgres = try await PostgresTestDatabase.create(serverURL: url)
            database = StorageTestDatabase(
                backend: postgres.makeBackend(),
                openAnother: { postgres.makeBackend() },
                dispose: { try await postgres.drop() })
        }
        if migrated {
            do {
                try await database.backend.migrate()
            } catch {
                try? await database.tearDown()
                throw error
            }
        }
        return database
    }

    /// Runs `body` against a fresh database and tears it down afterwards, also when `body` throws.
    func run(migrated: Bool = true, _ body: (StorageTestDatabase) async throws -> Void) async throws {
        let database = try await makeDatabase(migrated: migrated)
        do {
            try await body(database)
        } catch {
            try? await database.tearDown()
            throw error
        }
        try await database.tearDown()
    }

    /// `run(_:)` for tests that only need the stores.
    func withStores(_ body: (Stores) async throws -> Void) async throws {
        try await run { try await body($0.backend.stores) }
    }
}

/// One test's private database.
struct StorageTestDatabase: Sendable {
    /// The backend the test uses, migrated by default.
    let backend: any StorageBackend
    /// Opens a second backend on the same database (another "node"); nil for a private in-memory one.
    /// The caller shuts it down.
    let openAnother: (@Sendable () throws -> any StorageBackend)?
    let dispose: @Sendable () async throws -> Void

    /// Shuts the backend down and deletes the database.
    func tearDown() async throws {
        try await backend.shutdown()
        try await dispose()
    }
}

/// The test environment is not set up as the run requires.
struct StorageTestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Expects `body` to throw `StorageError.duplicate` (whatever its description).
func expectDuplicate(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async {
    await expectStorageError("duplicate", body, sourceLocation: sourceLocation) {
        if case .duplicate = $0 { true } else { false }
    }
}

/// Expects `body` to throw `StorageError.notFound` (whatever its description).
func expectNotFound(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async {
    await expectStorageError("notFound", body, sourceLocation: sourceLocation) {
        if case .notFound = $0 { true } else { false }
    }
}

private func expectStorageError(
    _ name: String, _ body: () async throws -> Void, sourceLocation: SourceLocation,
    matching: (StorageError) -> Bool
) async {
    do {
        try await body()
        Issue.record("expected StorageError.\(name), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StorageError where matching(error) {
        return
    } catch {
        Issue.record("expected StorageError.\(name), got \(error)", sourceLocation: sourceLocation)
    }
}
