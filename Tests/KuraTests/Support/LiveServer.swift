import AuthorizationServer
import Foundation
import Hummingbird
import HummingbirdTesting
import KuraServer
import Logging
import OAuthCore
import ServiceLifecycle
import StorageSQLite

/// Kura served for real over HTTPS on 127.0.0.1 (TLS per BCP 195, HTTP/1.1 + HTTP/2), with a development CA
/// written to a temporary folder, for end-to-end tests with KuraClient and independent clients.
struct LiveServer {
    let test: TestServer
    /// The platform being served: the authorization server with the bank's RAR policy and the bank API (`/api`), over
    /// `test`'s database and clock. Seed bank data through `platform.bankAPI.store`.
    let platform: KuraPlatform
    let port: Int
    let caFile: String
    let issuer: String

    /// Starts the server, runs `body`, stops the server. `pki` (fresh by default) serves TLS; `configure` adjusts the
    /// server configuration (e.g. mutual TLS, see MutualTLSLiveServer.swift).
    static func run(pki: DevelopmentPKI? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ body: @Sendable (LiveServer) async throws -> Void) async throws {
        let port = try freePort()
        let issuer = "https://localhost:\(port)"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try (pki ?? DevelopmentPKI.generate()).write(to: directory)
        // A database file, as `kura serve` uses by default: request reads then run inline on the event loops.
        let backend = try SQLiteBackend(path: directory.appendingPathComponent("kura.sqlite").path)
        let test = try await TestServer(issuer: issuer, clock: .followingSystemTime(), backend: backend, configure: configure)
        let configuration = KuraConfiguration(
            host: "127.0.0.1", port: port, tlsCertificateFile: directory.appendingPathComponent("server.pem").path,
            tlsPrivateKeyFile: directory.appendingPathComponent("server-key.pem").path, database: "sqlite::memory:",
            server: test.server.configuration)
        var logger = Logger(label: "e2e")
        logger.logLevel = .warning
        let (started, signal) = AsyncStream.makeStream(of: Int.self)
        let platform = try KuraPlatform(backend: test.backend, configuration: test.server.configuration, clock: test.clock,
                                        passwordHasher: test.server.passwordHasher, logger: logger)
        try await platform.prepare()
        let app = try KuraApplication.make(configuration: configuration, platform: platform, logger: logger) { port in
            signal.yield(port)
            signal.finish()
        }
        let live = LiveServer(test: test, platform: platform, port: port, caFile: directory.appendingPathComponent("ca.pem").path, issuer: issuer)
        // HummingbirdTesting's `.live` mode rebinds to port 0; the issuer must name the real port, so run it here.
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await KuraApplication.onEventLoops { try await services.run() } }
            var iterator = started.makeAsyncIterator()
            guard await iterator.next() == port else { throw ConfigurationError("the server did not start on port \(port)") }
            do {
                try await body(live)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        try await backend.shutdown()
    }

    /// An unused TCP port on 127.0.0.1 (bound and released; the issuer must name the port before the server starts).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ConfigurationError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs a command-line tool and returns its exit status and combined output.
func runProcess(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
