import Foundation
import SwiftASN1
import X509

/// A distinguished name in its RFC 4514 string form, as a `tls_client_auth_subject_dn` is registered (RFC 8705
/// §2.1.2), parsed so it can be compared with a certificate's subject (`matches(_:)`).
///
/// Parsing follows RFC 4514 §3: RDNs separated by `,` (most significant last), multi-valued RDNs joined by `+`,
/// types as short names (the §3 table plus common X.520/PKCS #9 names) or dotted OIDs, values with `\` escapes
/// (`\,`, `\2C`) or as `#` hex DER. Spaces around `,` `+` `=` are tolerated (RFC 4514 §4 lets implementations accept
/// other forms); a value's own leading or trailing space must be escaped, as §2.4 writes it.
public struct RFC4514DistinguishedName: Sendable, Equatable, CustomStringConvertible {
    /// One attribute type and value (RFC 4514 §2.3).
    public struct Attribute: Sendable, Equatable {
        public enum Value: Sendable, Equatable {
            /// A string value, escapes resolved.
            case string(String)
            /// A `#` hexstring: the BER/DER encoding of the value (RFC 4514 §2.4, §3).
            case der([UInt8])
        }

        public let type: ASN1ObjectIdentifier
        public let value: Value
    }

    /// The RDNs in string order (RFC 4514 §2.1: the reverse of the ASN.1 `RDNSequence`).
    public let rdns: [[Attribute]]
    public let description: String

    /// Short names Kura resolves (RFC 4514 §3 table; X.520; RFC 4519; PKCS #9; ETSI EN 319 412-1
    /// `organizationIdentifier`, which PSD2 client certificates carry). Compared case-insensitively.
    static let shortNames: [String: ASN1ObjectIdentifier] = [
        "cn": [2, 5, 4, 3], "commonname": [2, 5, 4, 3], "sn": [2, 5, 4, 4], "surname": [2, 5, 4, 4],
        "serialnumber": [2, 5, 4, 5], "c": [2, 5, 4, 6], "l": [2, 5, 4, 7], "st": [2, 5, 4, 8], "street": [2, 5, 4, 9],
        "o": [2, 5, 4, 10], "ou": [2, 5, 4, 11], "title": [2, 5, 4, 12], "businesscategory": [2, 5, 4, 15],
        "postalcode": [2, 5, 4, 17], "gn": [2, 5, 4, 42], "givenname": [2, 5, 4, 42],
        "organizationidentifier": [2, 5, 4, 97], "dc": [0, 9, 2342, 19_200_300, 100, 1, 25],
        "uid": [0, 9, 2342, 19_200_300, 100, 1, 1], "e": [1, 2, 840, 113_549, 1, 9, 1],
        "emailaddress": [1, 2, 840, 113_549, 1, 9, 1],
    ]

    /// Parses an RFC 4514 string; nil when it is not one (unknown type name, bad escape, empty RDN …).
    public init?(_ text: String) {
        var scanner = RFC4514Scanner(Array(text.utf8))
        guard let rdns = scanner.distinguishedName(), !rdns.isEmpty else { return nil }
        self.rdns = rdns
        self.description = text
    }

    /// Whether `name` (a certificate's subject) is this DN, by distinguishedNameMatch (RFC 4517 §4.2.15), which
    /// RFC 8705 §2.1 names for comparing subject DNs.
    ///
    /// The RDNs must match one for one and in order; within an RDN the attributes match as a set. Types compare by
    /// OID. String values compare after RFC 4518-style preparation for caseIgnoreMatch (the equality rule of CN,
    /// O, OU, C, L, ST, DC, emailAddress …): runs of spaces fold to one, outer spaces are insignificant, case is
    /// ignored. A `#` hex value must equal the DER of the certificate's value byte for byte.
    public func matches(_ name: DistinguishedName) -> Bool {
        let certificateRDNs = Array(name.reversed())
        guard certificateRDNs.count == rdns.count else { return false }
        return zip(rdns, certificateRDNs).allSatisfy { expected, actual in
            guard expected.count == actual.count else { return false }
            var remaining = Array(actual)
            for attribute in expected {
                guard let index = remaining.firstIndex(where: { Self.matches(attribute, $0) }) else { return false }
                remaining.remove(at: index)
            }
            return true
        }
    }

