import Foundation
import Testing

/// FAPI 2.0 SP §5.2 transport rules, checked with an independent TLS client (OpenSSL's `s_client`).
@Suite("TLS transport (FAPI 2.0 SP 5.2, BCP 195)", .serialized)
struct TLSTransportTests {
    func sClient(_ live: LiveServer, _ extra: [String]) throws -> (status: Int32, output: String) {
        try runProcess("openssl", ["s_client", "-connect", "127.0.0.1:\(live.port)", "-servername", "localhost",
                                   "-CAfile", live.caFile] + extra, input: "Q\n")
    }

    @Test("TLS 1.3 is negotiated when the client offers 1.2 and 1.3 (EnsureTLS13PreferredOverTLS12)")
    func prefersTLS13() async throws {
        try await LiveServer.run { live in
            let result = try sClient(live, ["-brief"])
            #expect(result.output.contains("TLSv1.3"), "\(result.output)")
        }
    }

    @Test("TLS 1.1 and 1.0 are refused (SP 5.2.1-2)")
    func refusesOldTLS() async throws {
        try await LiveServer.run { live in
            for flag in ["-tls1_1", "-tls1"] {
                let result = try sClient(live, [flag, "-cipher", "DEFAULT@SECLEVEL=0", "-brief"])
                // With -brief, s_client prints "Protocol version:" only after a completed handshake.
                #expect(!result.output.contains("Protocol version:"), "\(flag) handshake succeeded: \(result.output)")
            }
        }
    }

    @Test("TLS 1.2 permits only the BCP 195 ECDHE-GCM suites (SP 5.2.2-1)")
    func tls12CipherSuites() async throws {
        try await LiveServer.run { live in
            let good = try sClient(live, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-brief"])
            #expect(good.output.contains("ECDHE-ECDSA-AES128-GCM-SHA256"), "\(good.output)")
            for weak in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES256-SHA384"] {
                let result = try sClient(live, ["-tls1_2", "-cipher", weak, "-brief"])
                #expect(!result.output.contains("Protocol version: TLSv1.2"), "\(weak) was accepted: \(result.output)")
            }
        }
    }

    @Test("HTTP/2 is offered by ALPN next to HTTP/1.1")
    func alpnOffersHTTP2() async throws {
        try await LiveServer.run { live in
            let result = try sClient(live, ["-alpn", "h2,http/1.1"])
            #expect(result.output.contains("ALPN protocol: h2"), "\(result.output)")
        }
    }
}
