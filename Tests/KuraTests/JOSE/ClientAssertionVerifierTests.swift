import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

@Suite("private_key_jwt client assertions (RFC 7523 §3, OIDC Core §9, FAPI 2.0 SP §5.3.2.1-8/-13)")
struct ClientAssertionVerifierTests {
    static let issuer = "https://as.example.com"
    static let clientID = "client-1"
    let verifier = ClientAssertionVerifier(issuer: issuer)
    let now = JOSEFixtures.now
    let keys = JOSEFixtures.jwkSet(JOSEFixtures.es256, JOSEFixtures.ps256, JOSEFixtures.edDSA)

    /// A valid assertion at `now`, changed by `edit`.
    func assertion(
        key: JWSSigningKey = JOSEFixtures.es256, _ edit: (inout [String: JSONValue]) -> Void = { _ in }
    ) throws -> String {
        let t = now.epochSeconds
        var claims: [String: JSONValue] = [
            "iss": .string(Self.clientID), "sub": .string(Self.clientID), "aud": .string(Self.issuer),
            "exp": .int(t + 60), "iat": .int(t), "jti": .string(UUID().uuidString),
        ]
        edit(&claims)
        return try JWT.sign(claims: claims, typ: nil, key: key)
    }

    func expectRejected(_ token: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: OAuthError(.invalidClient), comment, sourceLocation: sourceLocation) {
            try verifier.verify(token, clientID: Self.clientID, keys: keys, now: now)
        }
    }

    @Test("A well-formed assertion is accepted with each FAPI algorithm", arguments: JWSAlgorithm.allCases)
    func validAccepted(alg: JWSAlgorithm) throws {
        let token = try assertion(key: JOSEFixtures.key(alg)) { $0["jti"] = "jti-1" }
        let verified = try verifier.verify(token, clientID: Self.clientID, keys: keys, now: now)
        #expect(verified.jti == "jti-1")
        #expect(verified.expiresAt == now + 60)
        #expect(verified.key == JOSEFixtures.key(alg).publicJWK)
    }

    @Test("aud as an array is rejected, even when it contains the issuer (SP §5.3.2.1-8)")
    func audArrayRejected() throws {
        expectRejected(try assertion { $0["aud"] = [.string(Self.issuer)] })
        expectRejected(try assertion { $0["aud"] = [.string(Self.issuer), "https://other.example"] })
    }

    @Test("aud as the token or PAR endpoint URL is rejected (SP §5.3.2.1-8 overrides RFC 9126 §2)")
    func audEndpointURLRejected() throws {
        expectRejected(try assertion { $0["aud"] = .string(Self.issuer + "/token") })
        expectRejected(try assertion { $0["aud"] = .string(Self.issuer + "/par") })
        expectRejected(try assertion { $0["aud"] = .string(Self.issuer + "/") }, "a trailing slash is not the issuer")
        expectRejected(try assertion { $0["aud"] = nil })
    }

    @Test("exp is required and must not have passed (RFC 7523 §3 item 4)")
    func expRules() throws {
        let t = now.epochSeconds
        expectRejected(try assertion { $0["exp"] = nil }, "missing exp")
        expectRejected(try assertion { $0["exp"] = .int(t - 300) }, "5 minutes in the past")
        expectRejected(try assertion { $0["exp"] = .int(t - 5) }, "5 seconds in the past")
        expectRejected(try assertion { $0["exp"] = "soon" }, "not a NumericDate")
    }

    @Test("exp more than maxLifetime ahead is rejected")
    func lifetimeCapped() throws {
        let t = now.epochSeconds
        expectRejected(try assertion { $0["exp"] = .int(t + 3600) })
        _ = try verifier.verify(
            try assertion { $0["exp"] = .int(t + 300) }, clientID: Self.clientID, keys: keys, now: now)
    }

    @Test("jti is required and non-empty (OIDC Core §9)")
    func jtiRequired() throws {
        expectRejected(try assertion { $0["jti"] = nil })
        expectRejected(try assertion { $0["jti"] = "" })
        expectRejected(try assertion { $0["jti"] = 7 })
    }

    @Test("iss and sub must both be the client_id (RFC 7523 §3 items 1–2)")
    func issSubRules() throws {
        expectRejected(try assertion { $0["sub"] = "client-2" }, "iss != sub")
        expectRejected(try assertion { $0["sub"] = nil }, "no sub")
        expectRejected(
            try assertion {
                $0["iss"] = "client-2"
                $0["sub"] = "client-2"
            }, "another client")
        expectRejected(try assertion { $0["iss"] = nil })
    }

    @Test("iat 8 s in the future is accepted, 30 s too (SP §5.3.2.1-13: up to 10 s must pass)")
    func iatNearFutureAccepted() throws {
        let t = now.epochSeconds
        for offset: Int64 in [8, 30] {
            _ = try verifier.verify(
                try assertion { $0["iat"] = .int(t + offset) }, clientID: Self.clientID, keys: keys, now: now)
        }
    }

    @Test("iat 70 s in the future is rejected (SP §5.3.2.1-13: beyond 60 s must fail)")
    func iatFarFutureRejected() throws {
        expectRejected(try assertion { $0["iat"] = .int(now.epochSeconds + 70) })
    }

    @Test("nbf 8 s in the future is accepted; 30 s is not yet valid")
    func nbfRules() throws {
        let t = now.epochSeconds
        _ = try verifier.verify(
            try assertion { $0["nbf"] = .int(t + 8) }, clientID: Self.clientID, keys: keys, now: now)
        expectRejected(try assertion { $0["nbf"] = .int(t + 30) })
    }

    @Test("RS256 and alg none are rejected with invalid_client")
    func rs256AndNoneRejected() throws {
        let t = now.epochSeconds
        let claims: [String: JSONValue] = [
            "iss": .string(Self.clientID), "sub": .string(Self.clientID), "aud": .string(Self.issuer),
            "exp": .int(t + 60), "jti": "j",
        ]
        let rsa = JOSEFixtures.legacyRSA
        let rs256 = try JOSEFixtures.rawToken(header: ["alg": "RS256"], payload: JOSEFixtures.claimsData(claims)) {
            try rsa.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let rsaKeys = JWKSet(keys: [
            try JWK(json: [
                "kty": "RSA", "n": .string(Base64URL.encode(primitives.modulus)),
                "e": .string(Base64URL.encode(primitives.publicExponent)),
            ])
        ])
        #expect(throws: OAuthError(.invalidClient)) {
            try verifier.verify(rs256, clientID: Self.clientID, keys: rsaKeys, now: now)
        }
        expectRejected(
            JOSEFixtures.rawToken(header: ["alg": "none"], payload: JOSEFixtures.claimsData(claims)) { _ in Data() })
    }

    @Test("A signature by a key outside the client's set is rejected, as is a tampered assertion")
    func foreignKeyRejected() throws {
        expectRejected(try assertion(key: JOSEFixtures.otherES256))
        expectRejected(JOSEFixtures.tamperedPayload(try assertion(), with: ["iss": "x"]))
        expectRejected("not-a-jwt")
    }

    @Test("The error is invalid_client with a description that names the rule")
    func errorShape() throws {
        let token = try assertion { $0["aud"] = [.string(Self.issuer)] }
        do {
            _ = try verifier.verify(token, clientID: Self.clientID, keys: keys, now: now)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .invalidClient && error.httpStatus == 401)
            #expect(error.errorDescription?.value.contains("aud") == true)
        }
    }
}
