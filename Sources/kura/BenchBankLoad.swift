import Foundation
import HTTPMessageSignatures
import NIOCore
import OAuthCore
import OAuthJOSE

/// One prepared bank API request of a phase. A retry (`retryOf`) is sent on the same connection lane after its
/// original, so it is answered from the stored transfer, never raced against it.
struct BankJob: Sendable {
    let request: BankBenchRequest
    /// Booked amount in yen for a transfer (0 for reads).
    let amount: Int64
    /// Index (in the phase's job list) of the request this one repeats with the same `Idempotency-Key` and body.
    let retryOf: Int?
}

/// The answer to one bank API request: `ok` when it has the expected status, a response signature, the markers in
/// its body and `Idempotent-Replayed: true` exactly for retries.
struct BankOutcome: Sendable {
    let job: Int
    let status: Int   // 0: transport error
    let ok: Bool
    let milliseconds: Double
    let replayed: Bool
    /// `transferId` of a transfer answer.
    let transferID: String?
    /// The first 400 characters of a failed answer.
    let detail: String?
}

/// What every answer of a bench must look like (checked cheaply, on every answer: the body's markers on its bytes).
struct BankExpectation: Sendable {
    let status: Int
    let body: BodyMarkers

    init(status: Int, bodyContains: [String]) {
        self.status = status
        self.body = BodyMarkers(contains: bodyContains)
    }
}

/// Sends a bank bench's phases: one probe checked in depth, a warm-up that must succeed entirely, then the timed phase
/// with the server's and the bench's CPU measured around it. Lane `i` is one connection's sequence of requests: it
/// runs on `connections[i]`, the same connection in the warm-up and the timed phase.
struct BankLoad {
    /// One keep-alive connection per lane, opened before the probe.
    let connections: [BenchConnection]
    let expectation: BankExpectation

    /// The whole answer to one request (status, header fields, body) for the in-depth check.
    func fetch(_ request: BankBenchRequest) async throws -> (status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        guard let connection = connections.first else { throw BenchError("no connection") }
        let response = try await connection.send(request.wire)
        return (response.status, response.headers.map { ($0.name, $0.value) }, Array(response.body.readableBytesView))
    }

    /// Verifies a response's RFC 9421 signature (tag `fapi-2-response`) with the server's JWKS, as a partner would.
    static func verifySignature(status: Int, headers: [(name: String, value: String)], body: [UInt8], of request: BankBenchRequest,
                                keys: JWKSet) throws {
        do {
            // It also demands a covered, matching content-digest for a non-empty body (FAPI 2.0 HTTP Signatures, C.5-26).
            _ = try FAPIHTTPSignatures.verifyResponse(status: status, headers: headers, body: body, request: request.signatureRequest,
                                                      keys: keys, now: Date())
        } catch {   // typed: an HTTPSignatureError
            throw BenchError("the response signature does not verify with the server's JWKS: \(error.description)")
        }
    }

    /// Sends one job and classifies the answer: status, `Signature` and `Content-Digest` fields, the body's markers (on its
    /// bytes) and `Idempotent-Replayed: true` exactly for a retry.
    static func send(_ job: BankJob, index: Int, on connection: BenchConnection, expectation: BankExpectation) async -> BankOutcome {
        let start = ContinuousClock.now
        do {
            let response = try await connection.send(job.request.wire)
            let ms = (ContinuousClock.now - start).milliseconds
            let status = response.status, headers = response.headers
            let replayed = headers.first(name: "idempotent-replayed") == "true"
            let ok = status == expectation.status && headers.contains(name: "signature") && headers.contains(name: "content-digest")
                && expectation.body.accepts(response.body) && replayed == (job.retryOf != nil)
            // Only a transfer (201) names one: a transactions page is not searched for it.
            let transferID = status == 201 ? BenchBytes.quotedValue(after: transferIDMarker, in: response.body) : nil
            return BankOutcome(job: index, status: status, ok: ok, milliseconds: ms, replayed: replayed, transferID: transferID,
                               detail: ok ? nil : "status \(status)\(replayed ? ", replayed" : ""): " + String(response.text.prefix(400)))
        } catch {
            return BankOutcome(job: index, status: 0, ok: false, milliseconds: (ContinuousClock.now - start).milliseconds, replayed: false,
                               transferID: nil, detail: "\(error)")
        }
    }

    /// What precedes the `transferId` value in a transfer answer (sorted-key JSON without spaces), found without parsing.
    static let transferIDMarker = Array("\"transferId\":\"".utf8)

    /// Runs `lanes` (job indices into `jobs`; no more than there are connections) concurrently, lane k on `connections[k]`
    /// (on its event loop) and each in order, until done or `deadline`; returns the answers of the jobs that were sent, in
    /// job order.
    func run(_ jobs: [BankJob], lanes: [[Int]], deadline: ContinuousClock.Instant) async -> [BankOutcome] {
        let expectation = expectation
        return await withTaskGroup(of: [BankOutcome].self) { group in
            for (lane, connection) in zip(lanes, connections) {
                group.addTask {
                    await connection.lane(lane, deadline: deadline) { connection, i in
                        await Self.send(jobs[i], index: i, on: connection, expectation: expectation)
                    }.map(\.1)
                }
            }
            var all: [BankOutcome] = []
            for await part in group { all += part }
            return all.sorted { $0.job < $1.job }
        }
    }

