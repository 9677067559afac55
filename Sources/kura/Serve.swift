import ArgumentParser
import AuthorizationServer
import BankAPI
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

    @Option(help: ArgumentHelp("What this node serves: all, authorization-server, or resource-server (the bank API alone, on the same database) (env KURA_ROLE).", valueName: "role"))
    var role: String = ProcessInfo.processInfo.environment["KURA_ROLE"] ?? "all"

    @Option(help: "Public origin of the bank API (https://host[:port]) as partners call it; default: the issuer's origin (env KURA_API_ORIGIN).")
    var apiOrigin: String? = ProcessInfo.processInfo.environment["KURA_API_ORIGIN"]

    @Flag(name: .customLong("require-signed-api-requests"),
          help: "Demand an RFC 9421 request signature from every client of the bank API, not only from clients registered with require_http_message_signatures (env KURA_REQUIRE_SIGNED_API_REQUESTS=true).")
    var requireSignedRequests = ProcessInfo.processInfo.environment["KURA_REQUIRE_SIGNED_API_REQUESTS"] == "true"

    func run() async throws {
        let logger = Logger.kura()
        guard let role = KuraRole(rawValue: role) else {
            throw ValidationError("--role must be one of \(KuraRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
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
        let backend = try Database.open(configuration.database, logger: logger)
        try await backend.migrate()
        let bank = BankAPIConfiguration(
            origin: apiOrigin ?? KuraPlatform.origin(of: configuration.server.issuer), requireSignedRequestsFromAllClients: requireSignedRequests)
        let platform = try KuraPlatform(backend: backend, configuration: configuration.server, bank: bank,
                                        fetchClientJWKS: JWKSFetcher.make(), logger: logger)
        try await platform.prepare()
        let app = try KuraApplication.make(
            configuration: configuration, platform: platform, role: role, logger: logger,
            services: [StorageMaintenance(backend: backend, logger: logger)]) { port in
            logger.info("Kura (\(role.rawValue)) is serving \(configuration.server.issuer) on port \(port); bank API at \(bank.baseURL)")
        }
        do {
            try await KuraApplication.onEventLoops { try await app.runService() }
        } catch is CancellationError {
            // SIGTERM/SIGINT: a graceful shutdown, not an error.
        } catch {
            try? await backend.shutdown()
            throw error
        }
        try await backend.shutdown()
    }
}
