import Foundation
import OAuthCore

/// Reading typed JWK members (RFC 7517 §4, RFC 7518 §6): every value must have the type its definition gives.
enum JWKMember {
    /// A REQUIRED string member.
    static func string(_ json: [String: JSONValue], _ name: String) throws(JOSEError) -> String {
        guard let value = try optionalString(json, name) else { throw JOSEError("JWK member \(name) is missing") }
        return value
    }

    /// An OPTIONAL string member: absent is nil, any non-string value is an error.
    static func optionalString(_ json: [String: JSONValue], _ name: String) throws(JOSEError) -> String? {
        guard let value = json[name] else { return nil }
        guard case .string(let text) = value else { throw JOSEError("JWK member \(name) must be a string") }
        return text
    }

    /// An OPTIONAL array of strings (`key_ops`, RFC 7517 §4.3).
    static func optionalStrings(_ json: [String: JSONValue], _ name: String) throws(JOSEError) -> [String]? {
        guard let value = json[name] else { return nil }
        guard case .array(let items) = value else { throw JOSEError("JWK member \(name) must be an array") }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw JOSEError("JWK member \(name) must hold strings") }
            strings.append(text)
        }
        return strings
    }

    /// A fixed-length octet string such as an EC coordinate, which "MUST be the full size" (RFC 7518 §6.2.1.2).
    static func fixedBytes(_ text: String, count: Int, name: String) throws(JOSEError) -> Data {
        guard let bytes = Base64URL.decodeCanonical(text) else {
            throw JOSEError("JWK member \(name) is not base64url")
        }
        guard bytes.count == count else { throw JOSEError("JWK member \(name) must be \(count) octets") }
        return bytes
    }

    /// A Base64urlUInt (RFC 7518 §2): "MUST utilize the minimum number of octets", so no leading zero octet.
    static func unsignedInteger(_ text: String, name: String) throws(JOSEError) -> Data {
        guard let bytes = Base64URL.decodeCanonical(text), !bytes.isEmpty else {
            throw JOSEError("JWK member \(name) is not base64url")
        }
        guard bytes.count == 1 || bytes.first != 0 else {
            throw JOSEError("JWK member \(name) has a leading zero octet (RFC 7518 §2 Base64urlUInt)")
        }
        return bytes
    }
}
