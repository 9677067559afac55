import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

@Suite("JWK (RFC 7517, RFC 7518 §6, RFC 7638)")
struct JWKTests {
    @Test("RFC 7638 §3.1: the example RSA key has thumbprint NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    func rfc7638Vector() throws {
        let jwk = try JWK(json: JOSEFixtures.rfc7638Key)
        #expect(jwk.thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(String(decoding: jwk.thumbprintInput, as: UTF8.self).hasPrefix(#"{"e":"AQAB","kty":"RSA","n":"0vx7"#))
    }

    @Test("RFC 8037 A.3: the example Ed25519 key has thumbprint kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    func rfc8037ThumbprintVector() throws {
        let jwk = try JWK(json: ["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"])
        #expect(jwk.thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("The thumbprint ignores kid, use and alg (RFC 7638 §3.2: required members only)")
    func thumbprintIgnoresOptionalMembers() throws {
        var json = JOSEFixtures.es256.publicJWK.publicJSON
        let withMembers = try JWK(json: json)
        json["kid"] = nil
        json["use"] = nil
        json["alg"] = nil
        #expect(try JWK(json: json).thumbprint() == withMembers.thumbprint())
    }

    @Test("RSA keys below 2048 bits are rejected (FAPI 2.0 SP §5.4.1-2)")
    func rsa1024Rejected() throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let primitives = try small.publicKey.getKeyPrimitives()
        let json: [String: JSONValue] = [
            "kty": "RSA", "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
        #expect(throws: JOSEError.self) { try JWK(json: json) }
    }

    @Test("Unknown kty and crv are rejected: oct, P-384, X25519, Ed448")
    func unknownTypesRejected() {
        let x = Base64URL.encode(Data(repeating: 7, count: 32))
        let candidates: [[String: JSONValue]] = [
            ["kty": "oct", "k": "c2VjcmV0"],
            ["kty": "EC", "crv": "P-384", "x": .string(x), "y": .string(x)],
            ["kty": "OKP", "crv": "X25519", "x": .string(x)],
            ["kty": "OKP", "crv": "Ed448", "x": .string(x)],
            ["crv": "P-256", "x": .string(x), "y": .string(x)],
        ]
        for json in candidates {
            #expect(throws: JOSEError.self) { try JWK(json: json) }
        }
    }

    @Test("An EC point that is not on P-256 is rejected")
    func pointNotOnCurve() {
        let json: [String: JSONValue] = [
            "kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(Data(repeating: 1, count: 32))),
            "y": .string(Base64URL.encode(Data(repeating: 2, count: 32))),
        ]
        #expect(throws: JOSEError.self) { try JWK(json: json) }
    }

    @Test("Bad base64url, short coordinates and non-minimal RSA integers are rejected")
    func badEncodingsRejected() {
        var ec = JOSEFixtures.es256.publicJWK.publicJSON
        ec["x"] = "not base64url!"
        #expect(throws: JOSEError.self) { try JWK(json: ec) }
        ec["x"] = .string(Base64URL.encode(Data(repeating: 1, count: 31)))
        #expect(throws: JOSEError.self) { try JWK(json: ec) }
        var padded = JOSEFixtures.es256.publicJWK.publicJSON
        padded["x"] = .string((padded["x"]?.stringValue ?? "") + "=")
        #expect(throws: JOSEError.self) { try JWK(json: padded) }
        var rsa = JOSEFixtures.rfc7638Key
        rsa["e"] = "AAEAAQ"  // 0x00 0x01 0x00 0x01: a leading zero octet
        #expect(throws: JOSEError.self) { try JWK(json: rsa) }
        var wrongType = JOSEFixtures.es256.publicJWK.publicJSON
        wrongType["kid"] = 42
        #expect(throws: JOSEError.self) { try JWK(json: wrongType) }
    }

    @Test("Each key type verifies only its algorithm, and a JWK alg member must agree (RFC 8725 §3.1)")
    func keyTypeBindsAlgorithm() throws {
        let ec = JOSEFixtures.es256.publicJWK
        let rsa = JOSEFixtures.ps256.publicJWK
        let ed = JOSEFixtures.edDSA.publicJWK
        #expect(ec.canVerify(.es256) && !ec.canVerify(.ps256) && !ec.canVerify(.edDSA))
        #expect(rsa.canVerify(.ps256) && !rsa.canVerify(.es256) && !rsa.canVerify(.edDSA))
        #expect(ed.canVerify(.edDSA) && !ed.canVerify(.es256) && !ed.canVerify(.ps256))
        let rs256Declared = try JWK(json: JOSEFixtures.rfc7638Key)
        #expect(!rs256Declared.canVerify(.ps256))
        var encryption = ec
        encryption.use = "enc"
        #expect(!encryption.canVerify(.es256))
        var ed25519Named = ed
        ed25519Named.alg = "Ed25519"
        #expect(ed25519Named.canVerify(.edDSA))
    }

    @Test("hasPrivateMembers reports d, p, q, dp, dq, qi, oth and k (RFC 9449 §4.3 check 7)")
    func privateMembersDetected() throws {
        #expect(!JOSEFixtures.es256.publicJWK.hasPrivateMembers)
        for name in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            var json = JOSEFixtures.es256.publicJWK.publicJSON
            json[name] = "AQAB"
            #expect(try JWK(json: json).hasPrivateMembers, "member \(name)")
        }
        let fromPrivate = try JWK(json: JOSEFixtures.ps256.privateJWKJSON)
        #expect(fromPrivate.hasPrivateMembers)
        #expect(fromPrivate.publicJSON["d"] == nil && fromPrivate.publicJSON["p"] == nil)
    }

    @Test("publicJSON keeps public members plus kid, use and alg, and round-trips")
    func publicJSONRoundTrip() throws {
        for key in [JOSEFixtures.es256, JOSEFixtures.ps256, JOSEFixtures.edDSA] {
            let json = key.publicJWK.publicJSON
            #expect(json["kid"] == .string(key.kid) && json["use"] == "sig" && json["alg"] == .string(key.alg.rawValue))
            #expect(json["d"] == nil)
            #expect(try JWK(json: json) == key.publicJWK)
            #expect(try JWK(jsonData: JSONValue.object(json).jsonData()) == key.publicJWK)
        }
    }
}
