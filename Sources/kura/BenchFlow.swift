import ArgumentParser
import AsyncHTTPClient
import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE

/// `kura bench flow`: complete FAPI 2.0 flows per second, PAR → authorize → login → consent → token, driven with
/// KuraClient exactly as a partner would, each flow by a distinct customer (a TOTP code is single-use per 30 s step
/// per customer, so reusing one customer would fail the second login within a step).
struct FlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow", abstract: "Full flows/s: PAR → authorize → login (password + TOTP) → consent → token, with KuraClient.")

    @Option(help: "Flows in the timed phase (one customer each).")
    var flows: Int = 64

    @Option(help: "Concurrent flows (one KuraClient each).")
    var concurrency: Int = 8

    @Option(help: "Warm-up flows before the timed phase (not counted; default: one per concurrent client).")
    var warmup: Int?

    @OptionGroup var options: BenchOptions

    func validate() throws {
        guard (1...10_000).contains(flows) else { throw ValidationError("--flows must be 1–10000") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1–64") }
        guard (0...10_000).contains(warmup ?? 0) else { throw ValidationError("--warmup must be 0–10000") }
    }

    struct Customer: Sendable {
        let username: String
        let totp: TOTP
    }

    struct Seeded {
        let clientKey: JWSSigningKey
        let password: String
        let customers: [Customer]
        let logN: Int
        /// CPU seconds of one scrypt verification with the server's parameters, measured in this process.
        let scryptSeconds: Double
    }

    struct Outcome: Sendable {
        let ok: Bool
        let milliseconds: Double
        let error: String?
    }

    func run() async throws {
        let warm = warmup ?? concurrency
        try await BenchServer.run(options, connections: concurrency, seed: { server in
            let seed = try await BenchSeed.open(server)
            let password = Base64URL.encode(SystemRandom().bytes(12))
            benchLog("Creating \(warm + flows) customers …")
            let customers = try await seed.addCustomers(count: warm + flows, prefix: "flow-bench", password: password)
            // What one login's password check costs, measured here with the server's hasher (best of 3).
            let hash = try seed.server.passwordHasher.hash(password, random: SystemRandom())
            let scrypt = (0..<3).map { _ in
                let start = CPUTime.ofSelf()
                _ = seed.server.passwordHasher.verify(password, against: hash)
                return CPUTime.ofSelf() - start
            }.min() ?? 0
            try await seed.backend.shutdown()
            return Seeded(clientKey: seed.clientKey, password: password, customers: customers.map { Customer(username: $0.username, totp: $0.totp) },
                          logN: seed.server.passwordHasher.logN, scryptSeconds: scrypt)
        }, body: { server, _, seeded in
            try await measure(server, seeded: seeded, warm: warm)
        })
    }

    /// One KuraClient per concurrent flow, each with its own connection(s), trusting only the dev CA.
    func makeClients(_ server: BenchServer, seeded: Seeded) throws -> [KuraClient] {
        guard let issuer = URL(string: server.issuer), let redirect = URL(string: BenchSeed.redirectURI) else {
            throw BenchError("bad issuer or redirect URI")
        }
        return try (0..<concurrency).map { i in
            try KuraClient(configuration: ClientConfiguration(
                issuer: issuer, clientID: BenchSeed.clientID, signingKey: seeded.clientKey, redirectURI: redirect,
                scopes: ["openid", "accounts"], dpopKey: try JWSSigningKey.generate(.es256, kid: "bench-dpop-\(i)"),
                tls: ClientTLSConfiguration(trustRoots: .pemFile(server.caFile))))
        }
    }

    /// One complete flow; the TOTP code is computed just before the login form is posted.
    static func flow(_ client: KuraClient, customer: Customer, password: String) async -> Outcome {
        let start = ContinuousClock.now
        do {
            let pushed = try await client.pushAuthorizationRequest()
            let response = try await client.authorize(pushed, username: customer.username, password: password,
                                                      otp: customer.totp.code(at: Date()))
            let tokens = try await client.exchangeCode(response, for: pushed)
            guard tokens.isDPoPBound, tokens.idToken != nil else { throw BenchError("token response without DPoP token or ID token") }
            return Outcome(ok: true, milliseconds: (ContinuousClock.now - start).milliseconds, error: nil)
        } catch {
            return Outcome(ok: false, milliseconds: (ContinuousClock.now - start).milliseconds, error: "\(customer.username): \(error)")
        }
    }

    func measure(_ server: BenchServer, seeded: Seeded, warm: Int) async throws {
        guard let pid = server.pid else { throw BenchError("server not running") }
        let clients = try makeClients(server, seeded: seeded)
        do {
            for client in clients {   // discovery and JWKS once per client, outside the figures
                try await client.discover()
                _ = try await client.jwks()
            }
            let password = seeded.password
            let warmCustomers = Array(seeded.customers.prefix(warm)), timedCustomers = Array(seeded.customers.dropFirst(warm))
            benchLog("Warming up (\(warmCustomers.count) flows) …")
            let warmResults = await runConcurrently(count: warmCustomers.count, workers: concurrency, deadline: .now + .seconds(120)) {
                await Self.flow(clients[$0 % clients.count], customer: warmCustomers[$0], password: password)
            }
            if let bad = warmResults.compactMap({ $0 }).first(where: { !$0.ok }) {
                throw BenchError("warm-up flow failed: \(bad.error ?? "")")
            }
            benchLog("Timed phase: \(timedCustomers.count) flows, \(concurrency) concurrent …")
            let deadline = ContinuousClock.now + .seconds(options.timeLimit)
            let (results, cpu) = try await CPUSample.measure(serverPID: pid) {
                await runConcurrently(count: timedCustomers.count, workers: concurrency, deadline: deadline) {
                    await Self.flow(clients[$0 % clients.count], customer: timedCustomers[$0], password: password)
                }
            }
            let done = results.compactMap { $0 }
            report(done, planned: timedCustomers.count, cpu: cpu, seeded: seeded)
            for client in clients { try? await client.shutdown() }
            if done.contains(where: { !$0.ok }) { throw BenchError("some flows failed: see ERRORS above") }
        } catch {
            for client in clients { try? await client.shutdown() }
            throw error
        }
    }

    func report(_ results: [Outcome], planned: Int, cpu: CPUSample, seeded: Seeded) {
        let logN = seeded.logN
        let ok = results.filter(\.ok), failed = results.filter { !$0.ok }
        var report = BenchReport(title: "kura bench flow — PAR → authorize → login → consent → token (KuraClient), HTTPS, SQLite on disk",
                                 benchmark: "flow")
        report.row("machine", "\(BenchMachine.cores) cores, \(BenchMachine.cpuModel)")
        report.row("concurrent flows", "\(concurrency) (one KuraClient each)")
        report.row("flows", "\(results.count) of \(planned) (warm-up excluded)")
        report.row("errors", failed.isEmpty ? "0" : "\(failed.count)  <-- NOT ZERO")
        report.row("throughput", String(format: "%.2f flows/s  (wall %.2f s)", Double(ok.count) / cpu.wall, cpu.wall))
        report.latency("flow latency", LatencySummary(milliseconds: results.map(\.milliseconds)), key: "flow_latency")
        report.cpu(cpu, per: results.count, unit: "flow")
        report.json["flows"] = .int(Int64(results.count))
        report.json["planned"] = .int(Int64(planned))
        report.json["errors"] = .int(Int64(failed.count))
        report.json["concurrency"] = .int(Int64(concurrency))
        report.json["stopped_early"] = .bool(results.count < planned)
        report.json["throughput_fps"] = .double((Double(ok.count) / cpu.wall).rounded3)
        report.json["scrypt_logN"] = .int(Int64(logN))
        let mib = 128 * 8 * (1 << logN) / (1 << 20)
        let scryptMS = seeded.scryptSeconds * 1000, perFlowMS = cpu.server / Double(max(results.count, 1)) * 1000
        report.json["scrypt_verify_cpu_ms"] = .double(scryptMS.rounded3)
        report.notes.append(String(format: "scrypt password verification (logN %d, r 8, p 1: %d MiB per login; %.0f ms CPU measured "
            + "in this process, about %.0f%% of the server CPU per flow) dominates each flow; this is deliberate: memory-hard "
            + "hashing makes offline guessing of stolen hashes expensive", logN, mib, scryptMS, perFlowMS > 0 ? scryptMS / perFlowMS * 100 : 0))
        report.notes.append("each flow: PAR, GET /authorize, POST login, POST consent, POST /token (+ client-side signing and "
            + "ID-token verification in this process); discovery and JWKS were fetched before the timed phase")
        if results.count < 100 { report.notes.append("with fewer than 100 flows, p99 is the maximum (nearest rank)") }
        if results.count < planned { report.notes.append("STOPPED EARLY: the time limit was reached") }
        if let sample = failed.first {
            report.notes.append("ERRORS: \(failed.count); sample: \(sample.error ?? "")")
            report.json["error_sample"] = .string(sample.error ?? "")
        }
        report.print()
    }
}
