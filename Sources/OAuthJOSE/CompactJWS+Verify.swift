import Foundation
import OAuthCore

extension CompactJWS {
    /// Verifies this JWS with one key the caller chose (RFC 7515 §5.2 steps 5 and 8; RFC 8725 §3.1).
    ///
    /// Rejects any `crit` header (RFC 7515 §4.1.11: Kura understands no extension), an `alg` outside `allowed` or
    /// outside Kura's three algorithms, an `alg` the key type is not bound to, and a signature that does not verify.
    /// Header members that name keys (`jwk`, `jku`, `x5u`, `x5c`, `kid`) are never used to find the key.
    public func verify(with key: JWK, allowed: Set<JWSAlgorithm>) throws(JOSEError) {
        let alg = try checkedAlgorithm(allowed: allowed)
        guard key.canVerify(alg) else { throw JOSEError("key (kty \(key.kty)) may not verify \(alg.rawValue)") }
        guard key.verify(signature: signature, for: signingInput, alg: alg) else {
            throw JOSEError("signature does not verify")
        }
    }

    /// Verifies this JWS with a key from a registered set and returns the key that verified it (RFC 7515 §4.1.4,
    /// §5.2; FAPI 2.0 SP §5.4.3).
    ///
    /// With a header `kid`, only keys with exactly that `kid` are candidates; an unknown `kid` fails and never falls
    /// back to another key. Without `kid`, every key bound to the header's `alg` is a candidate. Keys sharing a `kid`
    /// are told apart by `kty`/`alg`/`use` through `canVerify` (SP §5.4.3).
    public func verify(with keys: JWKSet, allowed: Set<JWSAlgorithm>) throws(JOSEError) -> JWK {
        let alg = try checkedAlgorithm(allowed: allowed)
        let candidates: [JWK]
        if let kidValue = header["kid"] {
            guard case .string(let kid) = kidValue else { throw JOSEError("JWS header kid must be a string") }
            let withKID = keys.keys(withKID: kid)
            guard !withKID.isEmpty else { throw JOSEError("no registered key has kid \(JOSEError.quote(kid))") }
            candidates = withKID.filter { $0.canVerify(alg) }
            guard !candidates.isEmpty else {
                throw JOSEError("key \(JOSEError.quote(kid)) may not verify \(alg.rawValue)")
            }
        } else {
            candidates = keys.keys.filter { $0.canVerify(alg) }
            guard !candidates.isEmpty else { throw JOSEError("no registered key can verify \(alg.rawValue)") }
        }
        guard let key = candidates.first(where: { $0.verify(signature: signature, for: signingInput, alg: alg) }) else {
            throw JOSEError("signature does not verify")
        }
        return key
    }

    /// The header checks that come before any key is touched: no `crit` (RFC 7515 §4.1.11) and an `alg` that is one
    /// of Kura's algorithms and in `allowed` (RFC 7515 §5.2 step 5; FAPI 2.0 SP §5.4.1-1; RFC 8725 §3.1).
    func checkedAlgorithm(allowed: Set<JWSAlgorithm>) throws(JOSEError) -> JWSAlgorithm {
        guard header["crit"] == nil else { throw JOSEError("JWS header crit is not supported") }
        guard let algValue = header["alg"] else { throw JOSEError("JWS header alg is missing") }
        guard case .string(let name) = algValue else { throw JOSEError("JWS header alg must be a string") }
        guard let alg = JWSAlgorithm(headerValue: name), allowed.contains(alg) else {
            throw JOSEError("alg \(JOSEError.quote(name)) is not allowed")
        }
        return alg
    }
}
