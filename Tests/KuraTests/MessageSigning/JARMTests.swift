import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Signed authorization responses (JARM §2.1, §2.3.1; FAPI 2.0 Message Signing §5.4): every redirect of a request
/// that asked for `response_mode=jwt` or `query.jwt` carries exactly one query parameter, `response`, a JWT signed
/// with a key from `jwks_uri` holding `iss`, `aud`, `exp` and the response parameters.
@Suite("Message Signing: JARM authorization responses")
struct JARMTests {
    /// Checks the JWT members JARM §2.1 requires and the conformance suite's `exp` window (≥ 10 s, ≤ 10 min ahead).
    func expectEnvelope(_ claims: [String: JSONValue], flow: FlowDriver, clientID: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(claims["iss"]?.stringValue == flow.issuer, sourceLocation: sourceLocation)
        #expect(claims["aud"]?.stringValue == (clientID ?? flow.test.clientID), sourceLocation: sourceLocation)
        let now = flow.test.clock.now().epochSeconds
        let exp = claims["exp"]?.intValue ?? 0
        #expect(exp >= now + 10 && exp <= now + 600, "exp \(exp), now \(now)", sourceLocation: sourceLocation)
    }

    @Test("response_mode=jwt: the code comes back signed, as the only query parameter, with iss inside only (MS 5.4)")
    func successJWT() async throws {
        try await TestServer().withFlow { flow in
            let redirect = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["response_mode": "jwt"]))
            #expect(redirect.status == .seeOther)
            #expect(try #require(redirect.location).hasPrefix(TestServer.redirectURI + "?response="))
            let claims = try await flow.jarmClaims(redirect)
            expectEnvelope(claims, flow: flow)
            #expect(claims["state"]?.stringValue == "state-123")
            #expect(claims["error"] == nil)
            let code = try #require(claims["code"]?.stringValue)
            let tokens = try await flow.token(code: code, dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            #expect(tokens.status == .ok, "the code in the JARM response is redeemable: \(tokens.bodyText)")
        }
    }

    @Test("response_mode=query.jwt behaves as jwt for the code flow (JARM 2.3.1)")
    func successQueryJWT() async throws {
        try await TestServer().withFlow { flow in
            let redirect = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["response_mode": "query.jwt"]))
            let claims = try await flow.jarmClaims(redirect)
            expectEnvelope(claims, flow: flow)
            #expect(claims["code"]?.stringValue != nil)
        }
    }

    @Test("The customer denies: access_denied with error_description and state comes back JARM-signed too")
    func deniedJWT() async throws {
        try await TestServer().withFlow { flow in
            let redirect = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["response_mode": "jwt"]), approve: false)
            let claims = try await flow.jarmClaims(redirect)
            expectEnvelope(claims, flow: flow)
            #expect(claims["error"]?.stringValue == "access_denied")
            #expect(claims["error_description"]?.stringValue?.isEmpty == false)
            #expect(claims["state"]?.stringValue == "state-123")
            #expect(claims["code"] == nil)
        }
    }

    @Test("A request without state gets a JARM response without state")
    func noState() async throws {
        try await TestServer().withFlow { flow in
            let redirect = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["response_mode": "jwt", "state": nil]))
            let claims = try await flow.jarmClaims(redirect)
            #expect(claims["state"] == nil)
            #expect(claims["code"] != nil)
        }
    }

    @Test("A request_uri used after another interaction consumed it gets invalid_request_uri, JARM-signed")
    func consumedRequestURIJWT() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest(["response_mode": "jwt"])
            let first = try await flow.startInteraction(requestURI: requestURI)
            let second = try await flow.startInteraction(requestURI: requestURI)
            #expect(try await flow.login(first).isConsentPage)
            #expect(try await flow.login(second).isConsentPage)
            #expect(try await flow.decide(first, approve: true).status == .seeOther)
            let claims = try await flow.jarmClaims(try await flow.decide(second, approve: true))
            expectEnvelope(claims, flow: flow)
            #expect(claims["error"]?.stringValue == "invalid_request_uri")
        }
    }

    @Test("JARM with a signed request object: response_mode comes from the request object")
    func withRequestObject() async throws {
        try await TestServer().withFlow { flow in
            let pushed = try await flow.parSigned(try flow.test.requestObject(flow.test.requestObjectClaims(["response_mode": "jwt"])))
            let redirect = try await flow.completeInteraction(requestURI: try #require(pushed.json["request_uri"]?.stringValue))
            let claims = try await flow.jarmClaims(redirect)
            #expect(claims["state"]?.stringValue == "inner-state")
        }
    }

    @Test("The plain query response is unchanged: code, state and iss (RFC 9207), no response parameter")
    func plainQuery() async throws {
        try await TestServer().withFlow { flow in
            for mode: String? in [nil, "query"] {
                let parameters = try await flow.authorize(["response_mode": mode])
                #expect(Set(parameters.keys) == ["code", "state", "iss"])
            }
        }
    }

    @Test("fragment.jwt, form_post.jwt, fragment and unknown response modes are refused at PAR with invalid_request")
    func unsupportedModes() async throws {
        try await TestServer().withFlow { flow in
            for mode in ["fragment.jwt", "form_post.jwt", "fragment", "form_post", "JWT"] {
                let response = try await flow.par(["response_mode": mode])
                #expect(response.status == .badRequest, "\(mode)")
                #expect(response.oauthError == "invalid_request", "\(mode): \(response.bodyText)")
            }
        }
    }

    @Test("authorization_signed_response_alg: the server's algorithm is accepted; another one is refused at registration, and at PAR for a client registered before the server's algorithm changed")
    func registeredSigningAlgorithm() async throws {
        let test = try await TestServer()
        let matching = try await test.registerOtherClient(id: "es-jarm", extra: ["authorization_signed_response_alg": "ES256"])
        await #expect(throws: OAuthError(.invalidClientMetadata)) {
            _ = try await test.registerOtherClient(id: "ps-new", extra: ["authorization_signed_response_alg": "PS256"])
        }
        let other = try await test.registerLegacyClient(id: "ps-jarm", extra: ["authorization_signed_response_alg": "PS256"])
        try await test.withFlow { flow in
            let accepted = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(
                forClient: "es-jarm", key: matching, ["response_mode": "jwt"]))
            #expect(accepted.status == .created, "\(accepted.bodyText)")
            let refused = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(
                forClient: "ps-jarm", key: other, ["response_mode": "jwt"]))
            #expect(refused.status == .badRequest)
            #expect(refused.oauthError == "invalid_request")
            let plain = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "ps-jarm", key: other))
            #expect(plain.status == .created, "the algorithm matters only for JARM: \(plain.bodyText)")
        }
    }

    @Test("The JARM response is signed with the configured server algorithm (PS256 and EdDSA too)", arguments: [JWSAlgorithm.ps256, .edDSA])
    func serverAlgorithms(_ alg: JWSAlgorithm) async throws {
        try await TestServer(configure: { $0.signingAlgorithm = alg }).withFlow { flow in
            let redirect = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["response_mode": "jwt"]))
            let jwt = try #require(redirect.redirectParameters?["response"])
            #expect(try CompactJWS.parse(jwt).algorithm == alg)
            expectEnvelope(try await flow.jarmClaims(redirect), flow: flow)
        }
    }
}
