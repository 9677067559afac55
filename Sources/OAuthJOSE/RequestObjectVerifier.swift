import Foundation
import OAuthCore

/// Verifies signed request objects (JAR, RFC 9101 §4, §6) pushed to the PAR endpoint, with the rules of FAPI 2.0
/// Message Signing §5.3.1 and the clock-skew rule of FAPI 2.0 SP §5.3.2.1-13.
///
/// Kept apart from `ClientAssertionVerifier` on purpose: here `aud` may be an array containing the issuer
/// (MS §5.3.1-2), whereas a client assertion's `aud` must be the issuer as a single string (SP §5.3.2.1-8).
public struct RequestObjectVerifier: Sendable {
    /// The explicit type of a request object (RFC 9101 §10.8); MS §5.3.1-5: "shall accept" it. No `typ` is accepted too.
    public static let mediaType = "oauth-authz-req+jwt"
    /// JWT claims that describe the request object itself, not the authorization request it carries.
    public static let jwtClaims: Set<String> = ["iss", "aud", "exp", "nbf", "iat", "jti"]
    /// Request objects carry whole authorization requests (RAR included), so they may be longer than other JWTs.
    public static let maximumLength = 65_536

    /// The authorization server's issuer identifier: `aud` must be it or an array containing it (MS §5.3.1-2).
    public let issuer: String
    /// The JWS algorithms accepted (FAPI 2.0 SP §5.4.1-1).
    public let allowedAlgorithms: Set<JWSAlgorithm>
    /// How far in the future `nbf` may lie (SP §5.3.2.1-13: "shall accept … between 0 and 10 seconds in the future").
    public let maxFutureSkew: TimeInterval
    /// How far in the future `iat` may lie (SP §5.3.2.1-13: "shall reject … greater than 60 seconds in the future").
    public let rejectFutureBeyond: TimeInterval
    /// How old `nbf` may be (MS §5.3.1-3: "no longer than 60 minutes in the past").
    public let maxAge: TimeInterval
    /// The longest `exp - nbf` accepted (MS §5.3.1-4: "no longer than 60 minutes after the nbf claim").
    public let maxLifetime: TimeInterval
    /// How long after `exp` a request object is still accepted, for clock skew (RFC 7519 §4.1.4 "small leeway").
    public let expiryLeeway: TimeInterval

