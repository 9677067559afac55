import Foundation
import OAuthCore
import SwiftASN1
import X509

/// The one certificate subject a `tls_client_auth` client registered (RFC 8705 §2.1.2: "exactly one of" the
/// metadata members below), and whether a certificate carries it (§2.1: the client is authenticated "if the
/// subject information in the certificate matches the single expected subject").
public enum TLSClientAuthSubject: Sendable, Equatable {
    /// `tls_client_auth_subject_dn`: the subject DN, compared by distinguishedNameMatch (`RFC4514DistinguishedName`).
    case subjectDN(RFC4514DistinguishedName)
    /// `tls_client_auth_san_dns`: a dNSName SAN, compared as DNS names are (ASCII case-insensitive, RFC 4343).
    case dnsName(String)
    /// `tls_client_auth_san_uri`: a uniformResourceIdentifier SAN, compared as a string.
    case uri(String)
    /// `tls_client_auth_san_ip`: an iPAddress SAN, compared "in binary format" (RFC 8705 §2.1.2, RFC 5952 §8).
    case ipAddress([UInt8])
    /// `tls_client_auth_san_email`: an rfc822Name SAN; the domain compares case-insensitively, the local part exactly.
    case email(String)

    /// The subject a client registered.
    /// - Throws: `invalid_client` when the metadata does not name exactly one usable subject (registration
    ///   validates this; a stored client that fails it cannot authenticate).
    public init(metadata: [String: JSONValue]) throws(OAuthError) {
        let present = Self.members.filter { metadata[$0] != nil }
        guard present.count == 1, let value = metadata[present[0]]?.stringValue, !value.isEmpty else {
            throw OAuthError.invalidClient("The client has no single registered certificate subject (RFC 8705 2.1.2)")
        }
        switch present[0] {
        case "tls_client_auth_subject_dn":
            guard let dn = RFC4514DistinguishedName(value) else {
                throw OAuthError.invalidClient("The client's tls_client_auth_subject_dn is not an RFC 4514 string")
            }
            self = .subjectDN(dn)
        case "tls_client_auth_san_dns": self = .dnsName(value)
        case "tls_client_auth_san_uri": self = .uri(value)
        case "tls_client_auth_san_ip":
            guard let bytes = TrustedProxy.addressBytes(value) else {
                throw OAuthError.invalidClient("The client's tls_client_auth_san_ip is not an IP address")
            }
            self = .ipAddress(bytes)
        default: self = .email(value)
        }
    }

    /// RFC 8705 §2.1.2 metadata members, one of which a `tls_client_auth` client registers.
    public static let members = ["tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
                                 "tls_client_auth_san_ip", "tls_client_auth_san_email"]

    /// Whether `certificate` carries this subject. A SAN extension that does not parse matches nothing.
    public func matches(_ certificate: Certificate) -> Bool {
        if case .subjectDN(let dn) = self { return dn.matches(certificate.subject) }
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        return names.contains { name in
            switch (self, name) {
            case (.dnsName(let expected), .dnsName(let actual)):
                return Self.asciiLowercased(expected) == Self.asciiLowercased(actual)
            case (.uri(let expected), .uniformResourceIdentifier(let actual)):
                return expected == actual
            case (.ipAddress(let expected), .ipAddress(let actual)):
                return expected == Array(actual.bytes)
            case (.email(let expected), .rfc822Name(let actual)):
                return Self.sameMailbox(expected, actual)
            default:
                return false
            }
        }
    }

    /// RFC 5321 §2.4: the local part is case-sensitive, the domain is not.
    static func sameMailbox(_ a: String, _ b: String) -> Bool {
        guard let at1 = a.lastIndex(of: "@"), let at2 = b.lastIndex(of: "@") else { return a == b }
        return a[..<at1] == b[..<at2] && asciiLowercased(String(a[at1...])) == asciiLowercased(String(b[at2...]))
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
