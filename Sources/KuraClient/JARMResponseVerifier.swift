import Foundation
import OAuthCore
import OAuthJOSE

/// Verifies a JARM authorization response (JWT Secured Authorization Response Mode §2.1, §2.4; FAPI 2.0 Message
/// Signing §5.4) and returns the response parameters it carries.
///
/// Pure: the caller supplies the AS keys (from `jwks_uri`) and the clock. Checks, in order: compact JWS with an `alg`
/// of PS256, ES256 or EdDSA (FAPI 2.0 SP §5.4.1-1) and a signature by an AS key (chosen by `kid`); `iss` is exactly the
/// issuer (§2.4 step 3; MS §5.4 NOTE puts `iss` only here); `aud` is or contains the client_id (step 4); `exp` is
/// present and not passed (step 5); every response parameter is a string.
public struct JARMResponseVerifier: Sendable {
    /// FAPI 2.0 SP §5.4.1-1: the same set ID tokens are checked against.
    public static let defaultAlgorithms = IDTokenVerifier.defaultAlgorithms
    /// The members of a code-flow response (RFC 6749 §4.1.2, §4.1.2.1) read from the JWT.
    static let parameterNames = ["code", "state", "error", "error_description", "error_uri"]

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

    /// Verifies the `response` parameter's JWT.
    /// - Returns: the response with `code`/`error`, `state` and `iss` from the JWT, and the JWT itself in `response`;
    ///   check it with `AuthorizationResponse.authorizationCode(issuer:state:)` as any other response.
    /// - Throws: `KuraClientError.invalidSignedAuthorizationResponse` naming the failed check.
    public func verify(_ jwt: String) throws -> AuthorizationResponse {
        do {
            return try check(jwt)
        } catch {
            throw KuraClientError.invalidSignedAuthorizationResponse(error.reason)
        }
    }

    func check(_ jwt: String) throws(JOSEError) -> AuthorizationResponse {
        let jws = try CompactJWS.parse(jwt)
        _ = try jws.verify(with: keys, allowed: allowedAlgorithms)
        let claims = try jws.payloadObject()
        guard let iss = claims["iss"]?.stringValue, iss == issuer else { throw JOSEError("iss is not the issuer \(issuer)") }
        let audiences: [String]
        switch claims["aud"] {
        case .string(let aud)?: audiences = [aud]
        case .array(let items)?: audiences = items.compactMap(\.stringValue)
        default: throw JOSEError("aud is missing")
        }
        guard audiences.contains(clientID) else { throw JOSEError("aud does not contain the client_id") }
        guard let exp = claims["exp"]?.intValue else { throw JOSEError("exp is missing") }
        guard Double(clock.now().epochSeconds) < Double(exp) + leeway else { throw JOSEError("the response has expired (exp)") }
        var values: [String: String] = [:]
        for name in Self.parameterNames {
            guard let value = claims[name] else { continue }
            guard let text = value.stringValue else { throw JOSEError("\(name) must be a string") }
            values[name] = text
        }
        guard values["code"] != nil || values["error"] != nil else { throw JOSEError("neither code nor error in the response") }
        return AuthorizationResponse(
            code: values["code"], state: values["state"], iss: iss, error: values["error"],
            errorDescription: values["error_description"], errorURI: values["error_uri"], response: jwt)
    }
}

extension KuraClient {
    /// The authorization response to act on: a JARM response (`response` parameter) verified against the AS keys and
    /// decoded, or a plain response unchanged. When this client asked for JARM (`responseMode`), a plain response is
    /// refused: it could be forged or downgraded by anyone who can reach the redirect URI. Idempotent: a decoded
    /// response keeps its JWT, and its parameters are always taken from the JWT again.
    /// - Throws: `invalidSignedAuthorizationResponse`; `malformedAuthorizationResponse` for a missing JARM response.
    public func verifiedAuthorizationResponse(_ response: AuthorizationResponse) async throws -> AuthorizationResponse {
        guard let jwt = response.response else {
            if configuration.responseMode?.isJWT == true {
                throw KuraClientError.malformedAuthorizationResponse("a signed (JARM) response was requested but none was received")
            }
            return response
        }
        let verifier = JARMResponseVerifier(
            issuer: configuration.issuerIdentifier, clientID: configuration.clientID, keys: try await keys(for: jwt),
            leeway: configuration.clockSkew, clock: clock)
        return try verifier.verify(jwt)
    }
}