    /// A verifier for request objects addressed to `issuer`; the defaults are FAPI 2.0 MS's and SP's.
    public init(
        issuer: String, allowedAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA], maxFutureSkew: TimeInterval = 10,
        rejectFutureBeyond: TimeInterval = 60, maxAge: TimeInterval = 3600, maxLifetime: TimeInterval = 3600,
        expiryLeeway: TimeInterval = 2
    ) {
        self.issuer = issuer
        self.allowedAlgorithms = allowedAlgorithms
        self.maxFutureSkew = maxFutureSkew
        self.rejectFutureBeyond = rejectFutureBeyond
        self.maxAge = maxAge
        self.maxLifetime = maxLifetime
        self.expiryLeeway = expiryLeeway
    }

    /// Verifies `requestObject` of the authenticated client `clientID` against the client's registered `keys`.
    ///
    /// Checks, in order: compact JWS (a JWE is refused); `typ` absent or `oauth-authz-req+jwt`; no `crit`, `alg`
    /// allowed, signature by a key of `keys` (a header `kid` must name one); `iss` = `client_id` = the authenticated
    /// client (RFC 9101 §6.3); `aud` the issuer or an array containing it; `exp` REQUIRED and not passed; `nbf` REQUIRED,
    /// at most `maxFutureSkew` ahead and `maxAge` old; `exp - nbf` ≤ `maxLifetime`; `iat`, if present, at most
    /// `rejectFutureBeyond` ahead; no `request` or `request_uri` inside (RFC 9101 §4).
    /// - Throws: `OAuthError(.invalidRequestObject)` naming the failed rule (RFC 9101 §6.2, RFC 9126 §2.3).
    public func verify(
        _ requestObject: String, clientID: String, keys: JWKSet, now: Date
    ) throws(OAuthError) -> VerifiedRequestObject {
        do {
            return try check(requestObject, clientID: clientID, keys: keys, now: now)
        } catch {
            throw OAuthError(.invalidRequestObject, "request object rejected: \(error.reason)", detail: "client_id=\(clientID)")
        }
    }

    private func check(_ requestObject: String, clientID: String, keys: JWKSet, now: Date) throws(JOSEError)
        -> VerifiedRequestObject
    {
        let jws = try CompactJWS.parse(requestObject, maximumLength: Self.maximumLength)
        if jws.header["typ"] != nil {
            guard let typ = jws.typ, Self.isRequestObjectType(typ) else { throw JOSEError("typ must be \(Self.mediaType)") }
        }
        _ = try jws.verify(with: keys, allowed: allowedAlgorithms)
        let claims = try jws.payloadObject()

        let iss = try JWTClaim.requiredString(claims, "iss")
        guard JWTClaim.same(iss, clientID) else { throw JOSEError("iss must be the client_id") }
        let innerClientID = try JWTClaim.requiredString(claims, "client_id")
        guard JWTClaim.same(innerClientID, clientID) else { throw JOSEError("client_id must be the authenticated client") }
        try checkAudience(claims["aud"])
        let exp = try checkTimes(claims, now: now)
        for name in ["request", "request_uri"] where claims[name] != nil {
            throw JOSEError("a request object must not contain \(name)")
        }
        return VerifiedRequestObject(parameters: claims.filter { !Self.jwtClaims.contains($0.key) }, expiresAt: exp)
    }

    /// MS §5.3.1-2: "be, or be an array containing, the authorization server's issuer identifier URL".
    private func checkAudience(_ aud: JSONValue?) throws(JOSEError) {
        switch aud {
        case .string(let value)?:
            guard JWTClaim.same(value, issuer) else { throw JOSEError("aud must be the issuer identifier") }
        case .array(let values)?:
            guard values.contains(where: { $0.stringValue.map { JWTClaim.same($0, issuer) } ?? false }) else {
                throw JOSEError("aud must contain the issuer identifier")
            }
        case nil:
            throw JOSEError("claim aud is missing")
        default:
            throw JOSEError("aud must be a string or an array of strings")
        }
    }

    /// MS §5.3.1-3/-4 and SP §5.3.2.1-13. Returns `exp`.
    private func checkTimes(_ claims: [String: JSONValue], now: Date) throws(JOSEError) -> Date {
        let exp = try JWTClaim.requiredDate(claims, "exp")
        guard now.timeIntervalSince(exp) < expiryLeeway else { throw JOSEError("the request object has expired (exp)") }
        let nbf = try JWTClaim.requiredDate(claims, "nbf")
        guard nbf.timeIntervalSince(now) <= maxFutureSkew else { throw JOSEError("the request object is not yet valid (nbf)") }
        guard now.timeIntervalSince(nbf) <= maxAge else {
            throw JOSEError("nbf is more than \(Int(maxAge / 60)) minutes in the past")
        }
        guard exp.timeIntervalSince(nbf) <= maxLifetime else {
            throw JOSEError("exp is more than \(Int(maxLifetime / 60)) minutes after nbf")
        }
        if let iat = try JWTClaim.date(claims, "iat"), iat.timeIntervalSince(now) > rejectFutureBeyond {
            throw JOSEError("iat is more than \(Int(rejectFutureBeyond)) seconds in the future")
        }
        return exp
    }

    /// Whether a `typ` names `application/oauth-authz-req+jwt` (RFC 7515 §4.1.9: media types compare
    /// case-insensitively and the `application/` prefix may be omitted).
    static func isRequestObjectType(_ typ: String) -> Bool {
        let lowered = typ.lowercased()
        return lowered == mediaType || lowered == "application/" + mediaType
    }
}

/// A request object that passed every check of `RequestObjectVerifier` (RFC 9101 §6).
public struct VerifiedRequestObject: Sendable {
    /// The authorization request parameters: every claim except the JWT claims `iss`, `aud`, `exp`, `nbf`, `iat`, `jti`.
    /// RFC 9101 §6.3: the authorization server "MUST only use the parameters in the Request Object".
    public let parameters: [String: JSONValue]
    /// The request object's `exp`.
    public let expiresAt: Date

    /// The parameters as OAuth form parameters: strings as they are, numbers and booleans in their JSON spelling,
    /// arrays and objects (e.g. `authorization_details`, RFC 9396 §2) as JSON text; `null` members are left out.
    public var formParameters: FormParameters {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            switch value {
            case .null: continue
            case .string(let text): values[name] = text
            case .bool(let flag): values[name] = flag ? "true" : "false"
            case .int(let number): values[name] = String(number)
            case .double, .array, .object: values[name] = String(decoding: value.jsonData(), as: UTF8.self)
            }
        }
        return FormParameters(values)
    }
}
