import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// A scripted back channel: discovery, JWKS, PAR, token and one resource, with switches for the cases under test.
struct FakeBackChannel: Sendable {
    static let base = ClientFixtures.issuer
    var advertisedIssuer = ClientFixtures.issuer
    /// The nonce the AS and RS demand; nil for none.
    var nonce: String?
    var tokenError: JSONValue?
    var idTokenNonce: String?

    func metadata() -> JSONValue {
        [
            "issuer": .string(advertisedIssuer), "authorization_endpoint": .string(Self.base + "/authorize"),
            "token_endpoint": .string(Self.base + "/token"), "pushed_authorization_request_endpoint": .string(Self.base + "/par"),
            "jwks_uri": .string(Self.base + "/jwks"), "require_pushed_authorization_requests": true,
            "authorization_response_iss_parameter_supported": true, "dpop_signing_alg_values_supported": ["ES256", "PS256", "EdDSA"],
        ]
    }

    func transport(clock: ManualClock) -> ScriptedTransport {
        ScriptedTransport { request in
            let url = request.url
            let proof = request.headers["DPoP"].flatMap { try? ClientFixtures.decode($0).claims }
            switch url.path {
            case "/.well-known/openid-configuration": return .json(metadata(), url: url)
            case "/jwks": return .json(.object(ClientFixtures.serverKeys.publicJSON), url: url)
            case "/par", "/token":
                if let nonce, proof?["nonce"]?.stringValue != nonce {
                    return .json(["error": "use_dpop_nonce", "error_description": "Use the nonce"], status: 400, url: url, headers: ["DPoP-Nonce": nonce])
                }
                if url.path == "/par" { return .json(["request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 60], status: 201, url: url) }
                if let tokenError { return .json(tokenError, status: 400, url: url) }
                var body: [String: JSONValue] = ["access_token": "at-1", "token_type": "DPoP", "expires_in": 300, "scope": "openid accounts"]
                if let idTokenNonce {
                    let t = clock.now().epochSeconds
                    body["id_token"] = .string(try JWT.sign(claims: [
                        "iss": .string(ClientFixtures.issuer), "sub": "user-1", "aud": .string(ClientFixtures.clientID),
                        "exp": .int(t + 300), "iat": .int(t), "nonce": .string(idTokenNonce),
                    ], typ: "JWT", key: ClientFixtures.serverKey))
                }
                return .json(.object(body), url: url)
            case "/accounts":
                if let nonce, proof?["nonce"]?.stringValue != nonce {
                    return HTTPResponseMessage(status: 401, headers: ["WWW-Authenticate": #"DPoP error="use_dpop_nonce""#, "DPoP-Nonce": nonce], url: url)
                }
                return .json(["accounts": []], url: url)
            default: return .json(["error": "not_found"], status: 404, url: url)
            }
        }
    }
}

@Suite("KuraClient against a scripted server: discovery, PAR, token, DPoP nonces, resource calls")
struct KuraClientFlowTests {
    let clock = ManualClock(ClientFixtures.now)

    func client(_ server: FakeBackChannel = FakeBackChannel()) throws -> (KuraClient, ScriptedTransport) {
        let transport = server.transport(clock: clock)
        return (try KuraClient(configuration: ClientFixtures.configuration(), transport: transport, clock: clock, random: ClientTestRandom()), transport)
    }

    func pushed() -> PushedAuthorization {
        PushedAuthorization(
            requestURI: "urn:x", expiresIn: 60, authorizationURL: URL(string: "https://as.kura.example/authorize")!,
            codeVerifier: String(repeating: "v", count: 43), state: "st", nonce: "n-1", scope: ["openid"], redirectURI: ClientFixtures.redirectURI)
    }

    @Test("Discovery rejects a document whose issuer is not the configured one (RFC 8414 §3.3)")
    func discoveryIssuerMismatch() async throws {
        var server = FakeBackChannel()
        server.advertisedIssuer = "https://as.kura.example/"
        let (client, transport) = try client(server)
        await #expect(throws: KuraClientError.issuerMismatch(expected: ClientFixtures.issuer, actual: "https://as.kura.example/")) {
            try await client.discover()
        }
        #expect(transport.requests.first?.url.absoluteString == "https://as.kura.example/.well-known/openid-configuration")
    }

    @Test("PAR sends code + S256 PKCE + redirect_uri + state + nonce + private_key_jwt + DPoP; the front channel gets only client_id and request_uri")
    func pushAuthorizationRequest() async throws {
        let (client, transport) = try client()
        let details: JSONValue = [["type": "account_information", "actions": ["read"]]]
        let pushed = try await client.pushAuthorizationRequest(authorizationDetails: details)
        let par = try #require(transport.requests.last)
        let form = par.formParameters
        #expect(par.method == "POST" && par.url.path == "/par")
        #expect(form["response_type"] == "code" && form["client_id"] == ClientFixtures.clientID)
        #expect(form["redirect_uri"] == ClientFixtures.redirectURI.absoluteString)
        #expect(form["scope"] == "openid accounts")
        #expect(form["code_challenge_method"] == "S256")
        #expect(form["code_challenge"] == PKCE.challenge(for: pushed.codeVerifier))
        #expect(form["state"] == pushed.state && form["nonce"] == pushed.nonce && pushed.nonce != nil)
        #expect(form["authorization_details"].flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) } == details)
        #expect(form["client_assertion_type"] == ClientAssertionFactory.assertionType)
        #expect(try ClientFixtures.decode(try #require(form["client_assertion"])).claims["aud"] == .string(ClientFixtures.issuer))
        #expect(form["code_verifier"] == nil)
        let proof = try ClientFixtures.decode(try #require(par.headers["DPoP"])).claims
        #expect(proof["htm"] == "POST" && proof["htu"] == "https://as.kura.example/par")
        #expect(pushed.requestURI == "urn:ietf:params:oauth:request_uri:abc" && pushed.expiresIn == 60)
        #expect(pushed.authorizationURL.absoluteString
            == "https://as.kura.example/authorize?client_id=partner-1&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc")
    }

    @Test("use_dpop_nonce at the token endpoint: retried once with the nonce and a fresh client assertion (RFC 9449 §8)")
    func tokenNonceRetry() async throws {
        var server = FakeBackChannel()
        server.nonce = "as-nonce-1"
        let (client, transport) = try client(server)
        let tokens = try await client.exchangeCode("the-code", for: pushed())
        #expect(tokens.accessToken == "at-1" && tokens.isDPoPBound && tokens.scopes == ["openid", "accounts"])
        let attempts = transport.requests.filter { $0.url.path == "/token" }
        #expect(attempts.count == 2)
        #expect(try ClientFixtures.decode(attempts[1].headers["DPoP"]!).claims["nonce"] == "as-nonce-1")
        #expect(attempts[0].formParameters["client_assertion"] != attempts[1].formParameters["client_assertion"])
        let form = attempts[1].formParameters
        #expect(form["grant_type"] == "authorization_code" && form["code"] == "the-code" && form["code_verifier"] == pushed().codeVerifier)
        #expect(await client.nonces.nonce(for: URL(string: "https://as.kura.example/par")!) == "as-nonce-1")
    }

    @Test("Token errors surface as typed OAuth errors with the server's description (RFC 6749 §5.2)")
    func tokenError() async throws {
        var server = FakeBackChannel()
        server.tokenError = ["error": "invalid_grant", "error_description": "The code has expired"]
        let (client, _) = try client(server)
        await #expect {
            _ = try await client.exchangeCode("old-code", for: pushed())
        } throws: { error in
            guard case KuraClientError.server(let response) = error else { return false }
            return response.code == .invalidGrant && response.errorDescription == "The code has expired" && response.status == 400
                && response.oauthError == OAuthError(.invalidGrant)
        }
    }

    @Test("exchangeCode checks iss and state before sending anything")
    func exchangeChecksResponse() async throws {
        let (client, transport) = try client()
        let forged = AuthorizationResponse(code: "c", state: "st", iss: "https://attacker.example")
        await #expect(throws: KuraClientError.issuerMismatch(expected: ClientFixtures.issuer, actual: "https://attacker.example")) {
            _ = try await client.exchangeCode(forged, for: pushed())
        }
        await #expect(throws: KuraClientError.stateMismatch(expected: "st", actual: "other")) {
            _ = try await client.exchangeCode(AuthorizationResponse(code: "c", state: "other", iss: ClientFixtures.issuer), for: pushed())
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("An ID token in the token response is validated against the pushed nonce")
    func idTokenNonceChecked() async throws {
        var server = FakeBackChannel()
        server.idTokenNonce = "n-1"
        let (client, _) = try client(server)
        let tokens = try await client.exchangeCode("c", for: pushed())
        #expect(try await client.verifyIDToken(try #require(tokens.idToken), nonce: "n-1")["sub"] == "user-1")
        server.idTokenNonce = "replayed"
        let (other, _) = try self.client(server)
        await #expect(throws: KuraClientError.invalidIDToken(.nonce(expected: "n-1", actual: "replayed"))) {
            _ = try await other.exchangeCode("c", for: pushed())
        }
    }

    @Test("Resource calls send Authorization: DPoP and a proof with ath; a 401 use_dpop_nonce is retried once (RFC 9449 §7, §9)")
    func resourceNonceRetry() async throws {
        var server = FakeBackChannel()
        server.nonce = "rs-nonce"
        let (client, transport) = try client(server)
        let url = URL(string: "https://as.kura.example/accounts?limit=5")!
        let response = try await client.get(url, token: "at-1")
        #expect(response.status == 200)
        let calls = transport.requests.filter { $0.url.path == "/accounts" }
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.headers["Authorization"] == "DPoP at-1" })
        let proof = try ClientFixtures.decode(calls[1].headers["DPoP"]!).claims
        #expect(proof["ath"]?.stringValue == CredentialHash.of("at-1"))
        #expect(proof["nonce"] == "rs-nonce" && proof["htm"] == "GET" && proof["htu"] == "https://as.kura.example/accounts")
        _ = try await client.get(url, token: "at-1")
        #expect(transport.requests.filter { $0.url.path == "/accounts" }.count == 3, "the remembered nonce is used up front")
    }

    @Test("Configuration without DPoP key or client certificate is refused: tokens must be sender-constrained")
    func requiresSenderConstraint() {
        #expect(throws: KuraClientError.self) {
            _ = try KuraClient(configuration: ClientFixtures.configuration(dpop: false), transport: ScriptedTransport { _ in throw CancellationError() })
        }
    }
}
