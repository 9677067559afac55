import Foundation
import OAuthJOSE

/// What a verifier accepted (RFC 9421 §3.2): the signature's label, key, creation time and coverage.
public struct VerifiedHTTPSignature: Sendable {
    /// The dictionary label, e.g. `sig`.
    public let label: String
    /// The `keyid` parameter, which chose the key.
    public let keyID: String
    /// The `created` parameter.
    public let created: Date
    /// The serialized component identifiers, e.g. `"@method"`, `"@query-param";name="Pet"`.
    public let coveredComponents: [String]
    /// The serialized inner list and parameters of this signature (the `Signature-Input` member value).
    public let signatureInput: String
    /// The signature bytes.
    public let signature: [UInt8]
}

/// The FAPI 2.0 HTTP Signatures profile of RFC 9421 and RFC 9530 for resource requests and responses
/// (FAPI2-CHECKLIST §C.5 items 14–26): which components are covered, the `tag`, `created` and key rules.
public enum FAPIHTTPSignatures {
    /// The `tag` of a client's request signature ("shall reject requests which don't have a tag parameter with the
    /// value of `fapi-2-request`").
    public static let requestTag = "fapi-2-request"
    /// The `tag` of a resource server's response signature.
    public static let responseTag = "fapi-2-response"
    /// How far in the future `created` may be, for clock skew between signer and verifier.
    public static let allowedClockSkew: TimeInterval = 5
    /// RFC 9421 §3.3.2 and §3.3.3 algorithms the profile never accepts, whatever the key.
    static let refusedAlgorithms: Set<String> = ["hmac-sha256", "rsa-v1_5-sha256"]

    /// Client side (C.5 "client signer"): the header fields to ADD to `request`: `Content-Digest` (only when the body
    /// is non-empty and the request has none), `Signature-Input` and `Signature`.
    ///
    /// Covers `@method`, `@target-uri`, `authorization`, `dpop` when present and `content-digest` when there is a
    /// body; parameters `created`, `keyid` (the key's `kid`) and `tag`. `alg` is omitted: the key fixes it (§3.3).
    /// - Throws: `HTTPSignatureError` when the request has no `Authorization` field or its `Content-Digest` does not
    ///   match the body.
    public static func signRequest(_ request: HTTPSignatureRequest, key: JWSSigningKey, created: Date, label: String = "sig") throws -> [(name: String, value: String)] {
        var request = request
        var added: [(name: String, value: String)] = []
        var components = [try HTTPSignatureComponent("@method"), try HTTPSignatureComponent("@target-uri")]
        let message = HTTPSignedMessage.request(request)
        guard !message.fieldLines("authorization").isEmpty else {
            throw HTTPSignatureError("A FAPI request signature must cover authorization, and the request has none")
        }
        components.append(try HTTPSignatureComponent("authorization"))
        if !message.fieldLines("dpop").isEmpty { components.append(try HTTPSignatureComponent("dpop")) }
        if !request.body.isEmpty {
            let existing = message.fieldLines("content-digest")
            if existing.isEmpty {
                added.append((name: "Content-Digest", value: ContentDigest.sha256(request.body)))
                request.headers.append(added[0])
            } else {
                try ContentDigest.verify(existing.joined(separator: ", "), body: request.body)
            }
            components.append(try HTTPSignatureComponent("content-digest"))
        }
        let parameters = HTTPSignatureParameters(created: Int64(created.timeIntervalSince1970.rounded(.down)), keyID: key.kid, tag: requestTag)
        let signed = try HTTPMessageSigning.sign(.request(request), label: label, components: components, parameters: parameters, key: key)
        return added + signed.fields
    }