    /// Round-robin lanes over `count` jobs: job i on connection i % connections.
    static func roundRobin(count: Int, connections: Int) -> [[Int]] {
        (0..<min(connections, count)).map { Array(stride(from: $0, to: count, by: connections)) }
    }

    /// Warm-up (must all succeed), then the timed phase.
    func run(warmup: [BankJob], warmupLanes: [[Int]], timed: [BankJob], timedLanes: [[Int]], server: BenchServer,
             validUntil: ContinuousClock.Instant, timeLimit: Int) async throws -> (warmup: [BankOutcome], timed: BankRun) {
        guard let pid = server.pid else { throw BenchError("server not running") }
        guard max(warmupLanes.count, timedLanes.count) <= connections.count else { throw BenchError("more lanes than connections") }
        benchLog("Warming up (\(warmup.count) requests) …")
        let warm = await run(warmup, lanes: warmupLanes, deadline: min(validUntil, .now + .seconds(60)))
        if let bad = warm.first(where: { !$0.ok }) { throw BenchError("warm-up request failed (\(bad.detail ?? ""))") }
        guard warm.count == warmup.count else { throw BenchError("the warm-up did not finish within 60 s or the validity of the prepared requests") }
        benchLog("Timed phase: \(timed.count) requests on \(timedLanes.count) connection(s) …")
        let deadline = min(validUntil, .now + .seconds(timeLimit))
        let (results, cpu) = try await CPUSample.measure(serverPID: pid) { await run(timed, lanes: timedLanes, deadline: deadline) }
        return (warm, BankRun(results: results, planned: timed.count, cpu: cpu))
    }
}

/// The outcome of a bank bench's timed phase.
struct BankRun {
    let results: [BankOutcome]
    let planned: Int
    let cpu: CPUSample

    var failed: [BankOutcome] { results.filter { !$0.ok } }
    var succeeded: Int { results.count - failed.count }
}

extension BenchReport {
    /// The head of a bank bench's report: title, request, sender constraint and signatures.
    static func bank(_ benchmark: String, what: String, request: String, signed: Bool) -> BenchReport {
        var report = BenchReport(
            title: "kura bench \(benchmark) — \(what), DPoP-bound token, "
                + (signed ? "signed requests and responses" : "signed responses") + ", HTTPS, SQLite on disk",
            benchmark: benchmark)
        report.row("request", request)
        report.row("sender / signatures", "DPoP (ES256 proof with ath per request)"
            + (signed ? "; RFC 9421 request signature (ES256) per request" : "") + "; RFC 9421 response signature (ES256)")
        report.json["signed_requests"] = .bool(signed)
        return report
    }

    /// The standard rows of a bank bench: machine, connections, requests, errors, throughput, latency, CPU.
    mutating func add(_ run: BankRun, options: RequestBenchOptions, unit: String) {
        row("machine", "\(BenchMachine.cores) cores, \(BenchMachine.cpuModel)")
        row("connections", "\(options.connections) keep-alive HTTPS connection(s), HTTP/1.1")
        row("requests", "\(run.results.count) of \(run.planned) (warm-up \(options.warmup) excluded)")
        row("errors", run.failed.isEmpty ? "0" : "\(run.failed.count)  <-- NOT ZERO")
        let rate = Double(run.succeeded) / run.cpu.wall
        row("throughput", String(format: "%.1f %@/s  (wall %.2f s)", rate, unit, run.cpu.wall))
        latency("latency", LatencySummary(milliseconds: run.results.map(\.milliseconds)), key: "latency")
        cpu(run.cpu, per: run.results.count, unit: "request")
        json["requests"] = .int(Int64(run.results.count))
        json["planned"] = .int(Int64(run.planned))
        json["errors"] = .int(Int64(run.failed.count))
        json["connections"] = .int(Int64(options.connections))
        json["warmup"] = .int(Int64(options.warmup))
        json["stopped_early"] = .bool(run.results.count < run.planned)
        json["throughput_rps"] = .double(rate.rounded3)
    }

    /// Adds what went wrong, prints the report, and throws when any request failed (the bench exits non-zero).
    mutating func finish(_ run: BankRun, extraProblems: [String] = []) throws {
        if run.results.count < run.planned {
            notes.append("STOPPED EARLY: the time limit (or the validity of the prepared proofs and signatures) was reached")
        }
        if let sample = run.failed.first {
            let statuses = Dictionary(grouping: run.failed, by: \.status).map { "\($0.key): \($0.value.count)" }.sorted().joined(separator: ", ")
            notes.append("ERRORS by status (0 = transport; others: wrong status, missing signature or unexpected body): \(statuses)")
            notes.append("sample error: \(sample.detail ?? "")")
            json["error_sample"] = .string(sample.detail ?? "")
        }
        for problem in extraProblems { notes.append("CHECK FAILED: \(problem)") }
        json["checks_passed"] = .bool(run.failed.isEmpty && extraProblems.isEmpty)
        print()
        if !run.failed.isEmpty { throw BenchError("some requests failed: see ERRORS above") }
        if !extraProblems.isEmpty { throw BenchError("the ledger check failed: see CHECK FAILED above") }
    }
}
