import Foundation
import OAuthCore

/// Producing signed JWTs (RFC 7519 §7.1) in JWS compact serialization (RFC 7515 §7.1).
public enum JWT {
    /// Header members `sign(claims:…)` writes itself; `extraHeader` may not redefine them.
    public static let reservedHeaderNames: Set<String> = ["alg", "kid", "typ"]

    /// Signs `claims` as a compact JWS with header `{alg, kid, typ}` plus `extraHeader` (RFC 7519 §7.1).
    ///
    /// - Parameters:
    ///   - typ: the explicit type (RFC 8725 §3.11), e.g. `dpop+jwt` (RFC 9449 §4.2) or `at+jwt` (RFC 9068 §2.1);
    ///     nil omits `typ`.
    ///   - includeKid: false omits `kid`, as a DPoP proof does when it carries its key in `jwk` (RFC 9449 §4.2).
    ///   - extraHeader: further members such as `jwk`; must not contain `alg`, `kid` or `typ`.
    /// - Throws: `JOSEError` if `extraHeader` redefines a reserved member, or the signer's error.
    public static func sign(
        claims: [String: JSONValue], typ: String?, key: JWSSigningKey, includeKid: Bool = true,
        extraHeader: [String: JSONValue] = [:]
    ) throws -> String {
        if let clash = extraHeader.keys.first(where: reservedHeaderNames.contains) {
            throw JOSEError("extra header member \(clash) is set by JWT.sign itself")
        }
        var header = extraHeader
        header["alg"] = .string(key.alg.rawValue)
        if includeKid { header["kid"] = .string(key.kid) }
        if let typ { header["typ"] = .string(typ) }
        return try signCompact(header: header, payload: JSONValue.object(claims).jsonData(), key: key)
    }

    /// Signs `payload` under exactly `header`, as given (RFC 7515 §5.1): nothing is added, checked or corrected.
    ///
    /// For protocol messages use `sign(claims:…)`. This exists for tools and negative tests that need a header
    /// Kura would never write on its own (a wrong `alg`, `crit`, a private `jwk`, …).
    public static func signCompact(header: [String: JSONValue], payload: Data, key: JWSSigningKey) throws -> String {
        let signingInput = Base64URL.encode(JSONValue.object(header).jsonData()) + "." + Base64URL.encode(payload)
        let signature = try key.sign(Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}
