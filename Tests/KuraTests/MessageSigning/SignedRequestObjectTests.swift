import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Signed request objects at the PAR endpoint (JAR, RFC 9101 §6; RFC 9126 §3; FAPI 2.0 Message Signing §5.3.1).
/// Negative tests are named after the conformance-suite modules of FAPI2-CHECKLIST §E.3; the suite accepts only
/// `invalid_request_object` for a bad request object at PAR, and only `invalid_request` for an unsigned one.
@Suite("Message Signing: signed request objects at PAR")
struct SignedRequestObjectTests {
    func expectError(_ response: TestResponse, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .badRequest, "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.oauthError == code, "body: \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    }

    /// PARs a request object built from the standard claims changed by `changes`, signed by the test client.
    func push(_ flow: FlowDriver, _ changes: [String: JSONValue?] = [:]) async throws -> TestResponse {
        try await flow.parSigned(try flow.test.requestObject(flow.test.requestObjectClaims(changes)))
    }

    // MARK: - Accepted

    @Test("A request object with typ oauth-authz-req+jwt is accepted (MS 5.3.1-5) and its parameters are used")
    func typedRequestObject() async throws {
        try await TestServer().withFlow { flow in
            let response = try await push(flow)
            #expect(response.status == .created, "\(response.bodyText)")
            let requestURI = try #require(response.json["request_uri"]?.stringValue)
            let redirect = try await flow.completeInteraction(requestURI: requestURI)
            #expect(redirect.redirectParameters?["state"] == "inner-state")
        }
    }

