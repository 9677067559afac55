import AuthorizationServer
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

/// `POST /par` (RFC 9126 §2; FAPI 2.0 SP §5.3.2.2-2/-4/-5/-6/-12, §5.3.2.1-6/-8; RFC 9449 §10.1).
/// Error codes are those FAPI2-CHECKLIST §E.4 lists as accepted by the conformance suite.
@Suite("Pushed authorization request endpoint")
struct PushedAuthorizationEndpointTests {
    /// Asserts a JSON OAuth error response with one of `statuses` and one of `codes`.
    func expectError(_ response: TestResponse, _ codes: Set<String>, statuses: Set<Int> = [400],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statuses.contains(response.status.code), "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(codes.contains(response.oauthError ?? "-"), "body: \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    }

    // MARK: - Success

    @Test("A valid pushed request gets 201 with a urn request_uri, expires_in below 600 s and Cache-Control no-store")
    func success() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par()
            #expect(response.status == .created)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            let uri = try #require(response.json["request_uri"]?.stringValue)
            #expect(uri.hasPrefix("urn:ietf:params:oauth:request_uri:"))
            // SP §5.4.1-4 / RFC 9126 §2.2: the reference carries at least 128 bits of randomness.
            #expect(uri.dropFirst("urn:ietf:params:oauth:request_uri:".count).count >= 22)
            let expiresIn = try #require(response.json["expires_in"]?.intValue)
            #expect(expiresIn > 0 && expiresIn < 600)
        }
    }

    @Test("Each pushed request gets its own request_uri")
    func distinctRequestURIs() async throws {
        try await TestServer().withFlow { flow in
            let first = try await flow.pushRequest()
            let second = try await flow.pushRequest()
            #expect(first != second)
        }
    }

    // MARK: - Client authentication (SP §5.3.2.2-4, §5.3.2.1-6/-8)

    @Test("PAR without client authentication is rejected with 401 invalid_client")
    func noClientAuthentication() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par(["client_assertion": nil, "client_assertion_type": nil])
            #expect(response.status == .unauthorized)
            expectError(response, ["invalid_client"], statuses: [401])
        }
    }

    @Test("client_secret authentication is refused at PAR (only private_key_jwt or MTLS)")
    func clientSecretRefused() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par(["client_assertion": nil, "client_assertion_type": nil, "client_secret": "s3cret"])
            expectError(response, ["invalid_client"], statuses: [400, 401])
        }
    }

    @Test("A client assertion with the wrong client_assertion_type is rejected with invalid_client")
    func wrongAssertionType() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par(["client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"])
            expectError(response, ["invalid_client"], statuses: [400, 401])
        }
    }

    /// Audience values SP §5.3.2.1-8 forbids (CS `par-test-*-as-audience-fails`), keyed by a readable name.
    static let badAudiences: [String] = ["array with issuer", "token endpoint URL", "PAR endpoint URL", "issuer with trailing slash", "another server", "empty array"]

    func audience(_ name: String, _ flow: FlowDriver) -> JSONValue {
        switch name {
        case "array with issuer": [.string(flow.issuer), "https://other.example"]
        case "token endpoint URL": .string(flow.url(OAuthServer.Path.token))
        case "PAR endpoint URL": .string(flow.url(OAuthServer.Path.par))
        case "issuer with trailing slash": .string(flow.issuer + "/")
        case "another server": "https://other.example"
        default: []
        }
    }

    @Test("Client assertion aud must be the issuer as a string: other audiences get invalid_client (SP 5.3.2.1-8)",
          arguments: badAudiences)
    func assertionAudience(_ name: String) async throws {
        try await TestServer().withFlow { flow in
            let assertion = try flow.test.clientAssertion(audience: audience(name, flow))
            let response = try await flow.par(["client_assertion": assertion])
            expectError(response, ["invalid_client", "invalid_request"], statuses: [400, 401])
        }
    }

    @Test("A client assertion signed with a key the client did not register is rejected with invalid_client")
    func unregisteredKey() async throws {
        try await TestServer().withFlow { flow in
            let stranger = try JWSSigningKey.generate(.es256, kid: flow.test.clientKey.kid)
            let response = try await flow.par(["client_assertion": try flow.test.clientAssertion(key: stranger)])
            expectError(response, ["invalid_client"], statuses: [400, 401])
        }
    }

    @Test("A client assertion with exp 5 minutes in the past is rejected with invalid_client")
    func expiredAssertion() async throws {
        try await TestServer().withFlow { flow in
            let now = flow.test.clock.now().epochSeconds
            let assertion = try flow.test.clientAssertion(overrides: ["iat": .int(now - 360), "exp": .int(now - 300)])
            let response = try await flow.par(["client_assertion": assertion])
            expectError(response, ["invalid_client", "invalid_request"], statuses: [400, 401])
        }
    }

    @Test("A client assertion without sub is rejected with invalid_client")
    func assertionWithoutSub() async throws {
        try await TestServer().withFlow { flow in
            let now = flow.test.clock.now().epochSeconds
            let claims: [String: JSONValue] = ["iss": .string(flow.test.clientID), "aud": .string(flow.issuer),
                                               "jti": .string(UUID().uuidString), "iat": .int(now), "exp": .int(now + 60)]
            let assertion = try JWT.sign(claims: claims, typ: nil, key: flow.test.clientKey)
            let response = try await flow.par(["client_assertion": assertion])
            expectError(response, ["invalid_client", "invalid_request"], statuses: [400, 401])
        }
    }

    @Test("A client assertion with alg none is rejected with invalid_client")
    func unsignedAssertion() async throws {
        try await TestServer().withFlow { flow in
            let now = flow.test.clock.now().epochSeconds
            let claims: JSONValue = ["iss": .string(flow.test.clientID), "sub": .string(flow.test.clientID), "aud": .string(flow.issuer),
                                     "jti": .string(UUID().uuidString), "iat": .int(now), "exp": .int(now + 60)]
            let assertion = Base64URL.encode(JSONValue.object(["alg": "none"]).jsonData()) + "." + Base64URL.encode(claims.jsonData()) + "."
            let response = try await flow.par(["client_assertion": assertion])
            expectError(response, ["invalid_client"], statuses: [400, 401])
        }
    }

    @Test("An RS256 client assertion is rejected with invalid_client even though the same RSA key signing PS256 is accepted")
    func rs256Assertion() async throws {
        let test = try await TestServer()
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try rsa.publicKey.getKeyPrimitives()
        // No JWK `alg`: the key itself does not forbid RS256, so only the server's algorithm policy can.
        let jwk: JSONValue = ["kty": "RSA", "kid": "rsa-1", "n": .string(Base64URL.encode(primitives.modulus.drop { $0 == 0 })),
                              "e": .string(Base64URL.encode(primitives.publicExponent.drop { $0 == 0 }))]
        let metadata: [String: JSONValue] = [
            "client_name": "RSA Client", "redirect_uris": [.string(TestServer.redirectURI)], "token_endpoint_auth_method": "private_key_jwt",
            "jwks": ["keys": [jwk]],
        ]
        let validated = try ClientMetadataValidator(acceptedAlgorithms: test.server.configuration.acceptedAlgorithms,
                                                    supportedScopes: Set(test.server.configuration.scopesSupported)).validate(metadata)
        try await test.server.stores.clients.insert(ClientRecord(clientID: "rsa-client", metadata: validated,
                                                                 createdAt: test.clock.now(), updatedAt: test.clock.now()))

        func assertion(alg: String, padding: _RSA.Signing.Padding) throws -> String {
            let now = test.clock.now().epochSeconds
            let header: JSONValue = ["alg": .string(alg), "kid": "rsa-1"]
            let claims: JSONValue = ["iss": "rsa-client", "sub": "rsa-client", "aud": .string(test.server.configuration.issuer),
                                     "jti": .string(UUID().uuidString), "iat": .int(now), "exp": .int(now + 60)]
            let input = Base64URL.encode(header.jsonData()) + "." + Base64URL.encode(claims.jsonData())
            let signature = try rsa.signature(for: SHA256.hash(data: Data(input.utf8)), padding: padding)
            return input + "." + Base64URL.encode(signature.rawRepresentation)
        }
        let rs256 = try assertion(alg: "RS256", padding: .insecurePKCS1v1_5)
        let ps256 = try assertion(alg: "PS256", padding: .PSS)
        try await test.withFlow { flow in
            let rejected = try await flow.par(["client_id": "rsa-client", "client_assertion": rs256])
            expectError(rejected, ["invalid_client"], statuses: [400, 401])
            let accepted = try await flow.par(["client_id": "rsa-client", "client_assertion": ps256])
            #expect(accepted.status == .created, "PS256 control failed: \(accepted.bodyText)")
        }
    }

    @Test("A client_id that differs from the assertion's client is rejected with invalid_client")
    func clientIDMismatch() async throws {
        let test = try await TestServer()
        try await test.registerOtherClient()
        try await test.withFlow { flow in
            let response = try await flow.par(["client_id": "other-client"])
            expectError(response, ["invalid_client"], statuses: [400, 401])
        }
    }

    @Test("A client assertion is single-use: replaying its jti is rejected with invalid_client (RFC 7523 §3)")
    func assertionReplay() async throws {
        try await TestServer().withFlow { flow in
            let params = try flow.test.parParameters()
            let first = try await flow.post(OAuthServer.Path.par, form: params)
            #expect(first.status == .created)
            let replay = try await flow.post(OAuthServer.Path.par, form: params)
            expectError(replay, ["invalid_client"], statuses: [400, 401])
        }
    }

    @Test("Two concurrent PARs with the same client assertion: exactly one gets 201")
    func concurrentAssertionReplay() async throws {
        try await TestServer().withFlow { flow in
            let params = try flow.test.parParameters()
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<2 { group.addTask { try await flow.post(OAuthServer.Path.par, form: params) } }
                var all: [TestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            #expect(responses.filter { $0.status == .created }.count == 1)
            let rejected = try #require(responses.first { $0.status != .created })
            expectError(rejected, ["invalid_client"], statuses: [400, 401])
        }
    }

    // MARK: - Request validation (RFC 9126 §2.1, §2.3; SP §5.3.2.2)

    @Test("request_uri must not be sent to the PAR endpoint: invalid_request (RFC 9126 §2.1)")
    func requestURIParameter() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par(["request_uri": "urn:ietf:params:oauth:request_uri:abc"])
            expectError(response, ["invalid_request", "invalid_request_object"])
        }
    }

    @Test("PKCE with S256 is required: missing or plain code_challenge is rejected with invalid_request (SP 5.3.2.2-5)",
          arguments: ["no code_challenge", "method plain", "no method (defaults to plain)", "method s256 (case)", "malformed challenge"])
    func pkceRequired(_ variant: String) async throws {
        try await TestServer().withFlow { flow in
            let changes: [String: String?] = switch variant {
            case "no code_challenge": ["code_challenge": nil]
            case "method plain": ["code_challenge": TestServer.verifier, "code_challenge_method": "plain"]
            case "no method (defaults to plain)": ["code_challenge_method": nil]
            case "method s256 (case)": ["code_challenge_method": "s256"]
            default: ["code_challenge": "too-short"]
            }
            expectError(try await flow.par(changes), ["invalid_request"])
        }
    }

    @Test("response_type must be code: token, code id_token and others get unsupported_response_type (SP 5.3.2.2-1)",
          arguments: ["token", "code id_token", "id_token", "code token", "none"])
    func responseTypeCodeOnly(_ responseType: String) async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["response_type": responseType]), ["unsupported_response_type"])
        }
    }

    @Test("A missing response_type is rejected with invalid_request")
    func responseTypeMissing() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["response_type": nil]), ["invalid_request", "unsupported_response_type"])
        }
    }

    @Test("redirect_uri must exactly match a registered one: others are rejected with invalid_request (SP 5.3.2.1-7)",
          arguments: ["https://attacker.example/cb", "https://client.example/cb/", "https://client.example/cb?x=1",
                      "http://client.example/cb", "https://CLIENT.example/cb", "https://client.example/cb#f"])
    func unregisteredRedirectURI(_ uri: String) async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["redirect_uri": uri]), ["invalid_request", "invalid_request_object"])
        }
    }

    @Test("redirect_uri is required in pushed requests even with a single registered URI (SP 5.3.2.2-6)")
    func redirectURIRequired() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["redirect_uri": nil]), ["invalid_request", "invalid_request_object"])
        }
    }

    @Test("An unknown scope is rejected with invalid_scope", arguments: ["openid payments", "admin", "openid \"x\""])
    func unknownScope(_ scope: String) async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["scope": scope]), ["invalid_scope"])
        }
    }

    @Test("Scope order is irrelevant (RFC 6749 §3.3)")
    func scopeOrder() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.par(["scope": "accounts openid"])
            #expect(response.status == .created)
        }
    }

    @Test("A repeated parameter is rejected with invalid_request (RFC 6749 §3.2)", arguments: ["state", "redirect_uri", "scope"])
    func duplicateParameter(_ name: String) async throws {
        try await TestServer().withFlow { flow in
            let params = try flow.test.parParameters()
            let body = FormParameters.body(params) + "&" + FormParameters.encode([(name, params[name]!)])
            expectError(try await flow.post(OAuthServer.Path.par, body: body), ["invalid_request"])
        }
    }

    @Test("A nonce of 64 characters is accepted; state and nonce are never truncated (SP 5.3.2.2-14)")
    func longNonceAndState() async throws {
        try await TestServer().withFlow { flow in
            let nonce = String(repeating: "n", count: 64)
            let state = String(repeating: "s", count: 1000)
            let parameters = try await flow.authorize(["nonce": nonce, "state": state])
            #expect(parameters["state"] == state)
        }
    }

    // MARK: - DPoP at PAR (RFC 9449 §10.1)

    @Test("A DPoP header whose key differs from dpop_jkt is rejected with invalid_dpop_proof (RFC 9449 §10.1)")
    func mismatchedDPoPJKT() async throws {
        try await TestServer().withFlow { flow in
            let proofKey = try JWSSigningKey.generate(.es256, kid: "dpop-a")
            let otherKey = try JWSSigningKey.generate(.es256, kid: "dpop-b")
            let mismatched = try await flow.par(["dpop_jkt": otherKey.publicJWK.thumbprint()], dpopKey: proofKey)
            expectError(mismatched, ["invalid_dpop_proof", "invalid_request"])
            let matching = try await flow.par(["dpop_jkt": proofKey.publicJWK.thumbprint()], dpopKey: proofKey)
            #expect(matching.status == .created, "matching control failed: \(matching.bodyText)")
        }
    }

    @Test("An invalid DPoP proof at PAR is rejected with invalid_dpop_proof")
    func invalidDPoPProofAtPAR() async throws {
        try await TestServer().withFlow { flow in
            let key = try JWSSigningKey.generate(.es256, kid: "dpop")
            // A proof made for the token endpoint (htu mismatch, RFC 9449 §4.3 check 9).
            let proof = try flow.test.dpopProof(key: key, url: flow.url(OAuthServer.Path.token))
            let response = try await flow.post(OAuthServer.Path.par, form: try flow.test.parParameters(),
                                               headers: [FlowDriver.dpopHeader: proof])
            expectError(response, ["invalid_dpop_proof"])
        }
    }

    @Test("A DPoP header at PAR binds the code to its key: redeeming it with another key fails with invalid_dpop_proof")
    func dpopHeaderBindsCode() async throws {
        try await TestServer().withFlow { flow in
            let parKey = try JWSSigningKey.generate(.es256, kid: "dpop-par")
            let otherKey = try JWSSigningKey.generate(.es256, kid: "dpop-other")
            let code = try await flow.authorizationCode(dpopKey: parKey)
            let response = try await flow.token(code: code, dpopKey: otherKey)
            expectError(response, ["invalid_dpop_proof", "invalid_request", "invalid_grant"])
            #expect(response.json["access_token"] == nil)
        }
    }

    @Test("A DPoP header at PAR and the same key at the token endpoint succeeds (CS dpopproof-at-par-endpoint-binding)")
    func dpopHeaderSameKeySucceeds() async throws {
        try await TestServer().withFlow { flow in
            let key = try JWSSigningKey.generate(.es256, kid: "dpop-par")
            let code = try await flow.authorizationCode(dpopKey: key)
            let response = try await flow.token(code: code, dpopKey: key)
            #expect(response.status == .ok, "\(response.bodyText)")
            let claims = try unverifiedClaims(try #require(response.json["access_token"]?.stringValue))
            #expect(claims["cnf"]?["jkt"]?.stringValue == key.publicJWK.thumbprint())
        }
    }

    @Test("A malformed dpop_jkt is rejected with invalid_request")
    func malformedDPoPJKT() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.par(["dpop_jkt": "not-a-thumbprint"]), ["invalid_request"])
        }
    }

    // MARK: - HTTP method and media type (RFC 9126 §2)

    @Test("GET /par is rejected with 405")
    func getNotAllowed() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.get(OAuthServer.Path.par)
            #expect(response.status == .methodNotAllowed)
        }
    }

    @Test("Other methods than POST on /par fail with a 4xx status", arguments: [HTTPRequest.Method.put, .delete, .patch])
    func otherMethodsRejected(_ method: HTTPRequest.Method) async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.client.execute(uri: OAuthServer.Path.par, method: method,
                                                         headers: [.contentType: "application/x-www-form-urlencoded"],
                                                         body: ByteBuffer(string: FormParameters.body(try flow.test.parParameters())))
            #expect((400..<500).contains(response.status.code), "status \(response.status)")
        }
    }

    @Test("A body that is not application/x-www-form-urlencoded is rejected with 400 invalid_request",
          arguments: ["application/json", "text/plain", "multipart/form-data; boundary=x"])
    func wrongContentType(_ type: String) async throws {
        try await TestServer().withFlow { flow in
            let params = try flow.test.parParameters()
            let response = try await flow.client.execute(uri: OAuthServer.Path.par, method: .post, headers: [.contentType: type],
                                                         body: ByteBuffer(string: FormParameters.body(params)))
            expectError(response, ["invalid_request"])
        }
    }
}
