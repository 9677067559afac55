import ArgumentParser
import Foundation
import OAuthCore

/// Options of the benches that send one prepared request after another (`token`, `client-credentials`, `refresh`,
/// `introspect`).
struct RequestBenchOptions: ParsableArguments {
    @Option(help: "Requests in the timed phase.")
    var requests: Int = 5000

    @Option(help: "Concurrent keep-alive HTTP/1.1 connections (one request in flight on each).")
    var connections: Int = 8

    @Option(help: "Warm-up requests before the timed phase (not counted; the first one's answer is checked in depth).")
    var warmup: Int = 500

    func validate() throws {
        guard (1...200_000).contains(requests) else { throw ValidationError("--requests must be 1–200000") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be 1–256") }
        guard (1...50_000).contains(warmup) else { throw ValidationError("--warmup must be 1–50000") }
    }

    var total: Int { warmup + requests }
}

/// The answer to one request: its status (0: transport error; -200: a 200 whose body failed the bench's check), its
/// latency, and the body when asked for or when it failed (the first 400 characters).
struct BenchOutcome: Sendable {
    let status: Int
    let milliseconds: Double
    let body: String?
}

/// The outcome of a timed phase.
struct RequestRun {
    let results: [BenchOutcome]
    let planned: Int
    let cpu: CPUSample

    var failed: [BenchOutcome] { results.filter { $0.status != 200 } }
    var succeeded: Int { results.count - failed.count }
}

/// Sends prepared requests: a warm-up (which must succeed entirely), then the timed phase with the server's and the
/// bench's CPU measured around it. Requests are built and signed before either phase; both phases reuse the same
/// keep-alive connections, one per concurrent lane.
struct RequestLoad {
    let options: RequestBenchOptions
    let timeLimit: Int
    /// One connection per lane (`options.connections` of them), opened before the warm-up.
    let connections: [BenchConnection]
    /// What a 200 body must (not) contain; it runs on every answer, on the received bytes.
    let accepts: BodyMarkers

    /// Sends one request and classifies the answer; `keepBody` returns the whole body of a success too.
    static func send(_ request: BenchWireRequest, on connection: BenchConnection, keepBody: Bool = false,
                     accepts: BodyMarkers) async -> BenchOutcome {
        let start = ContinuousClock.now
        do {
            let response = try await connection.send(request)
            let ms = (ContinuousClock.now - start).milliseconds
            let status = response.status
            if status == 200, accepts.accepts(response.body) {
                return BenchOutcome(status: 200, milliseconds: ms, body: keepBody ? response.text : nil)
            }
            return BenchOutcome(status: status == 200 ? -200 : status, milliseconds: ms, body: String(response.text.prefix(400)))
        } catch {
            return BenchOutcome(status: 0, milliseconds: (ContinuousClock.now - start).milliseconds, body: "\(error)")
        }
    }

    /// Sends every request, request i on connection i % connections (one in flight on each, each connection's lane on
    /// its event loop), until done or `deadline`; nil for those not sent.
    func sendAll(_ requests: [BenchWireRequest], deadline: ContinuousClock.Instant, keepBodies: Bool = false) async -> [BenchOutcome?] {
        let accepts = accepts, lanes = connections.count
        return await withTaskGroup(of: [(Int, BenchOutcome)].self) { group in
            for (w, connection) in connections.enumerated() {
                group.addTask {
                    await connection.lane(stride(from: w, to: requests.count, by: lanes), deadline: deadline) { connection, i in
                        await Self.send(requests[i], on: connection, keepBody: keepBodies, accepts: accepts)
                    }
                }
            }
            var results = [BenchOutcome?](repeating: nil, count: requests.count)
            for await part in group { for (i, outcome) in part { results[i] = outcome } }
            return results
        }
    }

