import AuthorizationServer
import Foundation
import Testing
import X509

/// `tls_client_auth_subject_dn` (RFC 8705 §2.1.2): an RFC 4514 string, compared with the certificate's subject by
/// distinguishedNameMatch (RFC 4517 §4.2.15, named by RFC 8705 §2.1).
@Suite("RFC 8705 2.1.2 tls_client_auth_subject_dn: RFC 4514 parsing and distinguishedNameMatch")
struct DistinguishedNameMatchingTests {
    let subject = try! DistinguishedName { CountryName("GB"); OrganizationName("Partner Org"); CommonName("client-1") }

    func matches(_ text: String, _ name: DistinguishedName? = nil) throws -> Bool {
        try #require(RFC4514DistinguishedName(text), "\(text) should parse").matches(name ?? subject)
    }

    @Test("The RFC 4514 string of the subject (most significant RDN last) matches")
    func exactString() throws {
        #expect(try matches("CN=client-1,O=Partner Org,C=GB"))
        #expect("\(subject)" == "CN=client-1,O=Partner Org,C=GB")
    }

    @Test("Attribute type names and values compare case-insensitively; spaces around separators are insignificant")
    func caseAndSpaces() throws {
        #expect(try matches("cn=CLIENT-1, o=partner org, c=gb"))
        #expect(try matches("CN = client-1 ,  O = Partner   Org , C = GB"))
        #expect(try matches("commonName=client-1,O=Partner Org,C=GB"))
    }

    @Test("Dotted OIDs name attribute types (RFC 4514 3 numericoid)")
    func numericOIDs() throws {
        #expect(try matches("2.5.4.3=client-1,2.5.4.10=Partner Org,2.5.4.6=GB"))
    }

    @Test("A different value, a missing or extra RDN, or another RDN order does not match")
    func mismatches() throws {
        #expect(try !matches("CN=client-2,O=Partner Org,C=GB"))
        #expect(try !matches("CN=client-1,O=Partner Org"))
        #expect(try !matches("CN=client-1,OU=Payments,O=Partner Org,C=GB"))
        #expect(try !matches("C=GB,O=Partner Org,CN=client-1"))
        #expect(try !matches("CN=client-1,O=Partner Org,C=DE"))
        #expect(try !matches("O=client-1,O=Partner Org,C=GB"), "same value under another type")
    }

    @Test("Escaped special characters and hex pairs (RFC 4514 2.4) resolve to the value")
    func escapes() throws {
        let name = try DistinguishedName { OrganizationName("Partner, Inc."); CommonName("a+b=c \"q\" é") }
        #expect(try matches(#"CN=a\+b=c \"q\" é,O=Partner\, Inc."#, name))
        #expect(try matches(#"CN=a\2Bb=c \22q\22 \C3\A9,O=Partner\2C Inc."#, name))
        #expect(RFC4514DistinguishedName("CN=a,O=Partner, Inc.") == nil, "an unescaped comma splits the RDN")
    }

    @Test("A multi-valued RDN matches in any attribute order")
    func multiValued() throws {
        let rdn = RelativeDistinguishedName([
            .init(type: .RDNAttributeType.commonName, utf8String: "client-1"),
            .init(type: [0, 9, 2342, 19_200_300, 100, 1, 1], utf8String: "uid-7"),
        ])
        let name = DistinguishedName([RelativeDistinguishedName(.init(type: .RDNAttributeType.organizationName, utf8String: "Org")), rdn])
        #expect(try matches("CN=client-1+UID=uid-7,O=Org", name))
        #expect(try matches("UID=uid-7+CN=client-1,O=Org", name))
        #expect(try !matches("CN=client-1,O=Org", name))
        #expect(try !matches("CN=client-1+UID=uid-8,O=Org", name))
    }

    @Test("A #hexstring value must equal the DER of the certificate's value byte for byte")
    func hexValues() throws {
        // UTF8String (tag 0x0C) "client-1", as CommonName encodes it.
        #expect(try matches("CN=#0c08636c69656e742d31,O=Partner Org,C=GB"))
        // The same text as a PrintableString (tag 0x13) is another encoding.
        #expect(try !matches("CN=#1308636c69656e742d31,O=Partner Org,C=GB"))
    }

    @Test("organizationIdentifier (ETSI EN 319 412-1, PSD2 certificates) is a known type")
    func organizationIdentifier() throws {
        let name = DistinguishedName([
            RelativeDistinguishedName(.init(type: .RDNAttributeType.countryName, utf8String: "GB")),
            RelativeDistinguishedName(.init(type: [2, 5, 4, 97], utf8String: "PSDGB-FCA-123456")),
            RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: "tpp")),
        ])
        #expect(try matches("CN=tpp,organizationIdentifier=PSDGB-FCA-123456,C=GB", name))
    }

    @Test("Strings that are not RFC 4514 DNs are refused", arguments: [
        "", "CN", "CN=a,", ",CN=a", "XYZ=a", #"CN=a\"#, #"CN=a"b"#, "CN=a;O=b", "CN=#zz", "1=a", "CN=a<b",
    ])
    func malformed(_ text: String) {
        #expect(RFC4514DistinguishedName(text) == nil)
    }
}
