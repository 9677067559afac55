import Foundation
import OAuthCore
import OAuthJOSE

/// Creates DPoP proof JWTs (RFC 9449 §4.2) with the client's DPoP key.
///
/// Header: `typ: dpop+jwt`, `alg`, and `jwk` holding only the public key's required members (§4.2: "MUST NOT
/// contain a private key"), no `kid`. Claims: `jti`, `htm`, `htu` (without query and fragment), `iat`, plus `ath`
/// when presenting an access token (§4.2, §7) and `nonce` when the server provided one (§8, §9).
public struct DPoPProofFactory: Sendable {
    /// The `typ` header value (RFC 9449 §4.2).
    public static let type = "dpop+jwt"

    /// The DPoP private key; its public half goes in every proof's `jwk` header.
    public let key: JWSSigningKey
    let clock: any WallClock
    let random: any RandomSource

    public init(key: JWSSigningKey, clock: any WallClock = SystemClock(), random: any RandomSource = SystemRandom()) {
        self.key = key
        self.clock = clock
        self.random = random
    }

    /// The RFC 7638 thumbprint of the DPoP key: the `dpop_jkt` value (RFC 9449 §10) and the tokens' `cnf.jkt` (§6).
    public var thumbprint: String { key.publicJWK.thumbprint() }

    /// The public key as it goes in the `jwk` header: only the members RFC 7638 §3.2 requires for its `kty`.
    public var publicJWK: [String: JSONValue] {
        key.publicJWK.publicJSON.filter { !["kid", "use", "alg", "key_ops"].contains($0.key) }
    }

    /// A fresh proof for one request.
    /// - Parameters:
    ///   - method: the HTTP method (`htm`, RFC 9449 §4.2).
    ///   - url: the request URL; `htu` is it without query and fragment (§4.2).
    ///   - accessToken: when presenting a token to a resource server, its hash goes in `ath` (§7).
    ///   - nonce: the server's most recent `DPoP-Nonce` (§8, §9).
    public func proof(method: String, url: URL, accessToken: String? = nil, nonce: String? = nil) throws -> String {
        var claims: [String: JSONValue] = [
            "jti": .string(random.token()),
            "htm": .string(method.uppercased()),
            "htu": .string(Self.htu(for: url)),
            "iat": .int(clock.now().epochSeconds),
        ]
        if let accessToken { claims["ath"] = .string(Self.accessTokenHash(accessToken)) }
        if let nonce { claims["nonce"] = .string(nonce) }
        do {
            return try JWT.sign(
                claims: claims, typ: Self.type, key: key, includeKid: false, extraHeader: ["jwk": .object(publicJWK)])
        } catch {
            throw KuraClientError.signingFailed("DPoP proof: \(error)")
        }
    }

    /// The `htu` value: the target URI "without query and fragment parts" (RFC 9449 §4.2).
    public static func htu(for url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url.absoluteString }
        components.percentEncodedQuery = nil
        components.fragment = nil
        return components.string ?? url.absoluteString
    }

    /// `ath`: base64url of the SHA-256 of the ASCII access token (RFC 9449 §4.2).
    public static func accessTokenHash(_ accessToken: String) -> String { CredentialHash.of(accessToken) }
}
