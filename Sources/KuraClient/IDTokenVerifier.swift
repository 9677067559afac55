import Foundation
import OAuthCore
import OAuthJOSE

/// ID token validation by the client (OpenID Connect Core §3.1.3.7; FAPI 2.0 SP §5.4.1-1 for the algorithms).
///
/// Pure: the caller supplies the AS keys (from `jwks_uri`) and the clock, so every check is testable offline.
public struct IDTokenVerifier: Sendable {
    /// Why an ID token was rejected. Each case names the OIDC Core §3.1.3.7 item it enforces.
    public enum Failure: Sendable, Hashable, CustomStringConvertible {
        /// Not a compact JWS with a JSON claims set (RFC 7519 §7.2).
        case malformed(String)
        /// Item 6–7: `alg` is not PS256, ES256 or EdDSA (FAPI 2.0 SP §5.4.1-1; RFC 8725 §3.1).
        case algorithmNotAllowed(String?)
        /// Item 6: no key in the JWKS verifies the signature (key chosen by `kid`, RFC 7515 §4.1.4).
        case signature(String)
        /// The JOSE `typ` names another kind of token (RFC 8725 §3.11), e.g. an access token.
        case wrongType(String)
        /// Item 2: `iss` is not exactly the issuer.
        case issuer(expected: String, actual: String?)
        /// Item 3: `aud` does not contain the client_id.
        case audience(String)
        /// Items 4–5: `azp` is present and not the client_id.
        case authorizedParty(String?)
        /// Item 9: the current time is not before `exp`.
        case expired(exp: Int64, now: Int64)
        /// Item 11: `nonce` is not the one sent in the authorization request.
        case nonce(expected: String, actual: String?)
        /// A REQUIRED claim (OIDC Core §2) is missing or has the wrong type.
        case missingClaim(String)

        public var description: String {
            switch self {
            case .malformed(let why): "malformed: \(why)"
            case .algorithmNotAllowed(let alg): "alg \(alg ?? "none") is not allowed"
            case .signature(let why): "signature: \(why)"
            case .wrongType(let typ): "typ \(typ) is not an ID token"
            case .issuer(let expected, let actual): "iss \(actual ?? "none") is not \(expected)"
            case .audience(let why): "aud: \(why)"
            case .authorizedParty(let azp): "azp \(azp ?? "none") is not the client"
            case .expired(let exp, let now): "expired at \(exp), now \(now)"
            case .nonce(let expected, let actual): "nonce \(actual ?? "none") is not \(expected)"
            case .missingClaim(let name): "claim \(name) is missing"
            }
        }
    }

    /// FAPI 2.0 SP §5.4.1-1.
    public static let defaultAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA]

    public var issuer: String
    public var clientID: String
    public var keys: JWKSet
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// Seconds after `exp` still accepted for clock skew.
    public var leeway: TimeInterval
    let clock: any WallClock

    public init(
        issuer: String, clientID: String, keys: JWKSet, allowedAlgorithms: Set<JWSAlgorithm> = defaultAlgorithms,
        leeway: TimeInterval = 30, clock: any WallClock = SystemClock()
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
        self.leeway = leeway
        self.clock = clock
    }

    /// Validates `idToken` and returns its claims.
    /// - Parameter nonce: the `nonce` sent in the authorization request; when given, the claim must equal it.
    /// - Throws: `KuraClientError.invalidIDToken` naming the first failed check.
    public func verify(_ idToken: String, nonce: String?) throws -> [String: JSONValue] {
        do {
            return try check(idToken, nonce: nonce)
        } catch {
            throw KuraClientError.invalidIDToken(error)
        }
    }

    func check(_ idToken: String, nonce: String?) throws(Failure) -> [String: JSONValue] {
        let jws: CompactJWS
        do { jws = try CompactJWS.parse(idToken) } catch { throw .malformed(error.reason) }
        // Item 7: the alg is checked before any key is touched; `none`, RS256 and HS* have no JWSAlgorithm case.
        guard let alg = jws.algorithm, allowedAlgorithms.contains(alg) else {
            throw .algorithmNotAllowed(jws.header["alg"]?.stringValue)
        }
        if let typ = jws.typ?.lowercased(), ["at+jwt", "application/at+jwt", "dpop+jwt"].contains(typ) {
            throw .wrongType(typ)
        }
        do { _ = try jws.verify(with: keys, allowed: allowedAlgorithms) } catch { throw .signature(error.reason) }
        let claims: [String: JSONValue]
        do { claims = try jws.payloadObject() } catch { throw .malformed(error.reason) }
        try checkIssuer(claims)
        try checkAudience(claims)
        try checkExpiry(claims)
        guard claims["sub"]?.stringValue != nil else { throw .missingClaim("sub") }
        guard claims["iat"]?.intValue != nil else { throw .missingClaim("iat") }
        if let nonce, claims["nonce"]?.stringValue != nonce {
            throw .nonce(expected: nonce, actual: claims["nonce"]?.stringValue)
        }
        return claims
    }

    /// Item 2: "The Issuer Identifier … MUST exactly match the value of the iss (issuer) Claim."
    func checkIssuer(_ claims: [String: JSONValue]) throws(Failure) {
        let iss = claims["iss"]?.stringValue
        guard iss == issuer else { throw .issuer(expected: issuer, actual: iss) }
    }

    /// Items 3–5: `aud` contains the client_id (string or array); with several audiences, or whenever present,
    /// `azp` must be the client_id.
    func checkAudience(_ claims: [String: JSONValue]) throws(Failure) {
        let audiences: [String]
        switch claims["aud"] {
        case .string(let aud)?: audiences = [aud]
        case .array(let items)?: audiences = items.compactMap(\.stringValue)
        default: throw .missingClaim("aud")
        }
        guard audiences.contains(clientID) else { throw .audience("\(audiences) does not contain \(clientID)") }
        let azp = claims["azp"]?.stringValue
        if azp != nil || audiences.count > 1 {
            guard azp == clientID else { throw .authorizedParty(azp) }
        }
    }

    /// Item 9: "The current time MUST be before the time represented by the exp Claim".
    func checkExpiry(_ claims: [String: JSONValue]) throws(Failure) {
        guard let exp = claims["exp"]?.intValue else { throw .missingClaim("exp") }
        let now = clock.now().epochSeconds
        guard Double(now) < Double(exp) + leeway else { throw .expired(exp: exp, now: now) }
    }
}

extension IDTokenVerifier.Failure: Error {}
