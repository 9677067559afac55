import ArgumentParser
import KuraServer

/// `kura migrate`: apply pending database migrations (safe to run from several nodes at once).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let backend = try Database.open(db.database, logger: .kura())
        let applied = try await backend.migrate()
        print(applied.isEmpty ? "Database is up to date." : "Applied: \(applied.joined(separator: ", "))")
        try await backend.shutdown()
    }
}
