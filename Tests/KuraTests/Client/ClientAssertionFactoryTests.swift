import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

@Suite("private_key_jwt client assertions the client sends (RFC 7523 §3, FAPI 2.0 SP §5.3.2.1-8)")
struct ClientAssertionFactoryTests {
    let clock = ManualClock(ClientFixtures.now)
    var factory: ClientAssertionFactory {
        ClientAssertionFactory(clientID: ClientFixtures.clientID, key: ClientFixtures.clientKey, clock: clock)
    }

    @Test("iss = sub = client_id, aud is the issuer as a JSON string, exp − iat ≤ 60, random jti")
    func claims() throws {
        let (header, claims) = try ClientFixtures.decode(try factory.assertion(audience: ClientFixtures.issuer))
        #expect(claims["iss"]?.stringValue == ClientFixtures.clientID)
        #expect(claims["sub"] == claims["iss"])
        #expect(claims["aud"] == .string(ClientFixtures.issuer))
        let iat = try #require(claims["iat"]?.intValue)
        let exp = try #require(claims["exp"]?.intValue)
        #expect(iat == ClientFixtures.now.epochSeconds)
        #expect(exp > iat && exp - iat <= 60)
        #expect((claims["jti"]?.stringValue?.count ?? 0) >= 22)
        #expect(header["kid"]?.stringValue == ClientFixtures.clientKey.kid)
        #expect(header["alg"] == "ES256")
    }

    @Test("Every assertion has a new jti, so a nonce retry never replays one (RFC 7523 §3 item 7)")
    func freshJTI() throws {
        let a = try ClientFixtures.decode(try factory.assertion(audience: ClientFixtures.issuer)).claims["jti"]
        let b = try ClientFixtures.decode(try factory.assertion(audience: ClientFixtures.issuer)).claims["jti"]
        #expect(a != b)
    }

    @Test("A longer configured lifetime is capped at 60 seconds")
    func lifetimeCap() throws {
        var factory = self.factory
        factory.lifetime = 600
        let claims = try ClientFixtures.decode(try factory.assertion(audience: ClientFixtures.issuer)).claims
        #expect(claims["exp"]!.intValue! - claims["iat"]!.intValue! == 60)
    }

    @Test("The form parameters carry the jwt-bearer assertion type (RFC 7521 §4.2)")
    func formParameters() throws {
        let parameters = try factory.formParameters(audience: ClientFixtures.issuer)
        #expect(parameters.map(\.0) == ["client_assertion_type", "client_assertion"])
        #expect(parameters[0].1 == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    }

    @Test("Assertions pass Kura's own client-assertion verifier")
    func interop() throws {
        let assertion = try factory.assertion(audience: ClientFixtures.issuer)
        let verified = try ClientAssertionVerifier(issuer: ClientFixtures.issuer).verify(
            assertion, clientID: ClientFixtures.clientID, keys: JWKSet(keys: [ClientFixtures.clientKey.publicJWK]), now: clock.now())
        #expect(verified.key.kid == ClientFixtures.clientKey.kid)
    }
}
