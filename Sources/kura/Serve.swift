import ArgumentParser
import AuthorizationServer
import Foundation
import Hummingbird
import Logging
import KuraServer

/// `kura serve`: one stateless Kura node (state lives in the database, so any number can run behind a load balancer).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Kura over HTTPS.")

    @OptionGroup var db: DatabaseOptions
    @OptionGroup var mutualTLS: MutualTLSOptions
    @OptionGroup var nonceAndSigning: NonceAndSigningOptions

    @Option(help: "Address to listen on (env KURA_HOST).")
    var host: String = ProcessInfo.processInfo.environment["KURA_HOST"] ?? "0.0.0.0"

    @Option(help: "Port to listen on (env KURA_PORT).")
    var port: Int = Int(ProcessInfo.processInfo.environment["KURA_PORT"] ?? "") ?? 8443

    @Option(help: "PEM file with the server certificate chain (env KURA_TLS_CERT).")
    var tlsCert: String = ProcessInfo.processInfo.environment["KURA_TLS_CERT"] ?? ""

    @Option(help: "PEM file with the server private key (env KURA_TLS_KEY).")
    var tlsKey: String = ProcessInfo.processInfo.environment["KURA_TLS_KEY"] ?? ""

    @Option(help: ArgumentHelp("Initial access tokens for dynamic client registration (RFC 7591), comma-separated; none: registration off (env KURA_REGISTRATION_TOKENS, preferred: flags show in ps).", valueName: "tokens"))
    var registrationToken: String = ProcessInfo.processInfo.environment["KURA_REGISTRATION_TOKENS"] ?? ""

    func run() async throws {
        let logger = Logger.kura()
        var serverConfiguration = try db.serverConfiguration()
        do {
            serverConfiguration.registration = try RegistrationConfiguration(
                initialAccessTokens: RegistrationConfiguration.tokens(commaSeparated: registrationToken))
        } catch { throw ValidationError("--registration-token: \(error)") }
        serverConfiguration.mutualTLS = try mutualTLS.configuration()
        try nonceAndSigning.apply(to: &serverConfiguration)
        let configuration = KuraConfiguration(host: host, port: port, tlsCertificateFile: tlsCert, tlsPrivateKeyFile: tlsKey,
                                              database: db.database, server: serverConfiguration)
        try configuration.validate()
        let (backend, server) = try await db.open(logger: logger, configuration: configuration.server)
        try await server.keys.prepare()
        let app = try KuraApplication.make(
            configuration: configuration, server: server, logger: logger,
            services: [StorageMaintenance(backend: backend, logger: logger)]) { port in
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
