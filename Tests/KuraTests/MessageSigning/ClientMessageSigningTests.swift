import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// KuraClient's side of FAPI 2.0 Message Signing: request objects it signs (JAR, RFC 9101 §4; MS §5.3.2) pass Kura's
/// verifier, and JARM responses (JARM §2.4) are verified before their code is used.
@Suite("Message Signing: KuraClient JAR and JARM")
struct ClientMessageSigningTests {
    let clock = ManualClock(ClientFixtures.now)

    func factory(lifetime: TimeInterval = 300) -> RequestObjectFactory {
        RequestObjectFactory(clientID: ClientFixtures.clientID, key: ClientFixtures.clientKey, lifetime: lifetime, clock: clock,
                             random: ClientTestRandom())
    }

    func jarm(_ changes: [String: JSONValue?] = [:], key: JWSSigningKey = ClientFixtures.serverKey) throws -> String {
        let now = clock.now().epochSeconds
        var claims: [String: JSONValue] = [
            "iss": .string(ClientFixtures.issuer), "aud": .string(ClientFixtures.clientID), "exp": .int(now + 300),
            "code": "the-code", "state": "st",
        ]
        for (name, value) in changes { claims[name] = value }
        return try JWT.sign(claims: claims, typ: nil, key: key)
    }

    var verifier: JARMResponseVerifier {
        JARMResponseVerifier(issuer: ClientFixtures.issuer, clientID: ClientFixtures.clientID, keys: ClientFixtures.serverKeys,
                             leeway: 0, clock: clock)
    }

    // MARK: - JAR

    @Test("A request object from RequestObjectFactory passes Kura's RequestObjectVerifier and carries the parameters")
    func requestObjectVerifies() throws {
        let details = #"[{"type":"account_information"}]"#
        let jwt = try factory().requestObject(
            parameters: [("response_type", "code"), ("state", "s-1"), ("authorization_details", details)], audience: ClientFixtures.issuer)
        let decoded = try ClientFixtures.decode(jwt)
        #expect(decoded.header["typ"] == "oauth-authz-req+jwt" && decoded.header["kid"] == .string(ClientFixtures.clientKey.kid))
        #expect(decoded.claims["aud"] == .string(ClientFixtures.issuer), "aud is the issuer as a string")
        #expect(decoded.claims["authorization_details"] == [["type": "account_information"]])
        let verified = try RequestObjectVerifier(issuer: ClientFixtures.issuer).verify(
            jwt, clientID: ClientFixtures.clientID, keys: JWKSet(keys: [ClientFixtures.clientKey.publicJWK]), now: clock.now())
        #expect(verified.formParameters["state"] == "s-1" && verified.formParameters["response_type"] == "code")
        #expect(verified.formParameters["authorization_details"] == details)
    }

    @Test("The request object lifetime is capped at 60 minutes after nbf (MS 5.3.1-4)")
    func lifetimeCapped() throws {
        let claims = try ClientFixtures.decode(try factory(lifetime: 7200).requestObject(parameters: [], audience: ClientFixtures.issuer)).claims
        let nbf = try #require(claims["nbf"]?.intValue)
        #expect(claims["exp"]?.intValue == nbf + 3600)
        #expect(claims["iss"] == .string(ClientFixtures.clientID) && claims["client_id"] == .string(ClientFixtures.clientID))
        #expect(claims["jti"]?.stringValue?.isEmpty == false)
    }

    @Test("With requestObjectSigningKey, PAR sends only client authentication and request; response_mode goes inside")
    func parSendsRequestObject() async throws {
        var configuration = ClientFixtures.configuration()
        configuration.requestObjectSigningKey = ClientFixtures.clientKey
        configuration.responseMode = .jwt
        let transport = FakeBackChannel().transport(clock: clock)
        let client = try KuraClient(configuration: configuration, transport: transport, clock: clock, random: ClientTestRandom())
        let pushed = try await client.pushAuthorizationRequest()
        let form = try #require(transport.requests.last { $0.url.path == "/par" }).formParameters
        #expect(Set(form.keys) == ["client_id", "client_assertion_type", "client_assertion", "request"])
        let inner = try ClientFixtures.decode(try #require(form["request"])).claims
        #expect(inner["response_mode"] == "jwt" && inner["state"] == .string(pushed.state ?? ""))
        #expect(inner["code_challenge"] == .string(PKCE.challenge(for: pushed.codeVerifier)))
    }

    // MARK: - JARM

    @Test("A valid JARM response decodes to code, state and iss")
    func jarmValid() throws {
        let jwt = try jarm()
        let response = try verifier.verify(jwt)
        #expect(response == AuthorizationResponse(code: "the-code", state: "st", iss: ClientFixtures.issuer, response: jwt))
        #expect(try response.authorizationCode(issuer: ClientFixtures.issuer, state: "st") == "the-code")
        let error = try verifier.verify(try jarm(["code": nil, "error": "access_denied", "error_description": "no"]))
        #expect(error.error == "access_denied" && error.errorDescription == "no")
    }

    @Test("JARM responses are refused for a wrong iss, aud or exp, a foreign key, alg none, or a non-string member",
          arguments: [
              ("iss", JSONValue.string("https://attacker.example")), ("aud", "someone-else"), ("aud", nil),
              ("exp", .int(1_800_000_000 - 1)), ("exp", nil), ("code", 42), ("code", nil),
          ] as [(String, JSONValue?)])
    func jarmClaimRejected(_ name: String, _ value: JSONValue?) throws {
        #expect(throws: KuraClientError.self) { try verifier.verify(try jarm([name: value])) }
    }

    @Test("JARM signed by a key outside the AS JWKS, or unsigned, is refused")
    func jarmSignatureRejected() throws {
        let foreign = try JWSSigningKey.generate(.es256, kid: ClientFixtures.serverKey.kid)
        #expect(throws: KuraClientError.self) { try verifier.verify(try jarm(key: foreign)) }
        let claims: JSONValue = ["iss": .string(ClientFixtures.issuer), "aud": .string(ClientFixtures.clientID), "exp": 1_900_000_000, "code": "c"]
        let none = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(claims.jsonData()) + "."
        #expect(throws: KuraClientError.self) { try verifier.verify(none) }
    }

    @Test("A client that asked for JARM refuses a plain response, and verifies a JARM one against jwks_uri")
    func clientRequiresJARM() async throws {
        var configuration = ClientFixtures.configuration()
        configuration.responseMode = .jwt
        let client = try KuraClient(configuration: configuration, transport: FakeBackChannel().transport(clock: clock), clock: clock,
                                    random: ClientTestRandom())
        let plain = AuthorizationResponse(code: "c", state: "st", iss: ClientFixtures.issuer)
        await #expect(throws: KuraClientError.self) { _ = try await client.verifiedAuthorizationResponse(plain) }
        let jwt = try jarm()
        let decoded = try await client.verifiedAuthorizationResponse(
            try AuthorizationResponse(redirectURL: URL(string: "https://partner.example/callback?response=\(jwt)")!))
        #expect(decoded.code == "the-code" && decoded.iss == ClientFixtures.issuer && decoded.response == jwt)
        #expect(try await client.verifiedAuthorizationResponse(decoded) == decoded, "verifying again changes nothing")
        var injected = decoded
        injected.code = "attacker-code"
        #expect(try await client.verifiedAuthorizationResponse(injected).code == "the-code", "parameters come from the JWT only")
        #expect(throws: KuraClientError.self) {
            _ = try AuthorizationResponse(redirectURL: URL(string: "https://partner.example/callback?code=x&response=\(jwt)")!)
        }
    }
}
