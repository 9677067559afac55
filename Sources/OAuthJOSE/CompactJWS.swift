import Foundation
import OAuthCore

/// A JWS in compact serialization (RFC 7515 §7.1), parsed but NOT yet trusted.
///
/// `parse` only checks form (RFC 7515 §5.2 steps 1–6); nothing read from it may be used before one of the
/// `verify` methods succeeds.
public struct CompactJWS: Sendable {
    /// The largest token accepted, so header and payload parsing stay cheap for unauthenticated input.
    public static let defaultMaximumLength = 16_384

    /// The decoded JOSE header (RFC 7515 §4).
    public let header: [String: JSONValue]
    /// The decoded payload octets.
    public let payload: Data
    /// ASCII(BASE64URL(header) || "." || BASE64URL(payload)): the octets the signature covers (RFC 7515 §5.2 step 8).
    public let signingInput: Data
    /// The decoded signature octets (possibly empty, as with `alg: none`, which no verifier accepts).
    public let signature: Data

    /// Parses `token` (RFC 7515 §5.2 steps 1–6, §7.1).
    ///
    /// Requires exactly three parts, canonical base64url in each (§2), a protected header that is a JSON object
    /// without duplicate member names (step 4) and at most `maximumLength` characters.
    public static func parse(
        _ token: String, maximumLength: Int = defaultMaximumLength
    ) throws(JOSEError) -> CompactJWS {
        guard token.utf8.count <= maximumLength else { throw JOSEError("token is longer than \(maximumLength) octets") }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw JOSEError("compact JWS must have exactly three parts, found \(parts.count)")
        }
        guard let headerText = String(parts[0]), let payloadText = String(parts[1]),
            let signatureText = String(parts[2])
        else { throw JOSEError("token is not ASCII") }
        guard !headerText.isEmpty, let headerBytes = Base64URL.decodeCanonical(headerText) else {
            throw JOSEError("JWS header is not base64url")
        }
        guard let payload = Base64URL.decodeCanonical(payloadText) else {
            throw JOSEError("JWS payload is not base64url")
        }
        guard let signature = Base64URL.decodeCanonical(signatureText) else {
            throw JOSEError("JWS signature is not base64url")
        }
        let header = try StrictJSON.object(headerBytes, what: "JWS header")
        return CompactJWS(
            header: header, payload: payload, signingInput: Data((headerText + "." + payloadText).utf8),
            signature: signature)
    }

    /// The header `alg` as one of Kura's algorithms (RFC 7515 §4.1.1); nil when it is missing, not a string, or any
    /// other algorithm (`none`, `RS256`, `HS256`, …).
    public var algorithm: JWSAlgorithm? {
        header["alg"]?.stringValue.flatMap(JWSAlgorithm.init(headerValue:))
    }

    /// The header `kid` when it is a string (RFC 7515 §4.1.4).
    public var kid: String? { header["kid"]?.stringValue }

    /// The header `typ` when it is a string (RFC 7515 §4.1.9).
    public var typ: String? { header["typ"]?.stringValue }

    /// The payload as a JSON object: what a JWT's claims set must be (RFC 7519 §7.2 step 10). Duplicate claim
    /// names are refused (RFC 7519 §4).
    public func payloadObject() throws(JOSEError) -> [String: JSONValue] {
        try StrictJSON.object(payload, what: "JWS payload")
    }
}
