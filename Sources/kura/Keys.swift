import ArgumentParser
import Foundation

/// `kura keys`: the server's signing keys.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and rotate server signing keys.", subcommands: [List.self, Rotate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys (public information only).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (backend, server) = try await db.open(logger: .kura())
            for key in try await server.stores.keys.list() {
                print("\(key.kid)\t\(key.algorithm)\t\(key.status.rawValue)\tcreated \(ISO8601DateFormatter().string(from: key.createdAt))")
            }
            try await backend.shutdown()
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new active signing key; the previous one is retired but stays published in the JWKS.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (backend, server) = try await db.open(logger: .kura())
            let kid = try await server.keys.rotate()
            print("New active key: \(kid)")
            try await backend.shutdown()
        }
    }
}
