import Foundation
import OAuthCore

/// A public JSON Web Key (RFC 7517 §4) of a type Kura accepts: EC P-256, OKP Ed25519 or RSA of 2048–8192 bits.
///
/// Parsing is strict: unknown `kty`/`crv`, non-canonical base64url, an EC point off the curve and RSA keys below
/// 2048 bits (FAPI 2.0 SP §5.4.1-2) are rejected. The key is bound to exactly one algorithm (`canVerify`), so a
/// token header can never pick how a key is used (RFC 8725 §3.1).
public struct JWK: Sendable, Hashable {
    /// The members whose presence marks a private or symmetric key (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
    /// RFC 9449 §4.3 check 7 rejects a DPoP `jwk` header carrying any of them.
    public static let privateMemberNames: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    let material: JWKPublicKey

    /// `kty` (RFC 7517 §4.1): `EC`, `OKP` or `RSA`.
    public var kty: String { material.kty }
    /// `kid` (RFC 7517 §4.5).
    public var kid: String?
    /// `use` (RFC 7517 §4.2). When present it must be `sig` for the key to verify anything.
    public var use: String?
    /// `alg` (RFC 7517 §4.4). When present it must name the algorithm the key is used with.
    public var alg: String?
    /// `key_ops` (RFC 7517 §4.3). When present it must contain `verify` for the key to verify anything.
    public var keyOps: [String]?
    /// Whether the JSON this key was read from carried private or symmetric members (`d`, `p`, `q`, `dp`, `dq`,
    /// `qi`, `oth`, `k`). The key itself only ever holds the public part.
    public private(set) var hasPrivateMembers: Bool

    /// Reads a JWK from its JSON object (RFC 7517 §4).
    /// - Throws: `JOSEError` for an unsupported `kty` or `crv`, bad base64url, RSA below 2048 bits, an EC point not on
    ///   P-256, or a member of the wrong JSON type.
    public init(json: [String: JSONValue]) throws(JOSEError) {
        material = try JWKPublicKey(json: json)
        kid = try JWKMember.optionalString(json, "kid")
        use = try JWKMember.optionalString(json, "use")
        alg = try JWKMember.optionalString(json, "alg")
        keyOps = try JWKMember.optionalStrings(json, "key_ops")
        hasPrivateMembers = json.keys.contains { Self.privateMemberNames.contains($0) }
    }

    /// Reads a JWK from JSON text whose top level is an object.
    public init(jsonData: Data) throws(JOSEError) {
        try self.init(json: StrictJSON.object(jsonData, what: "JWK"))
    }

    init(material: JWKPublicKey, kid: String?, use: String?, alg: String?) {
        self.material = material
        self.kid = kid
        self.use = use
        self.alg = alg
        self.keyOps = nil
        self.hasPrivateMembers = false
    }

    /// The public members only (RFC 7517 §4, RFC 7518 §6), plus `kid`, `use`, `alg` and `key_ops` when set:
    /// what a JWK Set document or a DPoP `jwk` header publishes.
    public var publicJSON: [String: JSONValue] {
        var json: [String: JSONValue] = [:]
        for member in material.requiredMembers { json[member.name] = .string(member.value) }
        if let kid { json["kid"] = .string(kid) }
        if let use { json["use"] = .string(use) }
        if let alg { json["alg"] = .string(alg) }
        if let keyOps { json["key_ops"] = .array(keyOps.map(JSONValue.string)) }
        return json
    }

    /// Whether this key may verify a JWS with `alg` (FAPI 2.0 SP §5.4.1-1; RFC 8725 §3.1).
    ///
    /// EC P-256 verifies only ES256, OKP Ed25519 only EdDSA, RSA only PS256. A JWK `alg` member, when present, must
    /// name the same algorithm (RFC 7517 §4.4); `use` other than `sig` (§4.2) or `key_ops` without `verify` (§4.3)
    /// rule the key out.
    public func canVerify(_ alg: JWSAlgorithm) -> Bool {
        guard material.algorithm == alg else { return false }
        if let declared = self.alg, JWSAlgorithm(headerValue: declared) != alg { return false }
        if let use, use != "sig" { return false }
        if let keyOps, !keyOps.contains("verify") { return false }
        return true
    }

    /// Verifies `signature` over the JWS signing input (RFC 7515 §5.2 step 8); false whenever `canVerify(alg)` is.
    public func verify(signature: Data, for signingInput: Data, alg: JWSAlgorithm) -> Bool {
        canVerify(alg) && material.isValidSignature(signature, for: signingInput)
    }

    public static func == (lhs: JWK, rhs: JWK) -> Bool {
        lhs.material.requiredMembers.elementsEqual(rhs.material.requiredMembers) { $0 == $1 }
            && lhs.kid == rhs.kid && lhs.use == rhs.use && lhs.alg == rhs.alg && lhs.keyOps == rhs.keyOps
            && lhs.hasPrivateMembers == rhs.hasPrivateMembers
    }

    public func hash(into hasher: inout Hasher) {
        for member in material.requiredMembers {
            hasher.combine(member.name)
            hasher.combine(member.value)
        }
        hasher.combine(kid)
        hasher.combine(use)
        hasher.combine(alg)
        hasher.combine(keyOps)
        hasher.combine(hasPrivateMembers)
    }
}
