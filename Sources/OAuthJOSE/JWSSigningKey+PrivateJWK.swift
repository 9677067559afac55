import Crypto
import Foundation
import OAuthCore
import _CryptoExtras

extension JWSSigningKey {
    /// Reads a private JWK (RFC 7517 §4; RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2) for persisted server or client keys.
    ///
    /// The public members are checked as `JWK(json:)` does; `d` (and for RSA `p`, `q`, when present) must belong to
    /// them, shown by a sign-and-verify self test. `kid` is taken from the JSON, or is the RFC 7638 thumbprint when
    /// absent. A JSON `alg`, when present, must equal `alg`. For RSA, `dp`/`dq`/`qi` are recomputed and must match
    /// when given; `oth` (multi-prime) is refused.
    public init(privateJWK json: [String: JSONValue], alg: JWSAlgorithm) throws(JOSEError) {
        let publicKey = try JWKPublicKey(json: json)
        guard publicKey.algorithm == alg else { throw JOSEError("a \(publicKey.kty) key cannot sign \(alg.rawValue)") }
        if let declared = try JWKMember.optionalString(json, "alg"), JWSAlgorithm(headerValue: declared) != alg {
            throw JOSEError("JWK alg \(JOSEError.quote(declared)) does not match \(alg.rawValue)")
        }
        let d = try JWKMember.string(json, "d")
        let material: Material
        switch publicKey {
        case .ec:
            let raw = try JWKMember.fixedBytes(d, count: 32, name: "d")
            guard let key = try? P256.Signing.PrivateKey(rawRepresentation: raw) else {
                throw JOSEError("EC private key is invalid")
            }
            material = .p256(key)
        case .okp:
            let raw = try JWKMember.fixedBytes(d, count: 32, name: "d")
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw JOSEError("Ed25519 private key is invalid")
            }
            material = .ed25519(key)
        case .rsa(_, let n, let e):
            material = .rsa(try Self.rsaPrivateKey(json, n: n, e: e, d: d))
        }
        let kid =
            try JWKMember.optionalString(json, "kid")
            ?? JWK(material: publicKey, kid: nil, use: nil, alg: nil).thumbprint()
        self.init(alg: alg, kid: kid, material: material)
        guard publicMaterial.requiredMembers.elementsEqual(publicKey.requiredMembers, by: { $0 == $1 }) else {
            throw JOSEError("private key does not match the JWK's public members")
        }
        let probe = Data("kura-private-jwk-self-test".utf8)
        guard let signature = try? sign(probe), publicKey.isValidSignature(signature, for: probe) else {
            throw JOSEError("private key does not match the JWK's public members")
        }
    }

    /// The private JWK JSON including `kid`, `use: sig` and `alg`; it round-trips through `init(privateJWK:alg:)`.
    /// - Important: holds secret key material. Persist it only in protected storage; never publish it.
    public var privateJWKJSON: [String: JSONValue] {
        var json = publicJWK.publicJSON
        switch material {
        case .p256(let key):
            json["d"] = .string(Base64URL.encode(key.rawRepresentation))
        case .ed25519(let key):
            json["d"] = .string(Base64URL.encode(key.rawRepresentation))
        case .rsa(let key):
            guard let parts = try? RSAPrivateKeyDER(der: key.derRepresentation) else { break }
            for (name, value) in [
                ("d", parts.d), ("p", parts.p), ("q", parts.q), ("dp", parts.dp), ("dq", parts.dq),
                ("qi", parts.qi),
            ] {
                json[name] = .string(Base64URL.encode(value))
            }
        }
        return json
    }

    /// Builds the RSA private key from `d` plus `p`/`q` when present (RFC 7518 §6.3.2), else factors `n` from `d`.
    private static func rsaPrivateKey(
        _ json: [String: JSONValue], n: String, e: String, d: String
    ) throws(JOSEError) -> _RSA.Signing.PrivateKey {
        guard json["oth"] == nil else { throw JOSEError("multi-prime RSA keys (oth) are not supported") }
        let modulus = try JWKMember.unsignedInteger(n, name: "n")
        let exponent = try JWKMember.unsignedInteger(e, name: "e")
        let privateExponent = try JWKMember.unsignedInteger(d, name: "d")
        let key: _RSA.Signing.PrivateKey
        do {
            if let p = try JWKMember.optionalString(json, "p"), let q = try JWKMember.optionalString(json, "q") {
                key = try _RSA.Signing.PrivateKey(
                    n: modulus, e: exponent, d: privateExponent,
                    p: try JWKMember.unsignedInteger(p, name: "p"), q: try JWKMember.unsignedInteger(q, name: "q"))
            } else {
                key = try _RSA.Signing.PrivateKey._createFromNumbers(n: modulus, e: exponent, d: privateExponent)
            }
        } catch let error as JOSEError {
            throw error
        } catch {
            throw JOSEError("RSA private key is invalid")
        }
        let parts = try RSAPrivateKeyDER(der: key.derRepresentation)
        for (name, value) in [("dp", parts.dp), ("dq", parts.dq), ("qi", parts.qi)] {
            if let given = try JWKMember.optionalString(json, name), given != Base64URL.encode(value) {
                throw JOSEError("RSA private member \(name) does not match the key")
            }
        }
        return key
    }
}
