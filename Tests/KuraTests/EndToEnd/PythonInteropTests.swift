import Foundation
import OAuthJOSE
import Testing

/// Interop: an independent FAPI 2.0 client written only with PyPI libraries (requests, joserfc) completes the
/// private_key_jwt + DPoP flow against Kura over HTTPS and verifies the ID token and access token signatures
/// against `jwks_uri` (interop/fapi2_client.py). Fails, never skips, when Python or joserfc is missing.
@Suite("Interop with an independent Python FAPI 2.0 client", .serialized)
struct PythonInteropTests {
    @Test("joserfc + requests client completes PAR, login, consent and token, and verifies both tokens")
    func pythonClientCompletesFlow() async throws {
        try await LiveServer.run { live in
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            let script = root.appendingPathComponent("interop/fapi2_client.py").path
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: keyFile) }
            try JSONEncoder().encode(live.test.clientKey.privateJWKJSON).write(to: keyFile)
            let hexSecret = TestServer.totpSecret.map { String(format: "%02x", $0) }.joined()
            let result = try runProcess("python3", [script, live.issuer, live.caFile, live.test.clientID, keyFile.path,
                                                    TestServer.username, TestServer.password, hexSecret, TestServer.redirectURI])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("interop: PASS"))
        }
    }
}
