import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /token`, authorization_code grant (RFC 6749 §4.1.3–4.1.4, §5; RFC 7636 §4.5–4.6; RFC 9449 §5, §10;
/// RFC 9068; OIDC Core §3.1.3; FAPI 2.0 SP §5.3.2.1-2/-4/-5/-11/-12, §5.3.2.2-9).
/// Error codes are those FAPI2-CHECKLIST §E.4 lists as accepted by the conformance suite.
@Suite("Token endpoint: authorization_code grant")
struct TokenEndpointTests {
    static let fapiAlgorithms: Set<JWSAlgorithm> = [.ps256, .es256, .edDSA]

    func dpopKey(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }

    /// A JSON OAuth error (RFC 6749 §5.2) with one of `codes` and one of `statuses`.
    func expectError(_ response: TestResponse, _ codes: Set<String>, statuses: Set<Int> = [400],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statuses.contains(response.status.code), "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(codes.contains(response.oauthError ?? "-"), "body: \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.json["access_token"] == nil, sourceLocation: sourceLocation)
    }

    // MARK: - Success (RFC 6749 §5.1, RFC 9449 §5, RFC 9068)

    @Test("A valid request returns a DPoP-bound at+jwt access token, verifiable at jwks_uri, with Cache-Control no-store")
    func success() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode()
            let response = try await flow.token(code: code, dpopKey: key)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            let body = response.json
            #expect(body["token_type"]?.stringValue == "DPoP")
            let expiresIn = try #require(body["expires_in"]?.intValue)
            #expect(expiresIn > 0 && expiresIn == Int64(test.server.configuration.lifetimes.accessToken))
            #expect(body["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == Set(["openid", "accounts"]))
            #expect(body["refresh_token"] == nil)

            let accessToken = try #require(body["access_token"]?.stringValue)
            let jws = try CompactJWS.parse(accessToken)
            #expect(jws.typ == "at+jwt")
            #expect(jws.kid != nil)
            _ = try jws.verify(with: try await flow.publishedKeys(), allowed: Self.fapiAlgorithms)
            let claims = try jws.payloadObject()
            #expect(claims["iss"]?.stringValue == TestServer.issuer)
            #expect(claims["sub"]?.stringValue == test.userID)
            #expect(claims["client_id"]?.stringValue == test.clientID)
            #expect(claims["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == Set(["openid", "accounts"]))
            #expect(claims["cnf"]?["jkt"]?.stringValue == key.publicJWK.thumbprint())
            #expect(claims["jti"]?.stringValue?.isEmpty == false)
            let iat = try #require(claims["iat"]?.intValue)
            #expect(claims["exp"]?.intValue == iat + expiresIn)

            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            #expect(record.revokedAt == nil)
            #expect(record.confirmation["jkt"] == key.publicJWK.thumbprint())
        }
    }

    @Test("With openid, an ID token signed by a published key carries nonce, acr, amr and auth_time (OIDC Core §3.1.3.6)")
    func idToken() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let code = try await flow.authorizationCode()
            let authTime = test.clock.now().epochSeconds
            let response = try await flow.token(code: code, dpopKey: try dpopKey())
            let idToken = try #require(response.json["id_token"]?.stringValue)
            let jws = try CompactJWS.parse(idToken)
            #expect(jws.kid != nil)
            _ = try jws.verify(with: try await flow.publishedKeys(), allowed: Self.fapiAlgorithms)
            let claims = try jws.payloadObject()
            #expect(claims["iss"]?.stringValue == TestServer.issuer)
            #expect(claims["aud"]?.stringValue == test.clientID || claims["aud"] == [.string(test.clientID)])
            #expect(claims["sub"]?.stringValue == test.userID)
            #expect(claims["nonce"]?.stringValue == "nonce-456")
            #expect(claims["acr"]?.stringValue == test.server.configuration.login.twoFactorACR)
            let amr = Set(claims["amr"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            #expect(amr.isSuperset(of: ["pwd", "otp"]))
            #expect(claims["auth_time"]?.intValue == authTime)
            let iat = try #require(claims["iat"]?.intValue)
            #expect(try #require(claims["exp"]?.intValue) > iat)
        }
    }

    @Test("An openid request without nonce gets an ID token without nonce")
    func idTokenWithoutNonce() async throws {
        try await TestServer().withFlow { flow in
            let body = try await flow.tokens(["nonce": nil], dpopKey: try dpopKey())
            let claims = try unverifiedClaims(try #require(body["id_token"]?.stringValue))
            #expect(claims["nonce"] == nil)
        }
    }

    @Test("Without openid no ID token is issued (plain OAuth)")
    func noIDTokenWithoutOpenID() async throws {
        try await TestServer().withFlow { flow in
            let body = try await flow.tokens(["scope": "accounts"], dpopKey: try dpopKey())
            #expect(body["access_token"] != nil)
            #expect(body["id_token"] == nil)
            #expect(body["scope"]?.stringValue == "accounts")
        }
    }

    // MARK: - The code is single-use, short-lived and bound (SP §5.3.2.1-11, §5.3.2.2-9; RFC 6749 §4.1.2)

    @Test("A replayed code is rejected with 400 invalid_grant and the tokens issued from it are revoked (RFC 6749 §4.1.2)")
    func codeReplay() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode()
            let first = try await flow.token(code: code, dpopKey: key)
            #expect(first.status == .ok)
            let accessToken = try #require(first.json["access_token"]?.stringValue)
            test.clock.advance(by: 1)
            let replay = try await flow.token(code: code, dpopKey: key)
            expectError(replay, ["invalid_grant"])
            let record = try #require(try await test.server.stores.tokens.find(tokenHash: CredentialHash.of(accessToken)))
            #expect(record.revokedAt != nil)
            let grantID = try #require(record.grantID)
            #expect(try await test.server.stores.grants.find(id: grantID)?.revokedAt != nil)
        }
    }

    /// Both requests present the code; the store lets exactly one consume it, the other is a replay that revokes
    /// the grant (RFC 6749 §4.1.2). Depending on timing the first one's response may already fail its grant check,
    /// so the guarantee is: never two successes, and no token from this code stays usable.
    @Test("Two concurrent redemptions of one code: never both succeed, and no token from the code stays valid")
    func concurrentRedemption() async throws {
        try await TestServer().withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode()
            let requests = try (0..<2).map { _ in try flow.tokenParameters(code: code) }
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for form in requests { group.addTask { try await flow.token(form, dpopKey: key) } }
                var all: [TestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            #expect(responses.filter { $0.status == .ok }.count <= 1)
            expectError(try #require(responses.first { $0.status != .ok }), ["invalid_grant"])
            for response in responses where response.status == .ok {
                let token = try #require(response.json["access_token"]?.stringValue)
                let record = try #require(try await flow.test.server.stores.tokens.find(tokenHash: CredentialHash.of(token)))
                #expect(record.revokedAt != nil, "a token from a replayed code must be revoked")
            }
        }
    }

    @Test("A code is valid for 60 s at most: redeemed after 61 s it is rejected with invalid_grant (SP 5.3.2.1-11)",
          arguments: [59.0, 61.0])
    func codeLifetime(_ delay: TimeInterval) async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let code = try await flow.authorizationCode()
            test.clock.advance(by: delay)
            let response = try await flow.token(code: code, dpopKey: try dpopKey())
            if delay > 60 {
                expectError(response, ["invalid_grant"])
            } else {
                #expect(response.status == .ok, "\(response.bodyText)")
            }
        }
    }

    @Test("A code redeemed by another registered client is rejected with 400 invalid_grant, and stays usable by its own client")
    func codeBoundToClient() async throws {
        let test = try await TestServer()
        let otherKey = try await test.registerOtherClient()
        try await test.withFlow { flow in
            let code = try await flow.authorizationCode()
            let key = try dpopKey()
            let response = try await flow.token(code: code, dpopKey: key, [
                "client_id": "other-client", "client_assertion": try test.clientAssertion(clientID: "other-client", key: otherKey),
            ])
            expectError(response, ["invalid_grant"])
            let own = try await flow.token(code: code, dpopKey: key)
            #expect(own.status == .ok, "another client's attempt must not burn the code: \(own.bodyText)")
        }
    }

    @Test("client_id of another client with this client's assertion is rejected (invalid_client or invalid_grant)")
    func clientIDOfAnotherClient() async throws {
        let test = try await TestServer()
        try await test.registerOtherClient()
        try await test.withFlow { flow in
            let code = try await flow.authorizationCode()
            let response = try await flow.token(code: code, dpopKey: try dpopKey(), ["client_id": "other-client"])
            expectError(response, ["invalid_client", "invalid_grant"], statuses: [400, 401])
        }
    }

    @Test("redirect_uri, when sent, must equal the pushed one (RFC 6749 §4.1.3)")
    func redirectURIMismatch() async throws {
        try await TestServer().withFlow { flow in
            let code = try await flow.authorizationCode()
            let response = try await flow.token(code: code, dpopKey: try dpopKey(), ["redirect_uri": "https://client.example/other"])
            expectError(response, ["invalid_grant"])
        }
    }

    @Test("An unknown code is rejected with invalid_grant")
    func unknownCode() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.token(code: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", dpopKey: try dpopKey()), ["invalid_grant"])
        }
    }

    @Test("A missing code is rejected with invalid_request")
    func missingCode() async throws {
        try await TestServer().withFlow { flow in
            expectError(try await flow.token(code: nil, dpopKey: try dpopKey()), ["invalid_request"])
        }
    }

    // MARK: - PKCE (RFC 7636 §4.6; SP §5.3.2.2-5)

    @Test("A missing or wrong code_verifier is rejected with invalid_grant (RFC 7636 §4.6)",
          arguments: ["missing", "wrong", "the challenge itself", "too short"])
    func pkceVerifier(_ variant: String) async throws {
        try await TestServer().withFlow { flow in
            let code = try await flow.authorizationCode()
            let verifier: String? = switch variant {
            case "missing": nil
            case "wrong": String(TestServer.verifier.reversed())
            case "the challenge itself": PKCE.challenge(for: TestServer.verifier)
            default: String(TestServer.verifier.prefix(42))
            }
            expectError(try await flow.token(code: code, verifier: verifier, dpopKey: try dpopKey()), ["invalid_grant"])
        }
    }

    // MARK: - Sender-constrained tokens (SP §5.3.2.1-4/-5/-12; RFC 9449 §5, §10, §11.1)

    @Test("Without a DPoP proof the request is rejected with 400 invalid_request, and the code still works with a proof")
    func dpopRequired() async throws {
        try await TestServer().withFlow { flow in
            let code = try await flow.authorizationCode()
            let withoutProof = try await flow.token(code: code, dpopKey: nil)
            expectError(withoutProof, ["invalid_request"])
            let withProof = try await flow.token(code: code, dpopKey: try dpopKey())
            #expect(withProof.status == .ok, "\(withProof.bodyText)")
            #expect(withProof.json["token_type"]?.stringValue == "DPoP")
        }
    }

    @Test("A DPoP key other than the dpop_jkt pushed at PAR is rejected with invalid_dpop_proof (RFC 9449 §10)")
    func dpopJKTMismatch() async throws {
        try await TestServer().withFlow { flow in
            let bound = try dpopKey("bound")
            let code = try await flow.authorizationCode(["dpop_jkt": bound.publicJWK.thumbprint()])
            let response = try await flow.token(code: code, dpopKey: try dpopKey("other"))
            expectError(response, ["invalid_dpop_proof", "invalid_request", "invalid_grant"])
            #expect(response.oauthError == "invalid_dpop_proof")
        }
    }

    @Test("The key named by dpop_jkt at PAR is accepted at the token endpoint (CS ensure-dpop-auth-code-binding-success)")
    func dpopJKTMatch() async throws {
        try await TestServer().withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode(["dpop_jkt": key.publicJWK.thumbprint()])
            #expect(try await flow.token(code: code, dpopKey: key).status == .ok)
        }
    }

    @Test("A DPoP proof is single-use: replaying its jti is rejected with invalid_dpop_proof (RFC 9449 §11.1)")
    func dpopProofReplay() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode()
            let proof = try test.dpopProof(key: key, url: flow.url(OAuthServer.Path.token))
            // The first use of the proof fails for another reason (unknown code) but records its jti.
            let first = try await flow.token(try flow.tokenParameters(code: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), dpopKey: nil, dpopProof: proof)
            expectError(first, ["invalid_grant"])
            let replay = try await flow.token(try flow.tokenParameters(code: code), dpopKey: nil, dpopProof: proof)
            expectError(replay, ["invalid_dpop_proof"])
            // Control: the code itself is still good with a fresh proof.
            #expect(try await flow.token(code: code, dpopKey: key).status == .ok)
        }
    }

    @Test("An invalid DPoP proof is rejected with invalid_dpop_proof", arguments: ["htu of PAR", "htm GET", "iat one hour ago"])
    func invalidProof(_ variant: String) async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.authorizationCode()
            let proof: String
            switch variant {
            case "htu of PAR": proof = try test.dpopProof(key: key, url: flow.url(OAuthServer.Path.par))
            case "htm GET": proof = try test.dpopProof(key: key, method: "GET", url: flow.url(OAuthServer.Path.token))
            default: proof = try test.dpopProof(key: key, url: flow.url(OAuthServer.Path.token),
                                                overrides: ["iat": .int(test.clock.now().epochSeconds - 3600)])
            }
            expectError(try await flow.token(try flow.tokenParameters(code: code), dpopKey: nil, dpopProof: proof), ["invalid_dpop_proof"])
        }
    }

    // MARK: - Grant types and client authentication (SP §5.3.2.1-2/-6/-8)

    @Test("The resource owner password credentials grant is rejected with unsupported_grant_type (SP 5.3.2.1-2)")
    func passwordGrant() async throws {
        try await TestServer().withFlow { flow in
            let form = try flow.tokenParameters(code: nil, verifier: nil, [
                "grant_type": "password", "username": TestServer.username, "password": TestServer.password, "redirect_uri": nil,
            ])
            expectError(try await flow.token(form, dpopKey: try dpopKey()), ["unsupported_grant_type"])
        }
    }

    @Test("A token request without client authentication is rejected with invalid_client")
    func clientAuthenticationRequired() async throws {
        try await TestServer().withFlow { flow in
            let code = try await flow.authorizationCode()
            let response = try await flow.token(code: code, dpopKey: try dpopKey(), ["client_assertion": nil, "client_assertion_type": nil])
            expectError(response, ["invalid_client", "invalid_request"], statuses: [400, 401])
        }
    }

    @Test("At the token endpoint too, the assertion aud must be the issuer string (SP 5.3.2.1-8)",
          arguments: ["token endpoint URL", "array with issuer"])
    func tokenEndpointAudience(_ variant: String) async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let code = try await flow.authorizationCode()
            let audience: JSONValue = variant == "token endpoint URL"
                ? .string(flow.url(OAuthServer.Path.token)) : [.string(flow.issuer), .string(flow.url(OAuthServer.Path.token))]
            let response = try await flow.token(code: code, dpopKey: try dpopKey(),
                                                ["client_assertion": try test.clientAssertion(audience: audience)])
            expectError(response, ["invalid_client", "invalid_request"], statuses: [400, 401])
        }
    }

    @Test("GET /token is rejected with 405")
    func getNotAllowed() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.get(OAuthServer.Path.token)
            #expect(response.status == .methodNotAllowed)
        }
    }

    // MARK: - Error response format (RFC 6749 §5.2)

    static let errorScenarios = ["no client authentication", "unknown code", "no DPoP proof", "hostile grant_type", "hostile scope-like code",
                                 "repeated parameter", "JSON body", "missing grant_type", "malformed DPoP proof"]

    @Test("Error responses are JSON with no-store and error_description only in the RFC 6749 §5.2 character set",
          arguments: errorScenarios)
    func errorFormat(_ scenario: String) async throws {
        try await TestServer().withFlow { flow in
            let key = try dpopKey()
            let base = try flow.tokenParameters(code: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            let response: TestResponse
            switch scenario {
            case "no client authentication":
                response = try await flow.token(try flow.tokenParameters(code: "x", ["client_assertion": nil]), dpopKey: key)
            case "unknown code":
                response = try await flow.token(base, dpopKey: key)
            case "no DPoP proof":
                response = try await flow.token(base, dpopKey: nil)
            case "hostile grant_type":
                response = try await flow.token(try flow.tokenParameters(code: "x", ["grant_type": "é\"\\\n\t<b>\u{0}\u{7f}\u{202e}"]), dpopKey: key)
            case "hostile scope-like code":
                response = try await flow.token(try flow.tokenParameters(code: "ü\"\\\r\n"), dpopKey: key)
            case "repeated parameter":
                response = try await flow.post(OAuthServer.Path.token, body: FormParameters.body(base) + "&grant_type=authorization_code",
                                               headers: try flow.dpopHeaders(key, path: OAuthServer.Path.token))
            case "JSON body":
                response = try await flow.client.execute(uri: OAuthServer.Path.token, method: .post, headers: [.contentType: "application/json"],
                                                         body: ByteBuffer(string: String(decoding: JSONValue.object(base.mapValues(JSONValue.string)).jsonData(), as: UTF8.self)))
            case "missing grant_type":
                response = try await flow.token(try flow.tokenParameters(code: "x", ["grant_type": nil]), dpopKey: key)
            default:
                response = try await flow.token(base, dpopKey: nil, dpopProof: "not.a.jwt")
            }
            #expect([400, 401].contains(response.status.code), "\(response.status)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
            #expect(response.oauthError?.isEmpty == false, "\(response.bodyText)")
            #expect(response.oauthError?.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" } == true)
            if let description = response.json["error_description"]?.stringValue {
                let bad = description.unicodeScalars.filter { !ErrorDescription.isAllowed($0) }
                #expect(bad.isEmpty, "error_description has \(bad.map { String(format: "U+%04X", $0.value) })")
                // Independent of ErrorDescription: %x20-21 / %x23-5B / %x5D-7E.
                #expect(description.unicodeScalars.allSatisfy { [0x20, 0x21].contains($0.value) || (0x23...0x5B).contains($0.value) || (0x5D...0x7E).contains($0.value) })
            }
        }
    }
}
