import ArgumentParser
import AsyncHTTPClient
import AuthorizationServer
import Foundation
import NIOCore
import OAuthCore
import OAuthJOSE

/// `kura bench token`: authorization_code token responses per second (private_key_jwt + DPoP + ES256).
///
/// Codes are inserted straight into the CodeStore before the server starts; every request (form with a fresh
/// client-assertion `jti`, DPoP proof with a fresh `jti`) is signed before the timed phase, so only the server's
/// work and the HTTP round trip are measured.
struct TokenBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "authorization_code token responses/s with private_key_jwt + DPoP (ES256).")

    @Option(help: "Requests in the timed phase.")
    var requests: Int = 5000

    @Option(help: "Concurrent keep-alive HTTP/1.1 connections (one request in flight on each).")
    var connections: Int = 8

    @Option(help: "Warm-up requests before the timed phase (not counted).")
    var warmup: Int = 500

    @OptionGroup var options: BenchOptions

    /// Codes the bench inserts live this long: preparation time must not expire them. The server itself issues
    /// codes for at most 60 s (FAPI 2.0 SP §5.3.2.1-11); the token endpoint only checks `expiresAt`.
    static let codeLifetime: TimeInterval = 3600

    func validate() throws {
        guard (1...200_000).contains(requests) else { throw ValidationError("--requests must be 1–200000") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be 1–256") }
        guard (0...50_000).contains(warmup) else { throw ValidationError("--warmup must be 0–50000") }
    }

    struct Seeded {
        let clientKey: JWSSigningKey
        let dpopKey: JWSSigningKey
        let codes: [(code: String, verifier: String)]
        let seconds: Double
    }

    struct Outcome: Sendable {
        let status: Int   // 0: transport error
        let milliseconds: Double
        let sample: String?
    }

    func run() async throws {
        let total = warmup + requests
        try await BenchServer.run(options, connections: connections, seed: { server in
            try await seed(server, count: total)
        }, body: { server, http, seeded in
            try await measure(server, http: http, seeded: seeded)
        })
    }

    /// Registers the client and one customer, and inserts `count` grants and codes (bound to the client, a PKCE
    /// challenge and the DPoP key's thumbprint), as the consent step would.
    func seed(_ benchServer: BenchServer, count: Int) async throws -> Seeded {
        let start = ContinuousClock.now
        let seed = try await BenchSeed.open(benchServer)
        let customer = try await seed.addCustomers(count: 1, prefix: "token-bench", password: Base64URL.encode(SystemRandom().bytes(12)))[0]
        let dpopKey = try JWSSigningKey.generate(.es256, kid: "bench-dpop")
        let jkt = dpopKey.publicJWK.thumbprint()
        let random = SystemRandom()
        let now = Date()
        benchLog("Preparing \(count) authorization codes in \(benchServer.databaseURL) …")
        var codes: [(code: String, verifier: String)] = []
        codes.reserveCapacity(count)
        for _ in 0..<count {
            let code = random.token()
            let verifier = PKCE.makeVerifier(using: random)
            let request = AuthorizationRequest(
                clientID: BenchSeed.clientID, responseType: "code", redirectURI: BenchSeed.redirectURI, scope: ["openid", "accounts"],
                state: random.token(), nonce: random.token(), codeChallenge: PKCE.challenge(for: verifier),
                codeChallengeMethod: PKCE.s256, dpopJKT: jkt)
            // As the consent step does: the grant exists from the customer's decision, the code points at it.
            let grantID = random.token()
            try await seed.server.stores.grants.insert(GrantRecord(
                id: grantID, clientID: BenchSeed.clientID, userID: customer.id, scope: request.scope,
                authorizationDetails: nil, createdAt: now, updatedAt: now, expiresAt: nil))
            try await seed.server.stores.codes.insert(AuthorizationCodeRecord(
                codeHash: CredentialHash.of(code), clientID: BenchSeed.clientID, userID: customer.id,
                grantID: grantID, request: request, authTime: now,
                acr: seed.server.configuration.login.twoFactorACR, amr: ["pwd", "otp", "mfa"], issuedAt: now,
                expiresAt: now.addingTimeInterval(Self.codeLifetime)))
            codes.append((code, verifier))
        }
        try await seed.backend.shutdown()
        return Seeded(clientKey: seed.clientKey, dpopKey: dpopKey, codes: codes, seconds: (ContinuousClock.now - start).seconds)
    }

    /// Signs every request: a client assertion (fresh `jti`, `aud` = issuer) and a DPoP proof (fresh `jti`).
    static func prepareRequests(_ server: BenchServer, seeded: Seeded) throws -> [HTTPClientRequest] {
        let tokenURL = server.issuer + OAuthServer.Path.token
        let random = SystemRandom()
        let iat = Int64(Date().timeIntervalSince1970)
        let dpopHeader: [String: JSONValue] = ["jwk": .object(seeded.dpopKey.publicJWK.publicJSON)]
        return try seeded.codes.map { code in
            let assertion = try JWT.sign(claims: [
                "iss": .string(BenchSeed.clientID), "sub": .string(BenchSeed.clientID), "aud": .string(server.issuer),
                "jti": .string(random.token()), "iat": .int(iat), "exp": .int(iat + 300),
            ], typ: nil, key: seeded.clientKey)
            let proof = try JWT.sign(claims: [
                "htm": "POST", "htu": .string(tokenURL), "iat": .int(iat), "jti": .string(random.token()),
            ], typ: "dpop+jwt", key: seeded.dpopKey, includeKid: false, extraHeader: dpopHeader)
            let form = FormParameters.encode([
                ("grant_type", "authorization_code"), ("code", code.code), ("redirect_uri", BenchSeed.redirectURI),
                ("code_verifier", code.verifier), ("client_id", BenchSeed.clientID),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion),
            ])
            var request = HTTPClientRequest(url: tokenURL)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "DPoP", value: proof)
            request.body = .bytes(ByteBuffer(string: form))
            return request
        }
    }

    /// Sends one prepared request and classifies the answer; a 200 must carry a DPoP-bound token.
    static func send(_ request: HTTPClientRequest, http: HTTPClient) async -> Outcome {
        let start = ContinuousClock.now
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let ms = (ContinuousClock.now - start).milliseconds
            let status = Int(response.status.code)
            if status == 200, body.contains("\"token_type\":\"DPoP\""), body.contains("\"access_token\"") {
                return Outcome(status: 200, milliseconds: ms, sample: nil)
            }
            return Outcome(status: status == 200 ? -200 : status, milliseconds: ms, sample: String(body.prefix(400)))
        } catch {
            return Outcome(status: 0, milliseconds: (ContinuousClock.now - start).milliseconds, sample: "\(error)")
        }
    }

    func measure(_ server: BenchServer, http: HTTPClient, seeded: Seeded) async throws -> Void {
        guard let pid = server.pid else { throw BenchError("server not running") }
        let signStart = ContinuousClock.now
        let prepared = try Self.prepareRequests(server, seeded: seeded)
        let signSeconds = (ContinuousClock.now - signStart).seconds
        // Proofs and assertions were signed now: the server accepts them for 300 s (DPoP max age, assertion exp).
        let validUntil = signStart + .seconds(290)
        let warm = Array(prepared.prefix(warmup)), timed = Array(prepared.dropFirst(warmup))
        benchLog(String(format: "Prepared %d codes in %.1f s and signed %d requests in %.2f s; warming up (%d requests) …",
                     seeded.codes.count, seeded.seconds, prepared.count, signSeconds, warm.count))

        let warmResults = await runConcurrently(count: warm.count, workers: connections, deadline: min(validUntil, .now + .seconds(60))) {
            await Self.send(warm[$0], http: http)
        }
        if let bad = warmResults.compactMap({ $0 }).first(where: { $0.status != 200 }) {
            throw BenchError("warm-up request failed (status \(bad.status)): \(bad.sample ?? "")")
        }
        benchLog("Timed phase: \(timed.count) requests on \(connections) connection(s) …")
        let deadline = min(validUntil, .now + .seconds(options.timeLimit))
        let (results, cpu) = try await CPUSample.measure(serverPID: pid) {
            await runConcurrently(count: timed.count, workers: connections, deadline: deadline) { await Self.send(timed[$0], http: http) }
        }
        let done = results.compactMap { $0 }
        report(results: done, planned: timed.count, cpu: cpu, signSeconds: signSeconds)
        if done.contains(where: { $0.status != 200 }) { throw BenchError("some token requests failed: see ERRORS above") }
    }

    func report(results: [Outcome], planned: Int, cpu: CPUSample, signSeconds: Double) {
        let ok = results.filter { $0.status == 200 }
        let failed = results.filter { $0.status != 200 }
        var report = BenchReport(title: "kura bench token — authorization_code + private_key_jwt + DPoP (ES256), HTTPS, SQLite on disk",
                                 benchmark: "token")
        report.row("machine", "\(BenchMachine.cores) cores, \(BenchMachine.cpuModel)")
        report.row("connections", "\(connections) keep-alive HTTPS connection(s), HTTP/1.1")
        report.row("requests", "\(results.count) of \(planned) (warm-up \(warmup) excluded)")
        report.row("errors", failed.isEmpty ? "0" : "\(failed.count)  <-- NOT ZERO")
        report.row("throughput", String(format: "%.1f responses/s  (wall %.2f s)", Double(ok.count) / cpu.wall, cpu.wall))
        report.latency("latency", LatencySummary(milliseconds: results.map(\.milliseconds)), key: "latency")
        report.cpu(cpu, per: results.count, unit: "request")
        report.json["requests"] = .int(Int64(results.count))
        report.json["planned"] = .int(Int64(planned))
        report.json["errors"] = .int(Int64(failed.count))
        report.json["connections"] = .int(Int64(connections))
        report.json["warmup"] = .int(Int64(warmup))
        report.json["stopped_early"] = .bool(results.count < planned)
        report.json["throughput_rps"] = .double((Double(ok.count) / cpu.wall).rounded3)
        report.notes.append("codes were inserted directly into the CodeStore with a \(Int(Self.codeLifetime)) s expiry so that "
            + "preparation time cannot expire them; codes the server issues itself live at most 60 s")
        report.notes.append(String(format: "client assertions and DPoP proofs were signed before the timed phase (%.2f s), "
            + "so client-side signing is not measured; each response carries an ES256 access token and ID token", signSeconds))
        if results.count < planned {
            report.notes.append("STOPPED EARLY: the time limit (or the 290 s validity of the signed proofs) was reached")
        }
        if let sample = failed.first {
            let statuses = Dictionary(grouping: failed, by: \.status).map { "\($0.key): \($0.value.count)" }.sorted().joined(separator: ", ")
            report.notes.append("ERRORS by status (0 = transport, -200 = 200 without a DPoP token): \(statuses)")
            report.notes.append("sample error body: \(sample.sample ?? "")")
            report.json["error_sample"] = .string(sample.sample ?? "")
        }
        report.print()
    }
}
