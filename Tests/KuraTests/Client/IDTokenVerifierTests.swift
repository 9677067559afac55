import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

@Suite("ID token validation (OIDC Core §3.1.3.7, FAPI 2.0 SP §5.4.1)")
struct IDTokenVerifierTests {
    let clock = ManualClock(ClientFixtures.now)
    var verifier: IDTokenVerifier {
        IDTokenVerifier(issuer: ClientFixtures.issuer, clientID: ClientFixtures.clientID, keys: ClientFixtures.serverKeys, clock: clock)
    }

    /// A valid ID token at `now`, changed by `edit`.
    func idToken(key: JWSSigningKey = ClientFixtures.serverKey, _ edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> String {
        let t = ClientFixtures.now.epochSeconds
        var claims: [String: JSONValue] = [
            "iss": .string(ClientFixtures.issuer), "sub": "user-1", "aud": .string(ClientFixtures.clientID),
            "exp": .int(t + 300), "iat": .int(t), "nonce": "n-1", "auth_time": .int(t - 10),
        ]
        edit(&claims)
        return try JWT.sign(claims: claims, typ: "JWT", key: key)
    }

    func expectFailure(_ failure: IDTokenVerifier.Failure, _ token: String, nonce: String? = "n-1", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: KuraClientError.invalidIDToken(failure), sourceLocation: sourceLocation) {
            _ = try verifier.verify(token, nonce: nonce)
        }
    }

    @Test("A valid ID token verifies with the key named by kid, for ES256 and EdDSA, and exposes its claims")
    func valid() throws {
        for key in [ClientFixtures.serverKey, ClientFixtures.serverEdKey] {
            let claims = try verifier.verify(try idToken(key: key), nonce: "n-1")
            #expect(claims["sub"] == "user-1")
            #expect(claims["auth_time"]?.intValue == ClientFixtures.now.epochSeconds - 10)
        }
    }

    @Test("aud may be an array containing the client_id, with azp = client_id")
    func audienceArray() throws {
        let token = try idToken { $0["aud"] = [.string(ClientFixtures.clientID), "bank-api"]; $0["azp"] = .string(ClientFixtures.clientID) }
        #expect(try verifier.verify(token, nonce: "n-1")["sub"] == "user-1")
    }

    @Test("Wrong iss is rejected (item 2)")
    func wrongIssuer() throws {
        expectFailure(.issuer(expected: ClientFixtures.issuer, actual: "https://attacker.example"), try idToken { $0["iss"] = "https://attacker.example" })
    }

    @Test("aud without the client_id is rejected (item 3), string or array")
    func wrongAudience() throws {
        #expect(throws: KuraClientError.self) { _ = try verifier.verify(try idToken { $0["aud"] = "other-client" }, nonce: "n-1") }
        #expect(throws: KuraClientError.self) { _ = try verifier.verify(try idToken { $0["aud"] = ["a", "b"] }, nonce: "n-1") }
        expectFailure(.missingClaim("aud"), try idToken { $0["aud"] = nil })
    }

    @Test("Several audiences without azp = client_id are rejected (items 4–5)")
    func authorizedParty() throws {
        expectFailure(.authorizedParty(nil), try idToken { $0["aud"] = [.string(ClientFixtures.clientID), "other"] })
        expectFailure(.authorizedParty("other"), try idToken { $0["azp"] = "other" })
    }

    @Test("A nonce other than the one sent, or none, is rejected (item 11)")
    func wrongNonce() throws {
        expectFailure(.nonce(expected: "n-1", actual: "n-2"), try idToken { $0["nonce"] = "n-2" })
        expectFailure(.nonce(expected: "n-1", actual: nil), try idToken { $0["nonce"] = nil })
    }

    @Test("An expired ID token is rejected (item 9), beyond the leeway")
    func expired() throws {
        let t = ClientFixtures.now.epochSeconds
        expectFailure(.expired(exp: t - 60, now: t), try idToken { $0["exp"] = .int(t - 60) })
        #expect(try verifier.verify(try idToken { $0["exp"] = .int(t - 5) }, nonce: "n-1")["sub"] == "user-1", "within 30 s leeway")
        expectFailure(.missingClaim("exp"), try idToken { $0["exp"] = nil })
    }

    @Test("alg outside PS256/ES256/EdDSA (HS256, RS256, none) is rejected before any key is used", arguments: ["HS256", "RS256", "none"])
    func algorithmNotAllowed(alg: String) throws {
        let header: [String: JSONValue] = ["alg": .string(alg), "kid": .string(ClientFixtures.serverKey.kid), "typ": "JWT"]
        let genuine = try CompactJWS.parse(try idToken())
        let token = try JWT.signCompact(header: header, payload: genuine.payload, key: ClientFixtures.serverKey)
        expectFailure(.algorithmNotAllowed(alg), token)
    }

    @Test("A signature by a key that is not in the AS JWKS (same kid) is rejected (item 6)")
    func wrongKey() throws {
        let impostor = try JWSSigningKey.generate(.es256, kid: ClientFixtures.serverKey.kid)
        #expect(throws: KuraClientError.self) { _ = try verifier.verify(try idToken(key: impostor), nonce: "n-1") }
        let unknownKid = try JWSSigningKey.generate(.es256, kid: "unknown")
        #expect(throws: KuraClientError.self) { _ = try verifier.verify(try idToken(key: unknownKid), nonce: "n-1") }
    }

    @Test("An access token (typ at+jwt) is not accepted as an ID token (RFC 8725 §3.11)")
    func wrongType() throws {
        let t = ClientFixtures.now.epochSeconds
        let claims: [String: JSONValue] = ["iss": .string(ClientFixtures.issuer), "sub": "u", "aud": .string(ClientFixtures.clientID), "exp": .int(t + 60), "iat": .int(t)]
        let token = try JWT.sign(claims: claims, typ: "at+jwt", key: ClientFixtures.serverKey)
        expectFailure(.wrongType("at+jwt"), token, nonce: nil)
    }

    @Test("Garbage is malformed, not a crash")
    func malformed() {
        #expect(throws: KuraClientError.self) { _ = try verifier.verify("not.a.jwt", nonce: nil) }
        #expect(throws: KuraClientError.self) { _ = try verifier.verify("", nonce: nil) }
    }

    @Test("The access-token inspector verifies typ at+jwt, signature and iss before showing claims (RFC 9068 §4)")
    func accessTokenInspector() throws {
        let t = ClientFixtures.now.epochSeconds
        let claims: [String: JSONValue] = ["iss": .string(ClientFixtures.issuer), "sub": "u", "cnf": ["jkt": "abc"], "exp": .int(t + 60)]
        let inspector = AccessTokenInspector(issuer: ClientFixtures.issuer, keys: ClientFixtures.serverKeys)
        let token = try JWT.sign(claims: claims, typ: "at+jwt", key: ClientFixtures.serverKey)
        #expect(try inspector.claims(of: token)["cnf"]?["jkt"] == "abc")
        #expect(throws: KuraClientError.self) { _ = try inspector.claims(of: try JWT.sign(claims: claims, typ: "JWT", key: ClientFixtures.serverKey)) }
        let foreign = try JWSSigningKey.generate(.es256, kid: ClientFixtures.serverKey.kid)
        #expect(throws: KuraClientError.self) { _ = try inspector.claims(of: try JWT.sign(claims: claims, typ: "at+jwt", key: foreign)) }
    }
}
