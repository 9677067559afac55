import ArgumentParser
import Foundation
import Hummingbird
import Logging
import KuraServer

/// `kura serve`: one stateless Kura node (state lives in the database, so any number can run behind a load balancer).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Kura over HTTPS.")

    @OptionGroup var db: DatabaseOptions

    @Option(help: "Address to listen on (env KURA_HOST).")
    var host: String = ProcessInfo.processInfo.environment["KURA_HOST"] ?? "0.0.0.0"

    @Option(help: "Port to listen on (env KURA_PORT).")
    var port: Int = Int(ProcessInfo.processInfo.environment["KURA_PORT"] ?? "") ?? 8443

    @Option(help: "PEM file with the server certificate chain (env KURA_TLS_CERT).")
    var tlsCert: String = ProcessInfo.processInfo.environment["KURA_TLS_CERT"] ?? ""

    @Option(help: "PEM file with the server private key (env KURA_TLS_KEY).")
    var tlsKey: String = ProcessInfo.processInfo.environment["KURA_TLS_KEY"] ?? ""

    func run() async throws {
        let logger = Logger.kura()
        let configuration = KuraConfiguration(host: host, port: port, tlsCertificateFile: tlsCert, tlsPrivateKeyFile: tlsKey,
                                              database: db.database, server: try db.serverConfiguration())
        try configuration.validate()
        let (backend, server) = try await db.open(logger: logger)
        try await server.keys.prepare()
        let app = try KuraApplication.make(configuration: configuration, server: server, logger: logger) { port in
            logger.info("Kura is serving \(configuration.server.issuer) on port \(port)")
        }
        do {
            try await app.runService()
        } catch {
            try? await backend.shutdown()
            throw error
        }
        try await backend.shutdown()
    }
}