    static func matches(_ expected: Attribute, _ actual: RelativeDistinguishedName.Attribute) -> Bool {
        guard expected.type == actual.type else { return false }
        switch expected.value {
        case .string(let text):
            guard let certificateText = String(actual.value) else { return false }
            return prepared(text) == prepared(certificateText)
        case .der(let bytes):
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(ASN1Any(actual.value))) != nil else { return false }
            return serializer.serializedBytes == bytes
        }
    }

    /// caseIgnoreMatch preparation (RFC 4518 §2.5–2.6, simplified): outer spaces removed, inner runs of spaces
    /// folded to one, case folded.
    static func prepared(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").lowercased()
    }
}

/// The RFC 4514 §3 grammar over UTF-8 octets.
struct RFC4514Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func distinguishedName() -> [[RFC4514DistinguishedName.Attribute]]? {
        var rdns: [[RFC4514DistinguishedName.Attribute]] = []
        repeat {
            guard let rdn = relativeDistinguishedName() else { return nil }
            rdns.append(rdn)
        } while consume(UInt8(ascii: ","))
        skipSpaces()
        return index == bytes.count ? rdns : nil
    }

    mutating func relativeDistinguishedName() -> [RFC4514DistinguishedName.Attribute]? {
        var attributes: [RFC4514DistinguishedName.Attribute] = []
        repeat {
            skipSpaces()
            guard let type = attributeType() else { return nil }
            skipSpaces()
            guard consume(UInt8(ascii: "=")) else { return nil }
            skipSpaces()
            guard let value = attributeValue() else { return nil }
            attributes.append(.init(type: type, value: value))
        } while consume(UInt8(ascii: "+"))
        return attributes
    }

    /// `descr` (a known short name) or `numericoid` (RFC 4512 §1.4).
    mutating func attributeType() -> ASN1ObjectIdentifier? {
        let start = index
        while index < bytes.count, Self.isTypeCharacter(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let first = text.utf8.first else { return nil }
        if Self.isDigit(first) {
            let arcs = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt($0) }
            guard arcs.count >= 2, !arcs.contains(nil) else { return nil }
            return try? ASN1ObjectIdentifier(elements: arcs.compactMap { $0 })
        }
        return RFC4514DistinguishedName.shortNames[text.lowercased()]
    }

    mutating func attributeValue() -> RFC4514DistinguishedName.Attribute.Value? {
        if consume(UInt8(ascii: "#")) {
            var der: [UInt8] = []
            while index + 1 < bytes.count, let high = Self.hexValue(bytes[index]), let low = Self.hexValue(bytes[index + 1]) {
                der.append(high << 4 | low)
                index += 2
            }
            return der.isEmpty ? nil : .der(der)
        }
        var value: [UInt8] = []
        var escapedLength = 0   // length of `value` up to the last escaped octet: trailing spaces before it count
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "+") { break }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = escape() else { return nil }
                value.append(escaped)
                escapedLength = value.count
                continue
            }
            guard !Self.mustBeEscaped(byte) else { return nil }
            value.append(byte)
            index += 1
        }
        while value.count > escapedLength, value.last == UInt8(ascii: " ") { value.removeLast() }
        guard let text = String(validating: value, as: UTF8.self) else { return nil }
        return .string(text)
    }

    /// `\` followed by a special character or two hex digits (RFC 4514 §3 `pair`).
    mutating func escape() -> UInt8? {
        index += 1
        guard index < bytes.count else { return nil }
        if index + 1 < bytes.count, let high = Self.hexValue(bytes[index]), let low = Self.hexValue(bytes[index + 1]) {
            index += 2
            return high << 4 | low
        }
        let byte = bytes[index]
        guard Array(#"\"+,;<>= #"#.utf8).contains(byte) else { return nil }
        index += 1
        return byte
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    /// RFC 4514 §3 `SUTF1`: `"`, `;`, `<`, `>` and NUL appear in a value only escaped (`,` and `+` end it).
    static func mustBeEscaped(_ byte: UInt8) -> Bool {
        [UInt8(ascii: "\""), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0].contains(byte)
    }

    static func isTypeCharacter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return isDigit(byte) || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
