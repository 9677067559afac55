import Foundation
import OAuthCore

/// Verifies `private_key_jwt` client assertions: RFC 7523 §3, OpenID Connect Core §9, FAPI 2.0 SP §5.3.2.1-8
/// (`aud` is the issuer, as a string) and §5.3.2.1-13 (clock skew).
///
/// Replay protection is the caller's: store `VerifiedClientAssertion.jti` until `expiresAt` (RFC 7523 §3 item 7).
public struct ClientAssertionVerifier: Sendable {
    /// The authorization server's issuer identifier (RFC 8414 §2), the only accepted `aud`.
    public let issuer: String
    /// The JWS algorithms accepted (FAPI 2.0 SP §5.4.1-1).
    public let allowedAlgorithms: Set<JWSAlgorithm>
    /// How far in the future `nbf` may lie (SP §5.3.2.1-13: "shall accept … between 0 and 10 seconds in the future").
    public let maxFutureSkew: TimeInterval
    /// How far in the future `iat` may lie before the assertion is rejected (SP §5.3.2.1-13: "shall reject … greater
    /// than 60 seconds in the future").
    public let rejectFutureBeyond: TimeInterval
    /// The longest remaining lifetime `exp - now` accepted, plus `maxFutureSkew` for the client's clock.
    public let maxLifetime: TimeInterval
    /// How long after `exp` an assertion is still accepted, for clock skew (RFC 7519 §4.1.4 "small leeway").
    public let expiryLeeway: TimeInterval

    /// A verifier for assertions addressed to `issuer`; the defaults are FAPI 2.0 SP's.
    public init(
        issuer: String, allowedAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA],
        maxFutureSkew: TimeInterval = 10, rejectFutureBeyond: TimeInterval = 60, maxLifetime: TimeInterval = 300,
        expiryLeeway: TimeInterval = 2
    ) {
        self.issuer = issuer
        self.allowedAlgorithms = allowedAlgorithms
        self.maxFutureSkew = maxFutureSkew
        self.rejectFutureBeyond = rejectFutureBeyond
        self.maxLifetime = maxLifetime
        self.expiryLeeway = expiryLeeway
    }

    /// Verifies `assertion` for `clientID` against the client's registered `keys`.
    ///
    /// Checks, in order: compact JWS; no `crit`, `alg` allowed, signature by a key of `keys` (a header `kid` must name
    /// one, RFC 7515 §4.1.4); `iss` = `sub` = client_id (RFC 7523 §3 items 1–2); `aud` is a JSON string equal to the
    /// issuer byte for byte (SP §5.3.2.1-8 — an array, the token or the PAR endpoint URL are refused); `exp` REQUIRED
    /// and not passed (item 4); `exp` at most `maxLifetime` ahead; `jti` REQUIRED (OIDC Core §9); `iat` at most
    /// `rejectFutureBeyond` and `nbf` at most `maxFutureSkew` in the future (SP §5.3.2.1-13, items 5–6).
    /// - Throws: `OAuthError(.invalidClient)` naming the failed rule (RFC 6749 §5.2).
    public func verify(
        _ assertion: String, clientID: String, keys: JWKSet, now: Date
    ) throws(OAuthError) -> VerifiedClientAssertion {
        let jws: CompactJWS
        do { jws = try CompactJWS.parse(assertion) } catch {
            throw OAuthError.invalidClient("client assertion rejected: \(error.reason)", detail: "client_id=\(clientID)")
        }
        return try verify(jws, clientID: clientID, keys: keys, now: now)
    }

    /// `verify(_:clientID:keys:now:)` for an assertion the caller has already parsed (to learn the claimed client).
    public func verify(
        _ jws: CompactJWS, clientID: String, keys: JWKSet, now: Date
    ) throws(OAuthError) -> VerifiedClientAssertion {
        do {
            return try check(jws, clientID: clientID, keys: keys, now: now)
        } catch {
            throw OAuthError.invalidClient(
                "client assertion rejected: \(error.reason)", detail: "client_id=\(clientID)")
        }
    }

    private func check(_ jws: CompactJWS, clientID: String, keys: JWKSet, now: Date) throws(JOSEError)
        -> VerifiedClientAssertion
    {
        let key = try jws.verify(with: keys, allowed: allowedAlgorithms)
        let claims = try jws.payloadObject()

        let iss = try JWTClaim.requiredString(claims, "iss")
        guard JWTClaim.same(iss, clientID) else { throw JOSEError("iss must be the client_id") }
        let sub = try JWTClaim.requiredString(claims, "sub")
        guard JWTClaim.same(sub, clientID) else { throw JOSEError("sub must be the client_id") }

        switch claims["aud"] {
        case .string(let aud)?:
            guard JWTClaim.same(aud, issuer) else { throw JOSEError("aud must be the issuer identifier") }
        case .array?:
            throw JOSEError("aud must be the issuer identifier as a single string, not an array")
        case nil:
            throw JOSEError("claim aud is missing")
        default:
            throw JOSEError("aud must be the issuer identifier as a string")
        }

        let exp = try JWTClaim.requiredDate(claims, "exp")
        guard now.timeIntervalSince(exp) < expiryLeeway else { throw JOSEError("the assertion has expired (exp)") }
        guard exp.timeIntervalSince(now) <= maxLifetime + maxFutureSkew else {
            throw JOSEError("exp is more than \(Int(maxLifetime)) seconds in the future")
        }
        let jti = try JWTClaim.jti(claims)

        if let iat = try JWTClaim.date(claims, "iat"), iat.timeIntervalSince(now) > rejectFutureBeyond {
            throw JOSEError("iat is more than \(Int(rejectFutureBeyond)) seconds in the future")
        }
        if let nbf = try JWTClaim.date(claims, "nbf"), nbf.timeIntervalSince(now) > maxFutureSkew {
            throw JOSEError("the assertion is not yet valid (nbf)")
        }
        return VerifiedClientAssertion(jti: jti, expiresAt: exp, key: key)
    }
}

/// A client assertion that passed every check of `ClientAssertionVerifier` (RFC 7523 §3).
public struct VerifiedClientAssertion: Sendable {
    /// The assertion's `jti`, to be remembered until `expiresAt` so a replay is refused (RFC 7523 §3 item 7).
    public let jti: String
    /// The assertion's `exp`.
    public let expiresAt: Date
    /// The registered key that verified the signature.
    public let key: JWK
}
