import Foundation
import OAuthCore
import OAuthJOSE

/// Reads a JWT access token (RFC 9068) for display and tests, after verifying it against the AS keys.
///
/// Access tokens are opaque to clients (RFC 6749 §1.4); this is a diagnostic, never an authorization decision. It
/// still verifies the signature with a key chosen by `kid`, requires `typ` `at+jwt` (RFC 9068 §2.1, §4) and `iss` =
/// the issuer, so what it shows is what the AS issued.
public struct AccessTokenInspector: Sendable {
    /// The only accepted `iss`.
    public var issuer: String
    /// The AS keys from `jwks_uri`; the token's `kid` picks one.
    public var keys: JWKSet
    public var allowedAlgorithms: Set<JWSAlgorithm>

    public init(issuer: String, keys: JWKSet, allowedAlgorithms: Set<JWSAlgorithm> = IDTokenVerifier.defaultAlgorithms) {
        self.issuer = issuer
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
    }

    /// The verified claims of `accessToken`.
    /// - Throws: `KuraClientError.invalidAccessToken` when it is not a JWT, not `at+jwt`, badly signed or from
    ///   another issuer.
    public func claims(of accessToken: String) throws -> [String: JSONValue] {
        do {
            let jws = try CompactJWS.parse(accessToken)
            let typ = jws.typ?.lowercased()
            guard typ == "at+jwt" || typ == "application/at+jwt" else {
                throw KuraClientError.invalidAccessToken("typ \(typ ?? "none") is not at+jwt (RFC 9068 §4)")
            }
            _ = try jws.verify(with: keys, allowed: allowedAlgorithms)
            let claims = try jws.payloadObject()
            guard claims["iss"]?.stringValue == issuer else {
                throw KuraClientError.invalidAccessToken("iss is not \(issuer)")
            }
            return claims
        } catch let error as KuraClientError {
            throw error
        } catch {
            throw KuraClientError.invalidAccessToken("\(error)")
        }
    }
}