    /// Resource-server side (C.5 items 14–21): exactly one signature tagged `fapi-2-request` must verify with the key
    /// of `keys` its `keyid` names, the algorithm following from that key (an `alg` that disagrees is refused).
    ///
    /// Checked in order: the tag; `keyid` and `created` present; `alg` neither HMAC nor RSA v1.5; `created` at most
    /// `allowedClockSkew` ahead and at most `maxAge` old; `expires` not passed; coverage of `@method`, `@target-uri`,
    /// `authorization`, `dpop` when present and `content-digest` when there is a body (item 21), the digest matching;
    /// then the key and the signature itself.
    public static func verifyRequest(_ request: HTTPSignatureRequest, keys: JWKSet, now: Date, maxAge: TimeInterval = 60) throws(HTTPSignatureError) -> VerifiedHTTPSignature {
        let message = HTTPSignedMessage.request(request)
        let signature = try select(in: message, tag: requestTag, what: "request")
        let input = signature.input
        for required in ["@method", "@target-uri", "authorization"] where !input.covers(required) {
            throw HTTPSignatureError("The signature does not cover \(required)")
        }
        if !message.fieldLines("dpop").isEmpty, !input.covers("dpop") {
            throw HTTPSignatureError("The request has a DPoP field but the signature does not cover dpop")
        }
        try checkDigest(message, body: request.body, input: input)
        return try verify(signature, in: message, keys: keys, now: now, maxAge: maxAge)
    }

    /// The one signature with `tag`; none or several are refused (RFC 9421 §3.2 step 1 leaves the choice to policy).
    static func select(in message: HTTPSignedMessage, tag: String, what: String) throws(HTTPSignatureError) -> HTTPMessageSignature {
        let all: [HTTPMessageSignature]
        do { all = try HTTPMessageSignature.all(in: message) } catch {
            throw HTTPSignatureError("The \(what) signature is missing or malformed: \(error.description)")
        }
        let tagged = all.filter { $0.input.parameters.tag == tag }
        guard !tagged.isEmpty else { throw HTTPSignatureError("The \(what) has no signature with tag \(tag)") }
        guard tagged.count == 1 else { throw HTTPSignatureError("The \(what) has more than one signature with tag \(tag)") }
        return tagged[0]
    }

    /// Item 21 / 26: with a body, `content-digest` must be covered; a covered digest must match the body.
    static func checkDigest(_ message: HTTPSignedMessage, body: [UInt8], input: HTTPSignatureInput) throws(HTTPSignatureError) {
        let covered = input.covers("content-digest")
        if !body.isEmpty, !covered { throw HTTPSignatureError("The message has a body but the signature does not cover content-digest") }
        guard covered else { return }
        let lines = message.fieldLines("content-digest")
        guard !lines.isEmpty else { throw HTTPSignatureError("The message has no Content-Digest field") }
        try ContentDigest.verify(lines.map(FieldComponents.trimmed).joined(separator: ", "), body: body)
    }

    /// Parameters, time, key choice by `keyid` and the cryptographic check, shared by requests and responses.
    static func verify(_ signature: HTTPMessageSignature, in message: HTTPSignedMessage, keys: JWKSet, now: Date, maxAge: TimeInterval) throws(HTTPSignatureError) -> VerifiedHTTPSignature {
        let parameters = signature.input.parameters
        guard let keyID = parameters.keyID else { throw HTTPSignatureError("The signature has no keyid parameter") }
        guard let created = parameters.created else { throw HTTPSignatureError("The signature has no created parameter") }
        if let alg = parameters.alg, refusedAlgorithms.contains(alg) {
            throw HTTPSignatureError("The algorithm \(alg) is not allowed")
        }
        let createdDate = Date(timeIntervalSince1970: TimeInterval(created))
        guard createdDate.timeIntervalSince(now) <= allowedClockSkew else {
            throw HTTPSignatureError("The signature created time is in the future")
        }
        guard now.timeIntervalSince(createdDate) <= maxAge else { throw HTTPSignatureError("The signature is too old") }
        if let expires = parameters.expires, TimeInterval(expires) < now.timeIntervalSince1970 {
            throw HTTPSignatureError("The signature has expired")
        }
        let candidates = keys.keys(withKID: keyID)
        guard !candidates.isEmpty else { throw HTTPSignatureError("Unknown keyid \(keyID.prefix(60))") }
        guard candidates.count == 1 else { throw HTTPSignatureError("The keyid \(keyID.prefix(60)) names more than one key") }
        guard candidates[0].isSignatureVerificationKey else {
            throw HTTPSignatureError("The key \(keyID.prefix(60)) is not a signature key")
        }
        try HTTPMessageSigning.verify(signature, in: message, key: .jwk(candidates[0]))
        return VerifiedHTTPSignature(
            label: signature.label, keyID: keyID, created: createdDate,
            coveredComponents: signature.input.components.map(\.identifier), signatureInput: signature.input.serialized,
            signature: signature.signature)
    }
}
