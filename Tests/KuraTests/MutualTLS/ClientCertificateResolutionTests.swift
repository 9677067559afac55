import AuthorizationServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Where the client certificate of a request comes from (RFC 8705 §2, §3): Kura's own TLS handshake, or — only from a
/// configured trusted TLS-terminating proxy — the RFC 9440 `Client-Cert` header (§4: "MUST only be trusted" from such
/// a proxy). From anyone else the header is ignored and removed.
@Suite("RFC 9440 Client-Cert: trusted proxies only; the TLS handshake otherwise")
struct ClientCertificateResolutionTests {
    let fixture = try! MutualTLSFixture()
    let logger = Logger(label: "test")

    func resolver(enabled: Bool = true, proxies: [String] = ["10.0.0.0/8", "2001:db8::7"]) throws -> ClientCertificateResolver {
        ClientCertificateResolver(configuration: MutualTLSConfiguration(enabled: enabled, trustedProxies: try proxies.map(TrustedProxy.init)))
    }

    func header(_ der: [UInt8]) -> String { ":" + Data(der).base64EncodedString() + ":" }

    func fields(certificate: [UInt8]? = nil, chain: [[UInt8]] = []) -> HTTPFields {
        var fields = HTTPFields()
        if let certificate { fields[ClientCertHeader.certificateField] = header(certificate) }
        if !chain.isEmpty { fields[ClientCertHeader.chainField] = chain.map(header).joined(separator: ", ") }
        return fields
    }

    @Test("From a trusted proxy, Client-Cert is the client certificate; the proxy's own TLS certificate is not")
    func trustedProxyHeader() async throws {
        let client = try fixture.issue(cn: "client-1").certificateDER, proxy = try fixture.issue(cn: "proxy").certificateDER
        let resolved = try await resolver().resolve(
            headers: fields(certificate: client), peer: try SocketAddress(ipAddress: "10.1.2.3", port: 50000), logger: logger,
            handshakeCertificate: { proxy })
        #expect(resolved?.der == client)
        #expect(resolved?.source == .trustedProxy)
        let noHeader = try await resolver().resolve(
            headers: [:], peer: try SocketAddress(ipAddress: "10.1.2.3", port: 50000), logger: logger, handshakeCertificate: { proxy })
        #expect(noHeader == nil, "a request the proxy forwards without Client-Cert has no client certificate")
    }

    @Test("From any other peer, Client-Cert is ignored: only the TLS handshake's certificate counts")
    func untrustedPeerHeader() async throws {
        let forged = try fixture.issue(cn: "victim").certificateDER, own = try fixture.issue(cn: "attacker").certificateDER
        for peer in ["192.0.2.1", "11.0.0.1", "2001:db8::8"] {
            let address = try SocketAddress(ipAddress: peer, port: 443)
            let withoutTLS = try await resolver().resolve(headers: fields(certificate: forged), peer: address, logger: logger,
                                                          handshakeCertificate: { nil })
            #expect(withoutTLS == nil, "\(peer)")
            let withTLS = try await resolver().resolve(headers: fields(certificate: forged), peer: address, logger: logger,
                                                       handshakeCertificate: { own })
            #expect(withTLS?.der == own, "\(peer)")
            #expect(withTLS?.source == .tlsHandshake)
        }
        let unknownPeer = try await resolver().resolve(headers: fields(certificate: forged), peer: nil, logger: logger, handshakeCertificate: { nil })
        #expect(unknownPeer == nil)
    }

    @Test("Client-Cert-Chain from a trusted proxy supplies intermediates; a malformed Client-Cert yields no certificate")
    func chainAndMalformed() async throws {
        let client = try fixture.issue(cn: "client-1").certificateDER
        let ca = try fixture.pki.caCertificate
        let peer = try SocketAddress(ipAddress: "2001:db8::7", port: 443)
        let caDER = try MutualTLSFixture.der(ca)
        let resolved = try await resolver().resolve(headers: fields(certificate: client, chain: [caDER]), peer: peer, logger: logger,
                                                    handshakeCertificate: { nil })
        #expect(resolved?.intermediates == [ca])
        for bad in ["MIIB", ":not base64!:", ":" + Data(client).base64EncodedString(), "::", ":AAAA:"] {
            var headers = HTTPFields()
            headers[ClientCertHeader.certificateField] = bad
            #expect(try await resolver().resolve(headers: headers, peer: peer, logger: logger, handshakeCertificate: { nil }) == nil, "\(bad)")
        }
        var repeated = fields(certificate: client)
        repeated.append(HTTPField(name: ClientCertHeader.certificateField, value: header(client)))
        #expect(try await resolver().resolve(headers: repeated, peer: peer, logger: logger, handshakeCertificate: { nil }) == nil)
    }

