import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

@Suite("Compact JWS parsing and verification (RFC 7515 §5.2, §7.1; RFC 8725 §3.1)")
struct CompactJWSTests {
    let claims: [String: JSONValue] = ["iss": "client-1", "n": 1]
    let all: Set<JWSAlgorithm> = Set(JWSAlgorithm.allCases)

    @Test("A signed JWT verifies with its public key and exposes header and claims", arguments: JWSAlgorithm.allCases)
    func roundTrip(alg: JWSAlgorithm) throws {
        let key = JOSEFixtures.key(alg)
        let token = try JWT.sign(claims: claims, typ: "JWT", key: key)
        let jws = try CompactJWS.parse(token)
        #expect(jws.algorithm == alg && jws.kid == key.kid && jws.typ == "JWT")
        try jws.verify(with: key.publicJWK, allowed: [alg])
        #expect(try jws.payloadObject() == claims)
        #expect(try jws.verify(with: JOSEFixtures.jwkSet(JOSEFixtures.otherES256, key), allowed: all) == key.publicJWK)
    }

    @Test("RFC 7515 A.3: the ES256 example JWS verifies with the example key")
    func rfc7515ES256Vector() throws {
        let jwk = try JWK(json: [
            "kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        ])
        let token = """
            eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl\
            fQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q
            """
        try CompactJWS.parse(token).verify(with: jwk, allowed: [.es256])
    }

    @Test("The fully specified alg name Ed25519 is read as EdDSA (RFC 9864 §2.2)")
    func ed25519AlgName() throws {
        let token = try JWT.signCompact(header: ["alg": "Ed25519"], payload: Data("{}".utf8), key: JOSEFixtures.edDSA)
        let jws = try CompactJWS.parse(token)
        #expect(jws.algorithm == .edDSA)
        try jws.verify(with: JOSEFixtures.edDSA.publicJWK, allowed: [.edDSA])
    }

    @Test("alg none is rejected, with and without a signature")
    func algNoneRejected() throws {
        let unsigned = JOSEFixtures.rawToken(header: ["alg": "none"], payload: JOSEFixtures.claimsData(claims)) { _ in
            Data()
        }
        let jws = try CompactJWS.parse(unsigned)
        #expect(jws.algorithm == nil)
        #expect(throws: JOSEError.self) { try jws.verify(with: JOSEFixtures.es256.publicJWK, allowed: all) }
        #expect(throws: JOSEError.self) { try jws.verify(with: JOSEFixtures.jwkSet(JOSEFixtures.es256), allowed: all) }
        let withSignature = try JOSEFixtures.rawToken(header: ["alg": "none"], payload: Data("{}".utf8)) {
            try JOSEFixtures.es256.sign($0)
        }
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(withSignature).verify(with: JOSEFixtures.es256.publicJWK, allowed: all)
        }
    }

    @Test("RS256 is rejected even when the RSA signature is valid (FAPI 2.0 SP §5.4.1-1)")
    func rs256Rejected() throws {
        let rsa = JOSEFixtures.legacyRSA
        let token = try JOSEFixtures.rawToken(header: ["alg": "RS256"], payload: JOSEFixtures.claimsData(claims)) {
            try rsa.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let jwk = try JWK(json: [
            "kty": "RSA", "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ])
        #expect(throws: JOSEError.self) { try CompactJWS.parse(token).verify(with: jwk, allowed: all) }
    }

    @Test("HS256 keyed with the verifier's public key is rejected (RFC 8725 §2.1 key confusion)")
    func hs256WithPublicKeyRejected() throws {
        let publicKey = JOSEFixtures.es256.publicJWK
        for secret in [
            JSONValue.object(publicKey.publicJSON).jsonData(), Data((JOSEFixtures.es256.pemPublicKey ?? "").utf8),
        ] {
            let token = JOSEFixtures.rawToken(
                header: ["alg": "HS256", "kid": "es-1"], payload: JOSEFixtures.claimsData(claims)
            ) {
                Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: secret)))
            }
            #expect(throws: JOSEError.self) { try CompactJWS.parse(token).verify(with: publicKey, allowed: all) }
            #expect(throws: JOSEError.self) {
                try CompactJWS.parse(token).verify(with: JOSEFixtures.jwkSet(JOSEFixtures.es256), allowed: all)
            }
        }
    }

