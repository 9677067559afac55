import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

@Suite("JWSSigningKey (RFC 7515 §5.1, RFC 7518 §3.4–3.5, RFC 8037 §3.1)")
struct JWSSigningKeyTests {
    @Test("RFC 8037 A.4–A.5: the Ed25519 example signature is reproduced and verifies")
    func rfc8037SignatureVector() throws {
        let key = try JWSSigningKey(
            privateJWK: [
                "kty": "OKP", "crv": "Ed25519", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
                "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            ], alg: .edDSA)
        let input = Data("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
        let expected = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        // Pure Ed25519 is deterministic (RFC 8032 §5.1.6); BoringSSL, which swift-crypto uses on Linux, follows it.
        // (Apple's CryptoKit backend adds randomness, so there only verification is checked.)
        #if !canImport(Darwin)
            #expect(Base64URL.encode(try key.sign(input)) == expected)
        #endif
        let jws = try CompactJWS.parse(String(decoding: input, as: UTF8.self) + "." + expected)
        try jws.verify(with: key.publicJWK, allowed: [.edDSA])
        #expect(String(decoding: jws.payload, as: UTF8.self) == "Example of Ed25519 signing")
        #expect(key.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", "kid defaults to the RFC 7638 thumbprint")
    }

    @Test("ES256 signatures are the 64-byte R || S form (RFC 7518 §3.4)")
    func es256SignatureIsRaw() throws {
        let signature = try JOSEFixtures.es256.sign(Data("input".utf8))
        #expect(signature.count == 64)
        #expect(JOSEFixtures.es256.publicJWK.verify(signature: signature, for: Data("input".utf8), alg: .es256))
    }

    @Test("PS256 signatures are PSS with a 32-byte salt: randomised, modulus-sized, verifiable (RFC 7518 §3.5)")
    func ps256SignatureIsPSS() throws {
        let input = Data("input".utf8)
        let first = try JOSEFixtures.ps256.sign(input)
        let second = try JOSEFixtures.ps256.sign(input)
        #expect(first.count == 256 && first != second)
        #expect(JOSEFixtures.ps256.publicJWK.verify(signature: first, for: input, alg: .ps256))
        #expect(!JOSEFixtures.ps256.publicJWK.verify(signature: first, for: Data("other".utf8), alg: .ps256))
    }

    @Test(
        "A private JWK round-trips for every algorithm and signs for the same public key",
        arguments: JWSAlgorithm.allCases)
    func privateJWKRoundTrip(alg: JWSAlgorithm) throws {
        let original = JOSEFixtures.key(alg)
        let json = original.privateJWKJSON
        #expect(json["d"] != nil && json["kid"] == .string(original.kid))
        if alg == .ps256 {
            for name in ["p", "q", "dp", "dq", "qi"] { #expect(json[name] != nil, "RSA member \(name)") }
        }
        let restored = try JWSSigningKey(privateJWK: json, alg: alg)
        #expect(restored.kid == original.kid && restored.alg == alg)
        #expect(restored.publicJWK == original.publicJWK)
        #expect(restored.privateJWKJSON == json)
        let input = Data("round trip".utf8)
        #expect(original.publicJWK.verify(signature: try restored.sign(input), for: input, alg: alg))
    }

    @Test("An RSA private JWK with only n, e and d is accepted (RFC 7518 §6.3.2: p, q are optional)")
    func rsaWithoutPrimes() throws {
        var json = JOSEFixtures.ps256.privateJWKJSON
        for name in ["p", "q", "dp", "dq", "qi"] { json[name] = nil }
        let restored = try JWSSigningKey(privateJWK: json, alg: .ps256)
        #expect(restored.publicJWK == JOSEFixtures.ps256.publicJWK)
    }

    @Test("A private JWK is refused when d does not belong to x/y, or the key type does not fit alg")
    func mismatchedPrivateJWKRejected() {
        var json = JOSEFixtures.es256.privateJWKJSON
        json["d"] = JOSEFixtures.otherES256.privateJWKJSON["d"]
        #expect(throws: JOSEError.self) { try JWSSigningKey(privateJWK: json, alg: .es256) }
        #expect(throws: JOSEError.self) {
            try JWSSigningKey(privateJWK: JOSEFixtures.es256.privateJWKJSON, alg: .ps256)
        }
        #expect(throws: JOSEError.self) {
            try JWSSigningKey(privateJWK: JOSEFixtures.es256.publicJWK.publicJSON, alg: .es256)
        }
        var rsa = JOSEFixtures.ps256.privateJWKJSON
        rsa["dp"] = rsa["dq"]
        #expect(throws: JOSEError.self) { try JWSSigningKey(privateJWK: rsa, alg: .ps256) }
    }

    @Test("RSA generation refuses fewer than 2048 bits (FAPI 2.0 SP §5.4.1-2)")
    func smallRSAGenerationRefused() {
        #expect(throws: (any Error).self) { try JWSSigningKey.generate(.ps256, kid: "x", rsaBits: 1024) }
    }

    @Test("PEM exports are PKCS#8 private and SPKI public keys that swift-crypto reads back")
    func pemExports() throws {
        let ec = JOSEFixtures.es256
        #expect(ec.pemPrivateKey?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        let pub = try P256.Signing.PublicKey(pemRepresentation: try #require(ec.pemPublicKey))
        #expect(
            Base64URL.encode(pub.x963Representation.dropFirst().prefix(32)) == ec.publicJWK.publicJSON["x"]?.stringValue
        )
        let rsa = JOSEFixtures.ps256
        #expect(rsa.pemPrivateKey?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        #expect(try _RSA.Signing.PublicKey(pemRepresentation: try #require(rsa.pemPublicKey)).keySizeInBits == 2048)
        let ed = JOSEFixtures.edDSA
        #expect(ed.pemPrivateKey?.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        #expect(
            try Curve25519.Signing.PublicKey(pemRepresentation: try #require(ed.pemPublicKey)).rawRepresentation.count
                == 32)
    }
}