    @Test("With mutual TLS disabled no certificate reaches any endpoint")
    func disabled() async throws {
        let client = try fixture.issue(cn: "client-1").certificateDER
        let resolved = try await resolver(enabled: false).resolve(
            headers: fields(certificate: client), peer: try SocketAddress(ipAddress: "10.0.0.1", port: 1), logger: logger,
            handshakeCertificate: { client })
        #expect(resolved == nil)
    }

    @Test("RFC 8941 byte sequences: padding may be omitted; anything else malformed is refused")
    func byteSequences() {
        #expect(ClientCertHeader.byteSequence(":AQID:") == [1, 2, 3])
        #expect(ClientCertHeader.byteSequence(":AQI=:") == [1, 2])
        #expect(ClientCertHeader.byteSequence(":AQI:") == [1, 2])
        #expect(ClientCertHeader.byteSequence("AQID") == nil)
        #expect(ClientCertHeader.byteSequence(":AQ ID:") == nil)
        #expect(ClientCertHeader.byteSequence(":AQ-_:") == nil, "base64url is not the sf-binary alphabet")
        #expect(ClientCertHeader.byteSequence(":AQID:;p=1") == nil)
    }

    @Test("Trusted proxies: single addresses and CIDR ranges, IPv4 and IPv6; mapped IPv4 peers compare as IPv4")
    func trustedProxyRanges() throws {
        func bytes(_ text: String) throws -> [UInt8] {
            let address = try SocketAddress(ipAddress: text, port: 1)
            return try #require(TrustedProxy.addressBytes(of: address))
        }
        let range = try TrustedProxy("10.0.0.0/8")
        #expect(range.contains(try bytes("10.200.1.1")))
        #expect(!range.contains(try bytes("11.0.0.1")))
        #expect(range.contains(try bytes("::ffff:10.1.2.3")))
        #expect(range.description == "10.0.0.0/8")
        let host = try TrustedProxy("192.0.2.7")
        #expect(try host.contains(bytes("192.0.2.7")) && !host.contains(bytes("192.0.2.8")))
        let v6 = try TrustedProxy("fd00::/8")
        #expect(try v6.contains(bytes("fd12:3456::1")) && !v6.contains(bytes("fe80::1")))
        #expect(!v6.contains(try bytes("10.0.0.1")))
        #expect(try TrustedProxy("::ffff:10.0.0.0/104") == range)
        #expect(try TrustedProxy("10.1.2.3/8") == range, "host bits are cleared")
        for bad in ["proxy.example", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "::/129", ""] {
            #expect(throws: MutualTLSConfigurationError.self, "\(bad)") { _ = try TrustedProxy(bad) }
        }
    }

    @Test("The middleware removes Client-Cert headers from untrusted peers before any route sees them")
    func middlewareStripsHeaders() async throws {
        let router = Router(context: KuraRequestContext.self)
        router.add(middleware: ClientCertificateMiddleware(configuration: try resolver().configuration))
        router.get("/probe") { request, context -> String in
            "certificate=\(context.clientCertificate != nil) header=\(request.headers[ClientCertHeader.certificateField] != nil) chain=\(request.headers[ClientCertHeader.chainField] != nil)"
        }
        let client = try fixture.issue(cn: "client-1").certificateDER
        try await Application(router: router).test(.router) { test in
            let response = try await test.execute(uri: "/probe", method: .get, headers: fields(certificate: client, chain: [client]))
            #expect(String(buffer: response.body) == "certificate=false header=false chain=false")
        }
    }
}
