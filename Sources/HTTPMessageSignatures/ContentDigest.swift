import Crypto
import Foundation
import RawStructuredFieldValues

/// The RFC 9530 `Content-Digest` field: a digest of the message content (after content coding), so that an RFC 9421
/// signature covering `content-digest` covers the body too (FAPI 2.0 HTTP Signatures: "content-digest" when there is a
/// body).
public enum ContentDigest {
    /// The algorithms Kura computes and checks (RFC 9530 §5, §7.2 "Active"): `sha-256` and `sha-512`. The
    /// deprecated `md5`, `sha`, `unixsum` and `unixcksum` are ignored, never trusted.
    public static let supportedAlgorithms = ["sha-256", "sha-512"]

    /// `sha-256=:<base64>:` (RFC 9530 §2, §5: an RFC 8941 Dictionary whose values are Byte Sequences).
    public static func sha256(_ body: some Sequence<UInt8>) -> String {
        "sha-256=:" + Data(SHA256.hash(data: Array(body))).base64EncodedString() + ":"
    }

    /// `sha-512=:<base64>:` (RFC 9530 §5).
    public static func sha512(_ body: some Sequence<UInt8>) -> String {
        "sha-512=:" + Data(SHA512.hash(data: Array(body))).base64EncodedString() + ":"
    }

    /// The digests in a `Content-Digest` value, by algorithm (RFC 9530 §2: a Dictionary of Byte Sequences).
    /// - Throws: when the value is not a Dictionary or a member is not a Byte Sequence.
    public static func parse(_ value: String) throws(HTTPSignatureError) -> [String: [UInt8]] {
        let dictionary = try FieldComponents.parseDictionary(value, field: "content-digest")
        var digests: [String: [UInt8]] = [:]
        for (algorithm, member) in dictionary {
            guard case .item(let item) = member, case .undecodedByteSequence(let base64) = item.rfc9651BareItem,
                let bytes = Data(base64Encoded: base64)
            else { throw HTTPSignatureError("Content-Digest member \(algorithm.prefix(40)) must be a byte sequence") }
            digests[algorithm] = Array(bytes)
        }
        return digests
    }

    /// Checks a `Content-Digest` value against `body` (RFC 9530 §2, §6): at least one supported algorithm must be
    /// present, and every supported digest present must match.
    /// - Throws: a clear reason when the field is malformed, names no supported algorithm, or does not match.
    public static func verify(_ value: String, body: some Sequence<UInt8>) throws(HTTPSignatureError) {
        let digests = try parse(value)
        let content = Array(body)
        var checked = 0
        for (algorithm, digest) in digests {
            let expected: [UInt8]
            switch algorithm {
            case "sha-256": expected = Array(SHA256.hash(data: content))
            case "sha-512": expected = Array(SHA512.hash(data: content))
            default: continue
            }
            guard digest.count == expected.count, zip(digest, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
                throw HTTPSignatureError("The Content-Digest \(algorithm) does not match the body")
            }
            checked += 1
        }
        guard checked > 0 else { throw HTTPSignatureError("The Content-Digest has no sha-256 or sha-512 digest") }
    }
}
