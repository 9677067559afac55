import Foundation
import OAuthCore
import Testing

/// Runs the independent Python FAPI 2.0 client (interop/fapi2_client.py: requests, cryptography, joserfc) against a
/// `LiveServer` and returns the JSON report of everything it verified.
///
/// The run FAILS, never skips, when python3 or one of the libraries is missing: scripts/test.sh installs them.
struct PythonFAPIClient {
    /// interop/fapi2_client.py in this checkout.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("interop/fapi2_client.py").path

    /// A private folder for the key and certificate files the client reads; removed by `remove()`.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Writes `json` (a private JWK) to `name` in the folder and returns its path.
    func write(_ name: String, json: [String: JSONValue]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try JSONEncoder().encode(json).write(to: url)
        return url.path
    }

    /// The path of `name` in the folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs the client with the customer of `TestServer` plus `arguments`, `#require`s `interop: PASS`, and returns the
    /// `interop-report` JSON. The process runs on a dispatch thread so that it does not block the cooperative pool
    /// the server also runs on.
    static func run(_ live: LiveServer, _ arguments: [String]) async throws -> [String: JSONValue] {
        let hexSecret = TestServer.totpSecret.map { String(format: "%02x", $0) }.joined()
        let common = ["--issuer", live.issuer, "--ca", live.caFile, "--username", TestServer.username,
                      "--password", TestServer.password, "--totp-secret-hex", hexSecret, "--redirect-uri", TestServer.redirectURI]
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runProcess("python3", [script] + common + arguments) })
            }
        }
        try #require(result.status == 0 && result.output.contains("interop: PASS"), "python client: \(result.output)")
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("interop-report: ") })
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(line.dropFirst("interop-report: ".count).utf8))
        return try #require(report.objectValue, "the report is not a JSON object")
    }
}