    /// Warm-up (the first `options.warmup` requests, the first of them alone), then the timed phase (the rest).
    /// - Parameters:
    ///   - validUntil: when the signed material of `prepared` stops being accepted; neither phase runs past it.
    ///   - checkFirst: a deeper check of the first answer's body (e.g. the access token's `cnf`).
    func run(_ prepared: [BenchWireRequest], server: BenchServer, validUntil: ContinuousClock.Instant,
             checkFirst: (String) throws -> Void = { _ in }) async throws -> RequestRun {
        guard let pid = server.pid else { throw BenchError("server not running") }
        guard let first = prepared.first, !connections.isEmpty else { throw BenchError("no requests prepared or no connections") }
        let probe = await Self.send(first, on: connections[0], keepBody: true, accepts: accepts)
        guard probe.status == 200, let body = probe.body else {
            throw BenchError("the first request failed (status \(probe.status)): \(probe.body ?? "")")
        }
        try checkFirst(body)
        let warm = Array(prepared.dropFirst().prefix(options.warmup - 1)), timed = Array(prepared.dropFirst(options.warmup))
        benchLog("Warming up (\(warm.count + 1) requests) …")
        if let bad = await sendAll(warm, deadline: min(validUntil, .now + .seconds(60))).compactMap({ $0 }).first(where: { $0.status != 200 }) {
            throw BenchError("warm-up request failed (status \(bad.status)): \(bad.body ?? "")")
        }
        benchLog("Timed phase: \(timed.count) requests on \(connections.count) connection(s) …")
        let deadline = min(validUntil, .now + .seconds(timeLimit))
        let (results, cpu) = try await CPUSample.measure(serverPID: pid) { await sendAll(timed, deadline: deadline) }
        return RequestRun(results: results.compactMap { $0 }, planned: timed.count, cpu: cpu)
    }
}

extension BenchReport {
    /// The rows every request bench reports: connections, requests, errors, throughput, latency, CPU.
    mutating func add(_ run: RequestRun, options: RequestBenchOptions) {
        let results = run.results
        row("machine", "\(BenchMachine.cores) cores, \(BenchMachine.cpuModel)")
        row("connections", "\(options.connections) keep-alive HTTPS connection(s), HTTP/1.1")
        row("requests", "\(results.count) of \(run.planned) (warm-up \(options.warmup) excluded)")
        row("errors", run.failed.isEmpty ? "0" : "\(run.failed.count)  <-- NOT ZERO")
        row("throughput", String(format: "%.1f responses/s  (wall %.2f s)", Double(run.succeeded) / run.cpu.wall, run.cpu.wall))
        latency("latency", LatencySummary(milliseconds: results.map(\.milliseconds)), key: "latency")
        cpu(run.cpu, per: results.count, unit: "request")
        json["requests"] = .int(Int64(results.count))
        json["planned"] = .int(Int64(run.planned))
        json["errors"] = .int(Int64(run.failed.count))
        json["connections"] = .int(Int64(options.connections))
        json["warmup"] = .int(Int64(options.warmup))
        json["stopped_early"] = .bool(results.count < run.planned)
        json["throughput_rps"] = .double((Double(run.succeeded) / run.cpu.wall).rounded3)
    }

    /// What went wrong, if anything: printed after the bench's own notes.
    private mutating func addProblems(_ run: RequestRun) {
        if run.results.count < run.planned {
            notes.append("STOPPED EARLY: the time limit (or the 290 s validity of the signed assertions and proofs) was reached")
        }
        guard let sample = run.failed.first else { return }
        let statuses = Dictionary(grouping: run.failed, by: \.status).map { "\($0.key): \($0.value.count)" }.sorted().joined(separator: ", ")
        notes.append("ERRORS by status (0 = transport, -200 = a 200 whose body failed the check): \(statuses)")
        notes.append("sample error body: \(sample.body ?? "")")
        json["error_sample"] = .string(sample.body ?? "")
    }

    /// Adds the problems, prints the report, and throws when any request failed, so a bench with errors exits non-zero.
    mutating func finish(_ run: RequestRun) throws {
        addProblems(run)
        print()
        if !run.failed.isEmpty { throw BenchError("some requests failed: see ERRORS above") }
    }
}
