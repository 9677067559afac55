import AuthorizationServer
import Foundation
import KuraServer
import OAuthCore
import Testing
import X509

/// RFC 8705 §2.1.2: a `tls_client_auth` client registers exactly one expected subject; the certificate must carry it.
@Suite("RFC 8705 2.1.2 tls_client_auth subject: DN and each SAN type")
struct CertificateMatchingTests {
    let fixture = try! MutualTLSFixture()

    func certificate(sans: [GeneralName]) throws -> Certificate {
        try fixture.issue(cn: "client-1", sans: sans).certificate
    }

    func subject(_ member: String, _ value: String) throws -> TLSClientAuthSubject {
        try TLSClientAuthSubject(metadata: [member: .string(value)])
    }

    @Test("tls_client_auth_subject_dn matches the subject DN, not a SAN")
    func subjectDN() throws {
        let cert = try certificate(sans: [.dnsName("client-1")])
        #expect(try subject("tls_client_auth_subject_dn", MutualTLSFixture.subjectDN(cn: "client-1")).matches(cert))
        #expect(try !subject("tls_client_auth_subject_dn", "CN=client-2,O=Partner Org").matches(cert))
        #expect(try !subject("tls_client_auth_subject_dn", "CN=client-1").matches(cert))
    }

    @Test("tls_client_auth_san_dns matches a dNSName SAN, ignoring ASCII case; never the CN")
    func sanDNS() throws {
        let cert = try certificate(sans: [.dnsName("api.partner.example"), .dnsName("other.example")])
        #expect(try subject("tls_client_auth_san_dns", "api.partner.example").matches(cert))
        #expect(try subject("tls_client_auth_san_dns", "API.Partner.Example").matches(cert))
        #expect(try subject("tls_client_auth_san_dns", "other.example").matches(cert))
        #expect(try !subject("tls_client_auth_san_dns", "partner.example").matches(cert))
        #expect(try !subject("tls_client_auth_san_dns", "client-1").matches(cert), "the CN is not a dNSName SAN")
    }

    @Test("tls_client_auth_san_uri matches a uniformResourceIdentifier SAN exactly")
    func sanURI() throws {
        let cert = try certificate(sans: [.uniformResourceIdentifier("https://partner.example/clients/1")])
        #expect(try subject("tls_client_auth_san_uri", "https://partner.example/clients/1").matches(cert))
        #expect(try !subject("tls_client_auth_san_uri", "https://partner.example/clients/2").matches(cert))
        #expect(try !subject("tls_client_auth_san_dns", "partner.example").matches(cert), "a URI SAN is not a dNSName")
    }

    @Test("tls_client_auth_san_ip compares in binary (RFC 5952 8): any IPv6 spelling of the same address matches")
    func sanIP() throws {
        let cert = try certificate(sans: [DevelopmentPKI.generalName(forHost: "192.0.2.10"),
                                          DevelopmentPKI.generalName(forHost: "2001:db8::1")])
        #expect(try subject("tls_client_auth_san_ip", "192.0.2.10").matches(cert))
        #expect(try subject("tls_client_auth_san_ip", "2001:0db8:0000:0000:0000:0000:0000:0001").matches(cert))
        #expect(try !subject("tls_client_auth_san_ip", "192.0.2.11").matches(cert))
        #expect(try !subject("tls_client_auth_san_ip", "::ffff:192.0.2.10").matches(cert), "a mapped address is another SAN")
    }

    @Test("tls_client_auth_san_email matches an rfc822Name SAN: domain case-insensitive, local part exact")
    func sanEmail() throws {
        let cert = try certificate(sans: [.rfc822Name("Ops@partner.example")])
        #expect(try subject("tls_client_auth_san_email", "Ops@PARTNER.example").matches(cert))
        #expect(try !subject("tls_client_auth_san_email", "ops@partner.example").matches(cert))
        #expect(try !subject("tls_client_auth_san_email", "Ops@other.example").matches(cert))
    }

    @Test("Metadata without exactly one usable subject member cannot authenticate (invalid_client)")
    func misregistered() {
        for metadata: [String: JSONValue] in [
            [:],
            ["tls_client_auth_san_dns": "a.example", "tls_client_auth_san_uri": "https://a.example"],
            ["tls_client_auth_san_dns": ""],
            ["tls_client_auth_san_ip": "not-an-ip"],
            ["tls_client_auth_subject_dn": "not a DN"],
        ] {
            #expect(throws: OAuthError(.invalidClient)) { _ = try TLSClientAuthSubject(metadata: metadata) }
        }
    }
}
