import ArgumentParser
import AuthorizationServer
import BankCore
import Foundation
import Hummingbird
import Logging
import KuraServer
import OAuthCore

/// `kura demo`: the whole platform with no setup, and a partner flow to run against it.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Kura with a demo bank on https://localhost:8443, or run a partner flow against it.",
        subcommands: [Start.self, Flow.self], defaultSubcommand: Start.self)

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the demo bank (the default).")

        @Option(help: "Folder for the demo's database, TLS material and partner keys.")
        var dataDir: String = ProcessInfo.processInfo.environment["KURA_DEMO_DIR"] ?? "./.kura"

        @Option(help: "HTTPS port.")
        var port: Int = 8443

        func run() async throws {
            let logger = Logger.kura()
            let demo = DemoEnvironment(directory: URL(fileURLWithPath: dataDir).standardizedFileURL)
            try demo.prepareTLS()
            let issuer = port == 443 ? "https://localhost" : "https://localhost:\(port)"
            let registrationToken = try demo.registrationToken()
            var serverConfiguration = ServerConfiguration(issuer: issuer)
            serverConfiguration.registration = try RegistrationConfiguration(initialAccessTokens: [registrationToken])
            serverConfiguration.mutualTLS = try demo.mutualTLSConfiguration()
            let configuration = KuraConfiguration(
                host: "127.0.0.1", port: port, tlsCertificateFile: demo.certificateFile, tlsPrivateKeyFile: demo.privateKeyFile,
                database: demo.databaseURL, server: serverConfiguration)
            try configuration.validate()
            let backend = try Database.open(configuration.database, logger: logger)
            try await backend.migrate()
            // The whole platform: the authorization server with the bank's RAR policy, and the bank API under /api.
            let platform = try KuraPlatform(backend: backend, configuration: configuration.server,
                                            fetchClientJWKS: JWKSFetcher.make(), logger: logger)
            try await platform.prepare()
            let server = platform.server
            let credentials = try await demo.seed(server: server)
            let bank = try await DemoBank().seed(store: platform.bankAPI.store, users: server.stores.users,
                                                 passwordHasher: server.passwordHasher, now: server.clock.now())
            try demo.writeRegistrationExample()
            try await demo.seedMutualTLSClient(server: server)
            let app = try KuraApplication.make(
                configuration: configuration, platform: platform, logger: logger,
                services: [StorageMaintenance(backend: backend, logger: logger)]) { port in
                // Written unbuffered: the banner must show even when stdout is a pipe or a file.
                FileHandle.standardOutput.write(Data((Self.banner(issuer: issuer, demo: demo, credentials: credentials, registrationToken: registrationToken, bank: bank) + "\n").utf8))
            }
            do {
                try await KuraApplication.onEventLoops { try await app.runService() }
            } catch is CancellationError {
                // SIGTERM/SIGINT: a graceful shutdown, not an error.
            }
            try await backend.shutdown()
        }

        static func banner(issuer: String, demo: DemoEnvironment, credentials: DemoCredentials, registrationToken: String,
                           bank: DemoBankSummary? = nil) -> String {
            """

            Kura demo bank is running at \(issuer)
              Discovery:        \(issuer)/.well-known/openid-configuration
              Development CA:   \(demo.caFile)
                                (trust it: curl --cacert \(demo.caFile) \(issuer)/.well-known/openid-configuration)
              Database:         \(demo.databaseURL)

            Demo customer
              username:         \(credentials.username)
              password:         \(credentials.password)
              TOTP secret:      \(credentials.totpSecretBase32)
              authenticator:    \(credentials.otpauthURI)
            \(Self.bankLines(bank, database: demo.databaseURL))

            Demo partner client
              client_id:        \(DemoEnvironment.clientID)  (private_key_jwt + DPoP, ES256)
              keys and config:  \(demo.clientFile.path)

            Demo mutual-TLS partner client (RFC 8705)
              client_id:        \(DemoEnvironment.mutualTLSClientID)  (tls_client_auth, certificate-bound tokens)
              subject DN:       \(DemoEnvironment.mutualTLSSubjectDN)  (issued by the development CA)
              certificate:      \(demo.mutualTLSCertificateFile.path)
              private key:      \(demo.mutualTLSPrivateKeyFile.path)
              config:           \(demo.mutualTLSClientFile.path)

            Dynamic client registration (RFC 7591 / RFC 7592)
              endpoint:         \(issuer)\(OAuthServer.Path.registration)
              initial token:    \(registrationToken)
              try it:           curl --cacert \(demo.caFile) -H 'Authorization: Bearer \(registrationToken)' \\
                                  -H 'Content-Type: application/json' --data @\(demo.registrationExampleFile.path) \(issuer)\(OAuthServer.Path.registration)
                                (the answer's registration_access_token reads, updates and deletes it at registration_client_uri)

            Next: in another terminal run `swift run kura demo flow` to run a complete FAPI 2.0 flow
            (PAR → login → consent → token) with KuraClient and print the decoded tokens;
            `swift run kura demo flow --mtls` plays the mutual-TLS partner.
            Stop with Ctrl-C.
            """
        }
    }
}
