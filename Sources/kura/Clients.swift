import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore

/// `kura clients`: register and manage partner clients.
struct Clients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Register and manage partner clients.",
                                                    subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client from RFC 7591 metadata (JSON), validated against the FAPI 2.0 profile.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "File with RFC 7591 client metadata (JSON). '-' reads standard input.")
        var file: String
        @Option(help: "client_id to assign (default: the file's client_id, else a random one).")
        var clientId: String?

        func run() async throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            guard var metadata = JSONValue.parseObject(data) else { throw ValidationError("\(file) is not a JSON object") }
            let (backend, server) = try await db.open(logger: .kura())
            defer { Task { try? await backend.shutdown() } }
            let id = clientId ?? metadata["client_id"]?.stringValue ?? Base64URL.encode(SystemRandom().bytes(16))
            metadata["client_id"] = nil
            let validator = ClientMetadataValidator(configuration: server.configuration)
            let validated: [String: JSONValue]
            do { validated = try validator.validate(metadata) } catch {
                throw ValidationError("invalid client metadata: \(error.errorDescription?.value ?? error.code.rawValue)")
            }
            let now = Date()
            try await server.stores.clients.insert(ClientRecord(clientID: id, metadata: validated, createdAt: now, updatedAt: now))
            print("Registered client \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered clients.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (backend, server) = try await db.open(logger: .kura())
            for record in try await server.stores.clients.list() {
                let name = record.metadata["client_name"]?.stringValue ?? ""
                let method = record.metadata["token_endpoint_auth_method"]?.stringValue ?? ""
                print("\(record.clientID)\t\(method)\t\(name)")
            }
            try await backend.shutdown()
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a client.")
        @OptionGroup var db: DatabaseOptions
        @Argument var clientId: String

        func run() async throws {
            let (backend, server) = try await db.open(logger: .kura())
            let removed = try await server.stores.clients.delete(clientID: clientId)
            // RFC 7592 §2.3: a removed client's tokens stop working at once.
            let revoked = removed ? try await server.stores.tokens.revokeAll(clientID: clientId, now: Date()) : 0
            try await backend.shutdown()
            guard removed else { throw ValidationError("no client \(clientId)") }
            print("Removed \(clientId); revoked \(revoked) of its tokens")
        }
    }
}
