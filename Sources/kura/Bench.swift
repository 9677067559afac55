import ArgumentParser
import AsyncHTTPClient
import AuthorizationServer
import Foundation
import KuraServer
import Logging
import NIOCore
import OAuthCore
import OAuthJOSE

/// `kura bench`: throughput and latency of a real `kura serve` child over HTTPS on 127.0.0.1, SQLite on disk.
///
/// Performance is measured here, never asserted in timed tests. Every loop is bounded in count and time, only
/// 127.0.0.1 is contacted, and the child is always stopped (also on error and on Ctrl-C).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark a kura serve child process over HTTPS (127.0.0.1, SQLite on disk).",
        subcommands: [TokenBench.self, ClientCredentialsBench.self, RefreshBench.self, IntrospectBench.self, FlowBench.self,
                      TransactionsBench.self, TransfersBench.self])
}

/// Options every bench shares.
struct BenchOptions: ParsableArguments {
    @Option(help: "Upper bound on the timed phase in seconds; the phase stops early (and says so) when reached.")
    var timeLimit: Int = 120

    @Option(help: "Parent folder for the temporary data folder (default: the system's temporary folder).")
    var tmpDir: String?

    @Flag(help: "Keep the temporary data folder (database, TLS material, server log) for inspection.")
    var keepData = false

    func validate() throws {
        guard (1...3600).contains(timeLimit) else { throw ValidationError("--time-limit must be 1–3600 seconds") }
    }
}

/// What a bench seeds into the database before the server starts.
struct BenchSeed {
    static let redirectURI = "https://partner.example/callback"
    static let clientID = "bench-partner"
    let backend: any StorageBackend
    let server: OAuthServer
    let clientKey: JWSSigningKey
    let clientAuth: BenchClientAuth

    /// Opens the server's SQLite file in this process (`Database.open`), migrates it and registers the partner
    /// client (through the same validator as `kura clients add`): ES256 private_key_jwt, or `tls_client_auth` with
    /// the bench's client certificate and certificate-bound tokens.
    static func open(_ benchServer: BenchServer, clientAuth: BenchClientAuth = .privateKeyJWT) async throws -> BenchSeed {
        var logger = Logger(label: "kura-bench")
        logger.logLevel = .warning
        let backend = try Database.open(benchServer.databaseURL, logger: logger)
        try await backend.migrate()
        let server = OAuthServer(configuration: ServerConfiguration(issuer: benchServer.issuer), stores: backend.stores, logger: logger)
        let key = try JWSSigningKey.generate(.es256, kid: "bench-partner-1")
        let validated = try ClientMetadataValidator(configuration: server.configuration).validate(clientAuth.metadata(clientKey: key))
        let now = Date()
        try await server.stores.clients.insert(ClientRecord(clientID: clientAuth.clientID, metadata: validated, createdAt: now, updatedAt: now))
        return BenchSeed(backend: backend, server: server, clientKey: key, clientAuth: clientAuth)
    }

    /// A grant of `scope` by customer `userID` to the bench client, as the consent step creates it. Returns its id.
    func insertGrant(userID: String, scope: [String], now: Date) async throws -> String {
        let id = SystemRandom().token()
        try await server.stores.grants.insert(GrantRecord(
            id: id, clientID: clientAuth.clientID, userID: userID, scope: scope, authorizationDetails: nil,
            createdAt: now, updatedAt: now, expiresAt: nil))
        return id
    }

    /// Customers `prefix-0`…: one password for all (so its scrypt hash is computed once here: the server still runs
    /// a full verification per login), each with its own TOTP secret (codes are single-use per step per customer).
    func addCustomers(count: Int, prefix: String, password: String) async throws -> [(username: String, totp: TOTP, id: String)] {
        let random = SystemRandom()
        let hash = try server.passwordHasher.hash(password, random: random)
        var customers: [(username: String, totp: TOTP, id: String)] = []
        for i in 0..<count {
            let secret = Data(random.bytes(20))
            let user = UserRecord(id: Base64URL.encode(random.bytes(16)), username: "\(prefix)-\(i)", passwordHash: hash,
                                  totpSecret: secret, displayName: "Bench Customer \(i)", createdAt: Date())
            try await server.stores.users.insert(user)
            customers.append((user.username, TOTP(secret: secret), user.id))
        }
        return customers
    }
}

extension BenchServer {
    /// An AsyncHTTPClient over HTTP/1.1 with up to `connections` keep-alive connections, trusting only the dev CA,
    /// presenting the bench's client certificate for `.mtls`.
    func makeHTTPClient(connections: Int, clientAuth: BenchClientAuth = .privateKeyJWT) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try tlsConfiguration(presentCertificate: clientAuth == .mtls), redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: connections),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Seeds the database (before the server starts, so no two processes write at once), runs `body` against the
    /// started server, and always stops it and removes the data folder afterwards.
    static func run<S, T>(_ options: BenchOptions, connections: Int, clientAuth: BenchClientAuth = .privateKeyJWT,
                          seed: (BenchServer) async throws -> S,
                          body: (BenchServer, HTTPClient, S) async throws -> T) async throws -> T {
        BenchChildGuard.shared.install()
        let server = try BenchServer(parent: options.tmpDir)
        if !options.keepData { BenchChildGuard.shared.setDirectory(server.directory) }
        let http = try server.makeHTTPClient(connections: connections, clientAuth: clientAuth)
        do {
            let seeded = try await seed(server)
            try await server.start(http: http)
            let result = try await body(server, http, seeded)
            try? await http.shutdown()
            server.cleanUp(keep: options.keepData)
            return result
        } catch {
            try? await http.shutdown()
            if server.pid != nil { FileHandle.standardError.write(Data("server log (last lines):\n\(server.logTail())\n".utf8)) }
            server.cleanUp(keep: options.keepData)
            throw error
        }
    }
}

/// Runs `count` jobs on `workers` concurrent tasks (job i goes to worker i % workers), stopping at `deadline`.
/// Returns each job's result in job order; jobs not started before the deadline are nil.
func runConcurrently<R: Sendable>(count: Int, workers: Int, deadline: ContinuousClock.Instant,
                                  _ job: @escaping @Sendable (Int) async -> R) async -> [R?] {
    await withTaskGroup(of: [(Int, R)].self) { group in
        for w in 0..<workers {
            group.addTask {
                var done: [(Int, R)] = []
                for i in stride(from: w, to: count, by: workers) {
                    if ContinuousClock.now >= deadline { break }
                    done.append((i, await job(i)))
                }
                return done
            }
        }
        var results = [R?](repeating: nil, count: count)
        for await part in group { for (i, r) in part { results[i] = r } }
        return results
    }
}
