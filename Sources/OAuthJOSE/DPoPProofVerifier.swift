import Crypto
import Foundation
import OAuthCore

/// Validates DPoP proofs (RFC 9449 §4.3) at the PAR endpoint, the token endpoint and the resource server.
///
/// Replay protection (§4.3 check 11, second half; §11.1) and server nonces (check 10) are the caller's: store
/// `VerifiedDPoPProof.jti` for `maxAge` and compare `nonce` with the one issued.
public struct DPoPProofVerifier: Sendable {
    /// The explicit type every proof carries (RFC 9449 §4.2).
    public static let mediaType = "dpop+jwt"

    /// Acceptable `alg` values (check 5; FAPI 2.0 SP §5.4.1-1).
    public let allowedAlgorithms: Set<JWSAlgorithm>
    /// How old a proof's `iat` may be (check 11).
    public let maxAge: TimeInterval
    /// How far in the future a proof's `iat` may be (check 11; FAPI 2.0 SP §5.3.2.1-13 asks for at least 10 s).
    public let maxFutureSkew: TimeInterval

    /// A verifier with FAPI 2.0 SP defaults: PS256/ES256/EdDSA, proofs up to 5 minutes old and 10 s ahead.
    public init(
        allowedAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA], maxAge: TimeInterval = 300,
        maxFutureSkew: TimeInterval = 10
    ) {
        self.allowedAlgorithms = allowedAlgorithms
        self.maxAge = maxAge
        self.maxFutureSkew = maxFutureSkew
    }

    /// Runs RFC 9449 §4.3 checks 1–9, 11 (time window) and 12 (`ath`).
    ///
    /// - Parameters:
    ///   - headerValues: every value of the `DPoP` request header; exactly one is required (check 1).
    ///   - method: the request's HTTP method, compared case-sensitively with `htm` (check 8).
    ///   - url: the full request URL; `htu` must equal it without query and fragment after RFC 3986 §6.2.2–6.2.3
    ///     normalisation (check 9).
    ///   - accessToken: when given, `ath` is REQUIRED and must be base64url(SHA-256(token)) (check 12, §7).
    /// - Throws: `OAuthError(.invalidDPoPProof)` naming the failed check (§5, §7.1). The resource server changes
    ///   the status to 401 itself.
    public func verify(
        headerValues: [String], method: String, url: String, accessToken: String?, now: Date
    ) throws(OAuthError) -> VerifiedDPoPProof {
        do {
            return try check(headerValues: headerValues, method: method, url: url, accessToken: accessToken, now: now)
        } catch {
            throw OAuthError.invalidDPoPProof("DPoP proof rejected: \(error.reason)")
        }
    }

    private func check(
        headerValues: [String], method: String, url: String, accessToken: String?, now: Date
    ) throws(JOSEError) -> VerifiedDPoPProof {
        guard headerValues.count == 1, let value = headerValues.first else {
            throw JOSEError("exactly one DPoP header is required, found \(headerValues.count)")
        }
        let jws = try CompactJWS.parse(value.trimmingOWS())
        guard let typ = jws.typ, Self.isDPoPType(typ) else { throw JOSEError("typ must be dpop+jwt") }
        guard let jwkValue = jws.header["jwk"] else { throw JOSEError("jwk header is missing") }
        guard case .object(let jwkJSON) = jwkValue else { throw JOSEError("jwk header must be a JSON object") }
        let jwk = try JWK(json: jwkJSON)
        guard !jwk.hasPrivateMembers else { throw JOSEError("jwk header must not contain a private key") }
        try jws.verify(with: jwk, allowed: allowedAlgorithms)
        let claims = try jws.payloadObject()

        let htm = try JWTClaim.requiredString(claims, "htm")
        guard JWTClaim.same(htm, method) else { throw JOSEError("htm does not match the request method") }
        let htu = try JWTClaim.requiredString(claims, "htu")
        guard HTUNormalization.matches(htu, requestURI: url) else { throw JOSEError("htu does not match the request URI") }

        let iat = try JWTClaim.requiredDate(claims, "iat")
        guard iat.timeIntervalSince(now) <= maxFutureSkew else { throw JOSEError("iat is too far in the future") }
        guard now.timeIntervalSince(iat) <= maxAge else { throw JOSEError("iat is too old") }
        let jti = try JWTClaim.jti(claims)

        if let accessToken {
            let ath = try JWTClaim.requiredString(claims, "ath")
            let expected = Base64URL.encode(SHA256.hash(data: Data(accessToken.utf8)))
            guard ConstantTime.equals(ath, expected) else { throw JOSEError("ath does not match the access token") }
        }
        let nonce = try JWTClaim.string(claims, "nonce")
        return VerifiedDPoPProof(jkt: jwk.thumbprint(), jti: jti, issuedAt: iat, nonce: nonce, jwk: jwk)
    }

    /// Whether a `typ` names `application/dpop+jwt` (RFC 7515 §4.1.9: media types compare case-insensitively and
    /// the `application/` prefix may be omitted).
    static func isDPoPType(_ typ: String) -> Bool {
        let lowered = typ.lowercased()
        return lowered == mediaType || lowered == "application/" + mediaType
    }
}

/// A DPoP proof that passed `DPoPProofVerifier` (RFC 9449 §4.3).
public struct VerifiedDPoPProof: Sendable {
    /// The RFC 7638 thumbprint of the proof key: compared with `dpop_jkt` and `cnf.jkt` (RFC 9449 §6.1, §10).
    public let jkt: String
    /// The proof's `jti`, for the caller's replay cache (§11.1).
    public let jti: String
    /// The proof's `iat`.
    public let issuedAt: Date
    /// The proof's `nonce`, when present, for the caller's server-nonce check (§8, §9).
    public let nonce: String?
    /// The public key from the proof's `jwk` header.
    public let jwk: JWK
}
