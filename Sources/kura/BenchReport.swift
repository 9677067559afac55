import Foundation
import OAuthCore

/// Latency percentiles of a timed phase (nearest-rank, RFC 2330-style: the smallest value with at least p% at or below).
struct LatencySummary {
    let count: Int
    let p50, p90, p99, max, mean: Double   // milliseconds

    init(milliseconds samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }
}

/// CPU seconds of the server child and of the bench process over one timed phase.
struct CPUSample {
    let server: Double
    let bench: Double
    let wall: Double

    /// Measures `body`: wall clock, the child's utime+stime from /proc, this process's rusage.
    static func measure<T>(serverPID: Int32, _ body: () async throws -> T) async throws -> (T, CPUSample) {
        let serverBefore = CPUTime.of(pid: serverPID) ?? .nan
        let benchBefore = CPUTime.ofSelf()
        let start = ContinuousClock.now
        let result = try await body()
        let wall = (ContinuousClock.now - start).seconds
        let serverAfter = CPUTime.of(pid: serverPID) ?? .nan
        return (result, CPUSample(server: serverAfter - serverBefore, bench: CPUTime.ofSelf() - benchBefore, wall: wall))
    }
}

/// Where a bench ran, for the record.
enum BenchMachine {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
    static var cpuModel: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }
    static var date: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

/// The plain-text table and the one machine-readable JSON line every bench prints.
struct BenchReport {
    var title: String
    var rows: [(String, String)] = []
    var notes: [String] = []
    var json: [String: JSONValue] = [:]

    init(title: String, benchmark: String) {
        self.title = title
        json["benchmark"] = .string(benchmark)
        json["date"] = .string(BenchMachine.date)
        json["cores"] = .int(Int64(BenchMachine.cores))
        json["cpu"] = .string(BenchMachine.cpuModel)
    }

    mutating func row(_ name: String, _ value: String) { rows.append((name, value)) }

    mutating func latency(_ label: String, _ summary: LatencySummary, key: String) {
        row("\(label) p50 / p90 / p99 / max", String(format: "%.2f / %.2f / %.2f / %.2f ms", summary.p50, summary.p90, summary.p99, summary.max))
        json[key] = ["p50_ms": .double(summary.p50.rounded3), "p90_ms": .double(summary.p90.rounded3),
                     "p99_ms": .double(summary.p99.rounded3), "max_ms": .double(summary.max.rounded3),
                     "mean_ms": .double(summary.mean.rounded3)]
    }

    /// CPU rows: server and bench CPU per unit and as cores busy over the timed phase.
    mutating func cpu(_ sample: CPUSample, per count: Int, unit: String) {
        let n = Double(Swift.max(count, 1))
        row("server CPU per \(unit)", String(format: "%.3f ms  (%.2f cores busy)", sample.server / n * 1000, sample.server / sample.wall))
        row("bench CPU per \(unit)", String(format: "%.3f ms  (%.2f cores busy)", sample.bench / n * 1000, sample.bench / sample.wall))
        json["server_cpu_ms_per_\(unit)"] = .double((sample.server / n * 1000).rounded3)
        json["bench_cpu_ms_per_\(unit)"] = .double((sample.bench / n * 1000).rounded3)
        json["server_cpu_cores"] = .double((sample.server / sample.wall).rounded3)
        json["bench_cpu_cores"] = .double((sample.bench / sample.wall).rounded3)
        json["wall_s"] = .double(sample.wall.rounded3)
    }

    func print() {
        let width = rows.map(\.0.count).max() ?? 0
        Swift.print("\n\(title)")
        Swift.print(String(repeating: "-", count: width + 40))
        for (name, value) in rows {
            Swift.print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        Swift.print(String(repeating: "-", count: width + 40))
        for note in notes { Swift.print("note: \(note)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = (try? encoder.encode(JSONValue.object(json))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        Swift.print(line)
        fflush(nil)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}

extension Double {
    var rounded3: Double { (self * 1000).rounded() / 1000 }
}