    @Test("A request object without typ is accepted (the conformance suite's first client sends none)")
    func untypedRequestObject() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.parSigned(try flow.test.requestObject(typ: nil))
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-multiple-aud-succeeds: aud may be an array containing the issuer")
    func multipleAudiences() async throws {
        try await TestServer().withFlow { flow in
            let response = try await push(flow, ["aud": [.string(flow.issuer), "https://other.example"]])
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-nbf-8-seconds-in-the-future-is-accepted (SP 5.3.2.1-13)")
    func nbfEightSecondsAhead() async throws {
        let test = try await TestServer()
        let now = test.clock.now().epochSeconds
        try await test.withFlow { flow in
            let response = try await push(flow, ["nbf": .int(now + 8), "iat": .int(now + 8), "exp": .int(now + 308)])
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("Only the parameters inside the request object are used: outer form parameters are ignored (RFC 9101 6.3)")
    func outerParametersIgnored() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.parSigned(try flow.test.requestObject(), outer: [
                "state": "outer-state", "redirect_uri": "https://attacker.example/cb", "scope": "transfers",
                "response_mode": "jwt", "code_challenge": "outer", "nonce": "outer-nonce",
            ])
            #expect(response.status == .created, "\(response.bodyText)")
            let redirect = try await flow.completeInteraction(requestURI: try #require(response.json["request_uri"]?.stringValue))
            let location = try #require(redirect.location)
            #expect(location.hasPrefix(TestServer.redirectURI + "?"), "\(location)")
            let parameters = try #require(redirect.redirectParameters)
            #expect(parameters["state"] == "inner-state")
            #expect(parameters["response"] == nil, "the outer response_mode must not apply")
            let code: String = try #require(parameters["code"])
            let tokens = try await flow.token(code: code, dpopKey: try JWSSigningKey.generate(.es256, kid: "d"))
            #expect(tokens.json["scope"]?.stringValue == "openid accounts")
            let idToken = try unverifiedClaims(try #require(tokens.json["id_token"]?.stringValue))
            #expect(idToken["nonce"]?.stringValue == "inner-nonce")
        }
    }

    // MARK: - Rejected: claims (MS 5.3.1-2/-3/-4, RFC 9101 6.3)

    @Test("fapi2-security-profile-final-ensure-request-object-without-exp-fails")
    func missingExp() async throws {
        try await TestServer().withFlow { flow in expectError(try await push(flow, ["exp": nil]), "invalid_request_object") }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-without-nbf-fails")
    func missingNbf() async throws {
        try await TestServer().withFlow { flow in expectError(try await push(flow, ["nbf": nil]), "invalid_request_object") }
    }

    @Test("fapi2-security-profile-final-ensure-expired-request-object-fails")
    func expired() async throws {
        let test = try await TestServer()
        let now = test.clock.now().epochSeconds
        try await test.withFlow { flow in
            expectError(try await push(flow, ["nbf": .int(now - 600), "iat": .int(now - 600), "exp": .int(now - 60)]), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails")
    func badAudience() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await push(flow, ["aud": "https://other-as.example"]), "invalid_request_object")
            expectError(try await push(flow, ["aud": .string(flow.url(OAuthServer.Path.par))]), "invalid_request_object")
            expectError(try await push(flow, ["aud": ["https://other-as.example"]]), "invalid_request_object")
            expectError(try await push(flow, ["aud": nil]), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-exp-over-60-fails: exp 70 minutes after nbf")
    func lifetimeOverSixtyMinutes() async throws {
        let test = try await TestServer()
        let now = test.clock.now().epochSeconds
        try await test.withFlow { flow in
            expectError(try await push(flow, ["nbf": .int(now), "exp": .int(now + 70 * 60)]), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-nbf-over-60-fails: nbf 70 minutes in the past")
    func nbfOverSixtyMinutesOld() async throws {
        let test = try await TestServer()
        let now = test.clock.now().epochSeconds
        try await test.withFlow { flow in
            expectError(try await push(flow, ["nbf": .int(now - 70 * 60), "iat": .int(now - 70 * 60), "exp": .int(now + 300)]), "invalid_request_object")
        }
    }

    @Test("A request object whose nbf is more than 60 s in the future is rejected (SP 5.3.2.1-13)")
    func nbfFarInTheFuture() async throws {
        let test = try await TestServer()
        let now = test.clock.now().epochSeconds
        try await test.withFlow { flow in
            expectError(try await push(flow, ["nbf": .int(now + 70), "exp": .int(now + 370)]), "invalid_request_object")
        }
    }

    @Test("iss must be present and be the client_id; client_id inside must be the authenticated client (RFC 9101 6.3)")
    func issuerAndClientID() async throws {
        let test = try await TestServer()
        try await test.registerOtherClient()
        try await test.withFlow { flow in
            expectError(try await push(flow, ["iss": nil]), "invalid_request_object")
            expectError(try await push(flow, ["iss": "other-client"]), "invalid_request_object")
            expectError(try await push(flow, ["client_id": nil]), "invalid_request_object")
            expectError(try await push(flow, ["client_id": "other-client"]), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-par-authorization-request-containing-request_uri: request_uri inside is refused")
    func requestURIInside() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await push(flow, ["request_uri": "urn:ietf:params:oauth:request_uri:abc"]), "invalid_request_object")
            expectError(try await push(flow, ["request": "eyJhbGciOiJub25lIn0.e30."]), "invalid_request_object")
        }
    }

    @Test("A request_uri form parameter next to a request object is refused (RFC 9126 2.1)")
    func requestURIOutside() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.parSigned(try flow.test.requestObject(), outer: ["request_uri": "urn:ietf:params:oauth:request_uri:abc"])
            expectError(response, "invalid_request")
        }
    }

    // MARK: - Rejected: signature and header (SP 5.4.1-1, RFC 9101 6.2)

    @Test("fapi2-security-profile-final-ensure-signed-request-object-with-RS256-fails")
    func rs256() async throws {
        let test = try await TestServer()
        let rsaKey = try JWSSigningKey.generate(.ps256, kid: "rsa-client-key")
        try await TestServer.registerClient(test.server, id: "rsa-client", key: rsaKey)
        try await test.withFlow { flow in
            let claims = test.requestObjectClaims(clientID: "rsa-client")
            let good = try await flow.parSigned(try test.requestObject(claims, key: rsaKey), clientID: "rsa-client", key: rsaKey)
            #expect(good.status == .created, "PS256 with the same key must pass: \(good.bodyText)")
            let response = try await flow.parSigned(try RS256.sign(claims: claims, key: rsaKey, typ: "oauth-authz-req+jwt"),
                                                    clientID: "rsa-client", key: rsaKey)
            expectError(response, "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-signature-algorithm-is-not-none")
    func algNone() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.parSigned(unsecuredJWT(claims: flow.test.requestObjectClaims())), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails")
    func invalidSignature() async throws {
        try await TestServer().withFlow { flow in
            let parts = try flow.test.requestObject().split(separator: ".").map(String.init)
            var signature = try #require(Base64URL.decode(parts[2]))
            signature[5] ^= 0x01
            let tampered = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
            expectError(try await flow.parSigned(tampered), "invalid_request_object")
        }
    }

    @Test("fapi2-security-profile-final-ensure-matching-key-in-authorization-request: another client's key is refused")
    func otherClientsKey() async throws {
        let test = try await TestServer()
        let otherKey = try await test.registerOtherClient()
        try await test.withFlow { flow in
            expectError(try await flow.parSigned(try test.requestObject(key: otherKey)), "invalid_request_object")
            let withoutKID = try JWT.sign(claims: test.requestObjectClaims(), typ: "oauth-authz-req+jwt", key: otherKey, includeKid: false)
            expectError(try await flow.parSigned(withoutKID), "invalid_request_object")
        }
    }

    @Test("A typ other than oauth-authz-req+jwt is refused (RFC 8725 3.11 explicit typing)")
    func wrongType() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.parSigned(try flow.test.requestObject(typ: "dpop+jwt")), "invalid_request_object")
            expectError(try await flow.parSigned(try flow.test.requestObject(typ: "JWT")), "invalid_request_object")
        }
    }

    @Test("A client registered with request_object_signing_alg may sign only with that algorithm")
    func registeredAlgorithm() async throws {
        let test = try await TestServer()
        let esKey = try JWSSigningKey.generate(.es256, kid: "es")
        let edKey = try JWSSigningKey.generate(.edDSA, kid: "ed")
        try await TestServer.registerClient(test.server, id: "es-only", key: esKey, extra: [
            "jwks": .object(JWKSet(keys: [esKey.publicJWK, edKey.publicJWK]).publicJSON), "request_object_signing_alg": "ES256",
        ])
        try await test.withFlow { flow in
            let claims = test.requestObjectClaims(clientID: "es-only")
            let good = try await flow.parSigned(try test.requestObject(claims, key: esKey), clientID: "es-only", key: esKey)
            #expect(good.status == .created, "\(good.bodyText)")
            let bad = try await flow.parSigned(try test.requestObject(claims, key: edKey), clientID: "es-only", key: esKey)
            expectError(bad, "invalid_request_object")
        }
    }

    // MARK: - Unsigned requests where signing is required (MS 5.3.1-1, RFC 9101 10.5)

    @Test("fapi2-security-profile-final-ensure-unsigned-request-at-par-endpoint-fails: server-wide requirement")
    func unsignedRefusedServerWide() async throws {
        try await TestServer(configure: { $0.features.requireSignedRequestObjects = true }).withFlow { flow in
            expectError(try await flow.par(), "invalid_request")
            #expect(try await push(flow).status == .created)
        }
    }

    @Test("A client registered with require_signed_request_object gets invalid_request for an unsigned PAR; other clients do not")
    func unsignedRefusedPerClient() async throws {
        let test = try await TestServer()
        let strictKey = try await test.registerOtherClient(id: "strict-client", extra: ["require_signed_request_object": true])
        try await test.withFlow { flow in
            expectError(try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "strict-client", key: strictKey)),
                        "invalid_request")
            let signed = try await flow.parSigned(try test.requestObject(test.requestObjectClaims(clientID: "strict-client"), key: strictKey),
                                                  clientID: "strict-client", key: strictKey)
            #expect(signed.status == .created, "\(signed.bodyText)")
            #expect(try await flow.par().status == .created, "the test client did not register the requirement")
        }
    }

    @Test("Client metadata require_signed_request_object must be a boolean (RFC 9101 10.5)")
    func metadataValidation() throws {
        let validator = ClientMetadataValidator(acceptedAlgorithms: [.es256], supportedScopes: ["openid"])
        let key = try JWSSigningKey.generate(.es256, kid: "k")
        var metadata: [String: JSONValue] = [
            "redirect_uris": [.string(TestServer.redirectURI)], "token_endpoint_auth_method": "private_key_jwt",
            "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON), "require_signed_request_object": true,
        ]
        #expect(try validator.validate(metadata)["require_signed_request_object"] == true)
        metadata["require_signed_request_object"] = "yes"
        #expect(throws: OAuthError(.invalidClientMetadata)) { try validator.validate(metadata) }
    }
}
