import ArgumentParser
import AuthorizationServer
import Foundation
import KuraServer
import Logging
import OAuthJOSE

/// Options every command that opens the database shares. Each falls back to a `KURA_*` environment variable.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH, sqlite::memory: or postgres://user:pass@host:port/db (env KURA_DATABASE).")
    var database: String = ProcessInfo.processInfo.environment["KURA_DATABASE"] ?? "sqlite:./data/kura.sqlite"

    @Option(name: .long, help: "Issuer identifier, an https URL (env KURA_ISSUER).")
    var issuer: String = ProcessInfo.processInfo.environment["KURA_ISSUER"] ?? "https://localhost:8443"

    @Option(name: .long, help: "Server signing algorithm: ES256, PS256 or EdDSA (env KURA_SIGNING_ALG).")
    var signingAlg: String = ProcessInfo.processInfo.environment["KURA_SIGNING_ALG"] ?? "ES256"

    func serverConfiguration() throws -> ServerConfiguration {
        guard let alg = JWSAlgorithm(rawValue: signingAlg) else {
            throw ValidationError("--signing-alg must be ES256, PS256 or EdDSA")
        }
        return ServerConfiguration(issuer: issuer, signingAlgorithm: alg)
    }

    /// Opens and migrates the database, and builds the server around it (with `configuration`, by default the
    /// one these options describe).
    func open(logger: Logger, configuration: ServerConfiguration? = nil) async throws -> (any StorageBackend, OAuthServer) {
        let backend = try Database.open(database, logger: logger)
        try await backend.migrate()
        return (backend, OAuthServer(configuration: try configuration ?? serverConfiguration(), stores: backend.stores,
                                      fetchClientJWKS: JWKSFetcher.make(), logger: logger))
    }
}

extension Logger {
    static func kura(_ label: String = "kura") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["KURA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}
