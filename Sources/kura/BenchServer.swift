import AsyncHTTPClient
import Foundation
import KuraServer
import NIOCore
import NIOSSL
import X509

/// A `kura serve` child process for `kura bench`: the same binary, on 127.0.0.1 and a free port, over HTTPS with a
/// fresh development CA, on a SQLite file in a temporary folder. The child trusts that CA for `tls_client_auth`
/// (`--mtls-ca`), which issued the bench's client certificate. `stop()` always ends it; SIGINT/SIGTERM to the bench
/// end it too (see `BenchChildGuard`).
final class BenchServer: @unchecked Sendable {
    let directory: URL
    let port: Int
    let pki: DevelopmentPKI
    /// The mTLS bench client's certificate (subject `BenchClientAuth.mutualTLSSubjectDN`), issued by `pki`'s CA.
    let clientCertificate: DevelopmentClientCertificate
    private(set) var process: Process?

    /// The address the child listens on and the issuer names.
    var host: String { "127.0.0.1" }
    var issuer: String { "https://\(host):\(port)" }
    var databaseURL: String { "sqlite:" + directory.appendingPathComponent("kura.sqlite").path }
    var tlsDirectory: URL { directory.appendingPathComponent("tls") }
    var caFile: String { tlsDirectory.appendingPathComponent("ca.pem").path }
    var logFile: URL { directory.appendingPathComponent("server.log") }
    var pid: Int32? { process?.processIdentifier }

    /// Makes the temporary folder (under `parent`, default the system's temporary folder), the TLS material and
    /// picks a free port. Nothing runs yet: the caller seeds the database first, then calls `start()`.
    init(parent: String?) throws {
        let base = parent ?? NSTemporaryDirectory()
        var template = Array((URL(fileURLWithPath: base).appendingPathComponent("kura-bench-XXXXXX").path).utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError("cannot create a temporary folder in \(base)")
        }
        directory = URL(fileURLWithPath: String(cString: made))
        pki = try DevelopmentPKI.generate(hosts: ["127.0.0.1", "localhost"])
        try pki.write(to: directory.appendingPathComponent("tls"))
        clientCertificate = try pki.issueClientCertificate(
            subject: DistinguishedName { OrganizationName("Kura Bench"); CommonName(BenchClientAuth.mtls.clientID) })
        port = try Self.freePort()
    }

    /// Spawns `kura serve` and waits (bounded) until `/health` answers over HTTPS.
    func start(http: HTTPClient, timeout: Duration = .seconds(60)) async throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = [
            "serve", "--database", databaseURL, "--issuer", issuer, "--host", host, "--port", String(port),
            "--tls-cert", tlsDirectory.appendingPathComponent("server.pem").path,
            "--tls-key", tlsDirectory.appendingPathComponent("server-key.pem").path, "--mtls-ca", caFile,
        ]
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        child.standardOutput = log
        child.standardError = log
        child.standardInput = FileHandle.nullDevice
        try child.run()
        process = child
        BenchChildGuard.shared.set(child.processIdentifier)

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard child.isRunning else { throw BenchError("kura serve exited with status \(child.terminationStatus):\n\(logTail())") }
            var request = HTTPClientRequest(url: issuer + "/health")
            request.method = .GET
            if let response = try? await http.execute(request, timeout: .seconds(2)), response.status == .ok {
                _ = try? await response.body.collect(upTo: 1024)
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("kura serve did not answer /health within \(timeout):\n\(logTail())")
    }

    /// Ends the child: SIGTERM, then SIGKILL after 5 s. Idempotent.
    func stop() {
        guard let child = process else { return }
        process = nil
        if child.isRunning {
            kill(child.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while child.isRunning && Date() < deadline { usleep(20_000) }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
        BenchChildGuard.shared.set(nil)
    }

    /// Stops the child and removes the temporary folder (unless `keep`).
    func cleanUp(keep: Bool) {
        stop()
        BenchChildGuard.shared.setDirectory(nil)
        if keep { print("Kept \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) }
    }

    func logTail(_ lines: Int = 20) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// The client's TLS settings: only the development CA is trusted, with full verification; with
    /// `presentCertificate`, the client certificate (RFC 8705) is offered.
    func tlsConfiguration(presentCertificate: Bool = false) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
        if presentCertificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(clientCertificate.certificatePEM.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(clientCertificate.privateKeyPEM.utf8), format: .pem))
        }
        return tls
    }

    /// Asks the kernel for a free port on 127.0.0.1 (bind to port 0, read it back, release it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind a port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Ends the child when the bench is interrupted (SIGINT, SIGTERM): the one place a signal can reach it.
final class BenchChildGuard: @unchecked Sendable {
    static let shared = BenchChildGuard()
    private let lock = NSLock()
    private var pid: Int32?
    private var directory: URL?
    private var sources: [any DispatchSourceSignal] = []

    func set(_ pid: Int32?) { lock.withLock { self.pid = pid } }
    /// The data folder to remove on interruption (nil: keep it).
    func setDirectory(_ directory: URL?) { lock.withLock { self.directory = directory } }

    /// Installs the handlers once per run.
    func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in
                    let (pid, directory) = self?.lock.withLock { (self?.pid, self?.directory) } ?? (nil, nil)
                    if let pid {
                        kill(pid, SIGKILL)
                        var status: Int32 = 0
                        waitpid(pid, &status, 0)
                    }
                    if let directory { try? FileManager.default.removeItem(at: directory) }
                    FileHandle.standardError.write(Data("\nkura bench: interrupted; server stopped\n".utf8))
                    exit(130)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}

/// Process CPU time, from the kernel's accounting.
enum CPUTime {
    /// utime + stime of `pid` in seconds (proc(5): fields 14 and 15 of /proc/PID/stat, in clock ticks).
    static func of(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This process's user + system CPU time in seconds (getrusage).
    static func ofSelf() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Prints a progress line and flushes it at once (stdout is block-buffered when it is a pipe).
func benchLog(_ line: String) {
    print(line)
    fflush(nil)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
