import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Discovery, the complete flow and the profile-specific modules (FAPI 2.0 SP §5.3.2.1-1, §5.3.2.2, §5.4.1-4;
/// RFC 8414; OIDC Discovery; OIDC Core §5.5): the conformance modules of FAPI2-CHECKLIST §E.3 that look at the whole
/// server. Modules that only run for another `fapi_profile` (openbanking_uk, connectid_au) say so in their name and
/// assert what Kura does instead.
@Suite("Conformance modules: discovery, happy flow and profile-specific modules")
struct ConformanceFlowModuleTests {
    static let fapiAlgorithms: Set<String> = ["PS256", "ES256", "EdDSA", "Ed25519"]

    /// The discovery document at `/.well-known/openid-configuration` (200, JSON).
    func metadata(_ flow: FlowDriver) async throws -> [String: JSONValue] {
        let response = try await flow.get(OAuthServer.Path.openIDConfiguration)
        try #require(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return response.json
    }

    func strings(_ metadata: [String: JSONValue], _ name: String) -> Set<String> {
        Set(metadata[name]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    @Test("fapi2-security-profile-final-discovery-end-point-verification: issuer, https endpoints, code, S256, iss parameter and jwt response mode, FAPI algorithms only, private_key_jwt and DPoP, OIDC members; the mTLS members when mTLS is on")
    func discovery() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let m = try await metadata(flow)
            #expect(m["issuer"]?.stringValue == conformance.issuer)
            #expect(try await flow.get(OAuthServer.Path.oauthMetadata).json == m, "RFC 8414 3: the same document")
            for endpoint in ["authorization_endpoint", "token_endpoint", "pushed_authorization_request_endpoint", "jwks_uri", "userinfo_endpoint"] {
                #expect(m[endpoint]?.stringValue?.hasPrefix("https://") == true, "\(endpoint)")
            }
            #expect(strings(m, "response_types_supported").contains("code"))
            #expect(m["authorization_response_iss_parameter_supported"] == true)
            #expect(strings(m, "response_modes_supported").contains("jwt"))
            #expect(strings(m, "code_challenge_methods_supported") == ["S256"])
            #expect(strings(m, "token_endpoint_auth_methods_supported").contains("private_key_jwt"))
            #expect(strings(m, "grant_types_supported").contains("authorization_code"))
            #expect(m["require_pushed_authorization_requests"].map { $0.boolValue != nil } ?? true)
            for member in ["token_endpoint_auth_signing_alg_values_supported", "dpop_signing_alg_values_supported",
                           "id_token_signing_alg_values_supported", "request_object_signing_alg_values_supported",
                           "authorization_signing_alg_values_supported"] {
                let algorithms = strings(m, member)
                #expect(!algorithms.isEmpty && algorithms.isSubset(of: Self.fapiAlgorithms), "\(member): \(algorithms)")
            }
            let scopes = strings(m, "scopes_supported")
            #expect(scopes.contains("openid"))
            #expect(scopes.allSatisfy { Scope.parse($0) == [$0] }, "scope tokens (RFC 6749 3.3)")
            #expect(!strings(m, "subject_types_supported").isEmpty)
        }

        let mutualTLS = try await ConformanceServer.mutualTLSBehindProxy(try MutualTLSFixture())
        try await mutualTLS.withFlow { flow in
            let m = try await metadata(flow)
            #expect(m["tls_client_certificate_bound_access_tokens"] == true)
            #expect(strings(m, "token_endpoint_auth_methods_supported").isSuperset(of: ["tls_client_auth", "self_signed_tls_client_auth"]))
        }
    }

    @Test("fapi2-security-profile-final-happy-flow: two clients over HTTP: PAR 201, code with state and iss, credentials over 96 bits of entropy, token 200 with a valid ID token, userinfo 200 with Date; a query token and another client's key are refused; JAR + JARM, plain_oauth and client_credentials variants")
    func happyFlow() async throws {
        let conformance = try await ConformanceServer()
        let otherKey = try await conformance.test.registerOtherClient()
        try await conformance.withFlow(.live) { flow in
            let key1 = try dpopKey("client-1"), key2 = try dpopKey("client-2")
            let pushed = try await flow.par()
            #expect(pushed.status == .created && pushed.headers[.contentType]?.hasPrefix("application/json") == true)
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            #expect(requestURI.hasPrefix("urn:ietf:params:oauth:request_uri:"))
            #expect(estimatedEntropyBits(String(requestURI.dropFirst("urn:ietf:params:oauth:request_uri:".count))) > 96)
            #expect((pushed.json["expires_in"]?.intValue ?? 0) > 0)
            let response = try await flow.authorizationResponse(requestURI: requestURI)
            #expect(response["state"] == "state-123" && response["iss"] == conformance.issuer)
            let code = try #require(response["code"])
            #expect(estimatedEntropyBits(code) > 96 && code.count >= 22)

            let tokens = try await flow.token(code: code, dpopKey: key1)
            #expect(tokens.status == .ok, "\(tokens.bodyText)")
            #expect(tokens.json["token_type"]?.stringValue == "DPoP" && tokens.json["expires_in"]?.intValue != nil)
            let accessToken = try #require(tokens.json["access_token"]?.stringValue)
            #expect(estimatedEntropyBits(accessToken) > 96 && accessToken.count >= 22)
            let idToken = try await flow.verifiedIDToken(try #require(tokens.json["id_token"]?.stringValue), clientID: conformance.test.clientID)
            #expect(idToken["nonce"]?.stringValue == "nonce-456")
            let resource = try await flow.userinfo(accessToken, proofKey: key1)
            #expect(resource.status == .ok && resource.headers[.date] != nil, "\(resource.status) \(resource.headers)")
            #expect([400, 401, 414].contains(try await flow.get(OAuthServer.Path.userinfo + "?access_token=" + accessToken).status.code))

            // Client 2: a 128-character state and the authorization request's parameters in another order.
            let state = String((0..<128).map { i in Array("abcdefghijklmnopqrstuvwxyz0123456789-._~")[i % 40] })
            let pushed2 = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "other-client", key: otherKey, ["state": state]))
            let requestURI2 = try #require(pushed2.json["request_uri"]?.stringValue)
            let uri = OAuthServer.Path.authorize + "?" + FormParameters.encode([("request_uri", requestURI2), ("client_id", "other-client")])
            let response2 = try redirectParameters(try await flow.finish(try await flow.startInteraction(uri: uri)))
            #expect(response2["state"] == state)
            let tokens2 = try await flow.token(try flow.tokenParameters(code: try #require(response2["code"]), clientID: "other-client", key: otherKey),
                                               dpopKey: key2)
            _ = try await flow.verifiedIDToken(try #require(tokens2.json["id_token"]?.stringValue), clientID: "other-client")
            let accessToken2 = try #require(tokens2.json["access_token"]?.stringValue)
            #expect((400..<500).contains(try await flow.userinfo(accessToken2, proofKey: key1).status.code), "client 1's key, client 2's token")
        }
        try await happyFlowVariants()
    }

    /// The happy flow with a signed request object and a JARM response (MS plan), without OpenID Connect
    /// (`openid=plain_oauth`), and as `fapi_client_credentials_grant`.
    func happyFlowVariants() async throws {
        try await ConformanceServer().withFlow { flow in
            let untyped = try await flow.parSigned(try flow.test.requestObject(typ: nil))
            #expect(untyped.status == .created, "a request object without typ: \(untyped.bodyText)")
            let pushed = try await flow.parSigned(try flow.test.requestObject(flow.test.requestObjectClaims(["response_mode": "jwt"])))
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let start = try await flow.startInteraction(uri: flow.authorizeURI(requestURI: requestURI))
            let jarm = try await flow.jarmClaims(try await flow.finish(start))
            #expect(jarm["iss"]?.stringValue == flow.issuer && jarm["state"] == "inner-state")
            let tokens = try await flow.token(code: try #require(jarm["code"]?.stringValue), dpopKey: try dpopKey())
            #expect(tokens.status == .ok && tokens.json["id_token"] != nil, "\(tokens.bodyText)")
        }
        try await ConformanceServer { $0.features.openIDConnect = false }.withFlow { flow in
            let tokens = try await flow.token(code: try await flow.code(["scope": "accounts", "nonce": nil]), dpopKey: try dpopKey())
            #expect(tokens.status == .ok && tokens.json["id_token"] == nil, "plain_oauth: \(tokens.bodyText)")
        }
        let clientCredentials = try await ConformanceServer()
        try await clientCredentials.test.setGrantTypes(["client_credentials"])
        try await clientCredentials.withFlow { flow in
            let tokens = try await flow.clientCredentials(scope: "accounts", dpopKey: try dpopKey())
            #expect(tokens.status == .ok && tokens.json["token_type"]?.stringValue == "DPoP", "\(tokens.bodyText)")
            #expect(tokens.json["refresh_token"] == nil, "RFC 6749 4.4.3")
        }
    }

    @Test("fapi2-security-profile-final-test-claims-parameter-identity-claims: skipped by the suite: discovery states claims_parameter_supported false; a claims parameter is ignored")
    func claimsParameter() async throws {
        try await ConformanceServer().withFlow { flow in
            #expect(try await metadata(flow)["claims_parameter_supported"] == false)
            let claims = #"{"id_token":{"name":{"essential":true}},"userinfo":{"name":null}}"#
            let tokens = try await flow.token(code: try await flow.code(["claims": claims]), dpopKey: try dpopKey())
            #expect(tokens.status == .ok, "\(tokens.bodyText)")
            #expect(try unverifiedClaims(try #require(tokens.json["id_token"]?.stringValue))["name"] == nil)
        }
    }

    @Test("fapi2-security-profile-final-ensure-server-handles-non-matching-intent-id: not applicable (openbanking_uk only; Kura has no intents); client 1's pushed request is refused to client 2 at the authorization endpoint (error page) and at PAR (invalid_request), nothing stored")
    func nonMatchingIntent() async throws {
        let conformance = try await ConformanceServer()
        let otherKey = try await conformance.test.registerOtherClient()
        try await conformance.withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let before = conformance.rows
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: "other-client")))
            let form = try flow.parParameters(forClient: "other-client", key: otherKey, ["request_uri": requestURI])
            expectOAuthError(try await flow.post(OAuthServer.Path.par, form: form), ["invalid_request", "invalid_request_object"])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-test-essential-acr-sca-claim: not applicable (openbanking_uk only); Kura always authenticates with two factors and states that acr and amr mfa in the ID token, also when acr_values asks for it")
    func essentialACR() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let acr = conformance.server.configuration.login.twoFactorACR
            let tokens = try await flow.token(code: try await flow.code(["acr_values": acr]), dpopKey: try dpopKey())
            let claims = try await flow.verifiedIDToken(try #require(tokens.json["id_token"]?.stringValue), clientID: conformance.test.clientID)
            #expect(claims["acr"]?.stringValue == acr)
            #expect(claims["amr"]?.arrayValue?.contains("mfa") == true)
        }
    }

    @Test("fapi2-security-profile-final-australia-connectid-test-claims-parameter-idtoken-identity-claims: not applicable (connectid_au only); claims_parameter_supported is false and the ID token releases no identity claim asked for in claims")
    func connectIDClaims() async throws {
        try await ConformanceServer().withFlow { flow in
            #expect(try await metadata(flow)["claims_parameter_supported"] == false)
            let identity = ["given_name", "family_name", "name", "birthdate", "email", "phone_number", "address", "txn"]
            let request = JSONValue.object(["id_token": .object(Dictionary(uniqueKeysWithValues: identity.map { ($0, JSONValue.object(["essential": true])) }))])
            let code = try await flow.code(["claims": String(decoding: request.jsonData(), as: UTF8.self)])
            let tokens = try await flow.token(code: code, dpopKey: try dpopKey())
            let claims = try unverifiedClaims(try #require(tokens.json["id_token"]?.stringValue))
            #expect(identity.allSatisfy { claims[$0] == nil }, "\(claims.keys.sorted())")
        }
    }
}
