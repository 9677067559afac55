import Foundation
import OAuthCore

/// Typed reads of JWT claims (RFC 7519 §4.1) for the verifiers: a claim that is present with the wrong JSON type is
/// an error, never silently treated as absent.
enum JWTClaim {
    /// The longest `jti` accepted; callers keep every `jti` in a replay cache (RFC 7523 §3 item 7, RFC 9449 §11.1).
    static let maximumJTILength = 256

    /// An OPTIONAL string claim.
    static func string(_ claims: [String: JSONValue], _ name: String) throws(JOSEError) -> String? {
        guard let value = claims[name] else { return nil }
        guard case .string(let text) = value else { throw JOSEError("claim \(name) must be a string") }
        return text
    }

    /// A REQUIRED string claim.
    static func requiredString(_ claims: [String: JSONValue], _ name: String) throws(JOSEError) -> String {
        guard let text = try string(claims, name) else { throw JOSEError("claim \(name) is missing") }
        return text
    }

    /// An OPTIONAL NumericDate claim (RFC 7519 §2: seconds since the epoch, integer or not).
    static func date(_ claims: [String: JSONValue], _ name: String) throws(JOSEError) -> Date? {
        switch claims[name] {
        case nil: return nil
        case .int(let seconds)?: return Date(timeIntervalSince1970: TimeInterval(seconds))
        case .double(let seconds)? where seconds.isFinite: return Date(timeIntervalSince1970: seconds)
        default: throw JOSEError("claim \(name) must be a NumericDate")
        }
    }

    /// A REQUIRED NumericDate claim.
    static func requiredDate(_ claims: [String: JSONValue], _ name: String) throws(JOSEError) -> Date {
        guard let date = try date(claims, name) else { throw JOSEError("claim \(name) is missing") }
        return date
    }

    /// A REQUIRED `jti` (RFC 7519 §4.1.7): a non-empty string of at most `maximumJTILength` characters.
    static func jti(_ claims: [String: JSONValue]) throws(JOSEError) -> String {
        let jti = try requiredString(claims, "jti")
        guard !jti.isEmpty else { throw JOSEError("claim jti is empty") }
        guard jti.count <= maximumJTILength else { throw JOSEError("claim jti is longer than \(maximumJTILength)") }
        return jti
    }

    /// Byte-for-byte equality, as RFC 7519 §2 "StringOrURI" comparison requires (no Unicode normalisation).
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