    @Test("A PS256 header over an EC key is rejected: alg must fit the key type")
    func algKeyTypeMismatch() throws {
        let token = try JWT.signCompact(
            header: ["alg": "PS256"], payload: JOSEFixtures.claimsData(claims), key: JOSEFixtures.es256)
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(token).verify(with: JOSEFixtures.es256.publicJWK, allowed: all)
        }
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(token).verify(with: JOSEFixtures.jwkSet(JOSEFixtures.es256), allowed: all)
        }
    }

    @Test("An algorithm outside the allowed set is rejected even when the key fits")
    func notAllowedRejected() throws {
        let token = try JWT.sign(claims: claims, typ: nil, key: JOSEFixtures.es256)
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(token).verify(with: JOSEFixtures.es256.publicJWK, allowed: [.ps256])
        }
    }

    @Test("Any crit header is rejected (RFC 7515 §4.1.11)")
    func critRejected() throws {
        for crit: JSONValue in [["exp"], [], "b64"] {
            let token = try JWT.sign(
                claims: claims, typ: nil, key: JOSEFixtures.es256, extraHeader: ["crit": crit, "exp": 1])
            #expect(throws: JOSEError.self) {
                try CompactJWS.parse(token).verify(with: JOSEFixtures.es256.publicJWK, allowed: all)
            }
        }
    }

    @Test("An unknown kid fails and never falls back to another registered key")
    func unknownKidDoesNotFallBack() throws {
        let token = try JWT.sign(
            claims: claims, typ: nil,
            key: try JWSSigningKey(
                privateJWK: JOSEFixtures.es256.privateJWKJSON.merging(["kid": "nope"]) { $1 }, alg: .es256))
        let keys = JOSEFixtures.jwkSet(JOSEFixtures.es256)
        #expect(throws: JOSEError.self) { try CompactJWS.parse(token).verify(with: keys, allowed: all) }
        let kidless = try JWT.sign(claims: claims, typ: nil, key: JOSEFixtures.es256, includeKid: false)
        #expect(try CompactJWS.parse(kidless).verify(with: keys, allowed: all) == JOSEFixtures.es256.publicJWK)
    }

    @Test("A kid naming one key never lets another key with a different kid verify")
    func kidSelectsExactly() throws {
        let token = try JWT.signCompact(
            header: ["alg": "ES256", "kid": "es-2"], payload: Data("{}".utf8), key: JOSEFixtures.es256)
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(token).verify(
                with: JOSEFixtures.jwkSet(JOSEFixtures.es256, JOSEFixtures.otherES256), allowed: all)
        }
    }

    @Test("A tampered payload or signature fails verification", arguments: JWSAlgorithm.allCases)
    func tamperedRejected(alg: JWSAlgorithm) throws {
        let key = JOSEFixtures.key(alg)
        let token = try JWT.sign(claims: claims, typ: nil, key: key)
        let tampered = JOSEFixtures.tamperedPayload(token, with: ["iss": "attacker", "n": 1])
        #expect(throws: JOSEError.self) { try CompactJWS.parse(tampered).verify(with: key.publicJWK, allowed: all) }
        var parts = token.split(separator: ".").map(String.init)
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[signature.startIndex] ^= 1
        parts[2] = Base64URL.encode(signature)
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(parts.joined(separator: ".")).verify(with: key.publicJWK, allowed: all)
        }
    }

    @Test(
        "Malformed compact serializations are rejected at parse time",
        arguments: [
            "a.b", "a.b.c.d", "", "..", "eyJhbGciOiJFUzI1NiJ9.e30.a+b/", "eyJhbGciOiJFUzI1NiJ9=.e30.AA",
            "bm90IGpzb24.e30.AA", "WyJhcnJheSJd.e30.AA", " eyJhbGciOiJFUzI1NiJ9.e30.AA",
        ])
    func malformedRejected(token: String) {
        #expect(throws: JOSEError.self) { try CompactJWS.parse(token) }
    }

    @Test(
        "Duplicate member names in the header or claims are rejected, also when hidden by escapes (RFC 7515 §5.2, RFC 7519 §4)"
    )
    func duplicateNamesRejected() throws {
        let key = JOSEFixtures.es256
        func token(header: String, payload: String) throws -> String {
            let input = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(payload.utf8))
            return input + "." + Base64URL.encode(try key.sign(Data(input.utf8)))
        }
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(try token(header: #"{"alg":"ES256","alg":"none"}"#, payload: "{}"))
        }
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(try token(header: #"{"alg":"ES256","\u0061lg":"none"}"#, payload: "{}"))
        }
        #expect(throws: JOSEError.self) {
            try CompactJWS.parse(try token(header: #"{"alg":"ES256","jwk":{"kty":"EC","kty":"RSA"}}"#, payload: "{}"))
        }
        let duplicateAud = try CompactJWS.parse(
            try token(header: #"{"alg":"ES256"}"#, payload: #"{"aud":"a","aud":"b"}"#))
        try duplicateAud.verify(with: key.publicJWK, allowed: [.es256])
        #expect(throws: JOSEError.self) { try duplicateAud.payloadObject() }
        let fine = try CompactJWS.parse(
            try token(header: #"{"alg":"ES256","x":{"a":1},"y":{"a":[{"a":"\"a"}]}}"#, payload: #"{"s":"\u00e9\n"}"#))
        #expect(try fine.payloadObject()["s"] == "é\n")
    }

    @Test("Tokens longer than the size cap are rejected before decoding")
    func sizeCap() throws {
        let big = try JWT.sign(
            claims: ["pad": .string(String(repeating: "x", count: 20_000))], typ: nil, key: JOSEFixtures.es256)
        #expect(throws: JOSEError.self) { try CompactJWS.parse(big) }
        _ = try CompactJWS.parse(big, maximumLength: 40_000)
    }

    @Test("A JWS whose payload is not a JSON object has no claims")
    func payloadObjectRequired() throws {
        let token = try JWT.signCompact(header: ["alg": "ES256"], payload: Data("[1]".utf8), key: JOSEFixtures.es256)
        #expect(throws: JOSEError.self) { try CompactJWS.parse(token).payloadObject() }
    }

    @Test("JWT.sign refuses extra header members that would redefine alg, kid or typ")
    func reservedHeaderMembers() {
        #expect(throws: JOSEError.self) {
            try JWT.sign(claims: [:], typ: nil, key: JOSEFixtures.es256, extraHeader: ["alg": "none"])
        }
    }
}
