import AuthorizationServer
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// Token requests from the right client without the holder-of-key credential (FAPI 2.0 SP §5.3.2.1-4: only
/// sender-constrained tokens), RFC 8705 §3.4 registrations, trusted proxies over real HTTPS, and the demo's mTLS
/// partner.
@Suite("RFC 8705 holder of key, RFC 9440 proxies and the demo mTLS partner over HTTPS", .serialized)
struct MutualTLSHolderOfKeyTests {
    let fixture = try! MutualTLSFixture()

    /// PAR and the browser step with `client`; returns the code and the pushed request for a token request.
    static func code(_ client: KuraClient, _ live: LiveServer) async throws -> (String, PushedAuthorization) {
        let pushed = try await client.pushAuthorizationRequest()
        let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
        return (try response.authorizationCode(issuer: live.issuer, state: pushed.state), pushed)
    }

    static func tokenForm(_ code: String, _ pushed: PushedAuthorization) -> [(String, String)] {
        [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", pushed.redirectURI.absoluteString),
         ("code_verifier", pushed.codeVerifier)]
    }

    @Test("fapi2-security-profile-final-ensure-holder-of-key-required: MTLS client auth + MTLS binding, token request without the certificate → invalid_client; the code survives for the retry")
    func mutualTLSClientWithoutCertificate() async throws {
        try await fixture.run { live in
            try await MutualTLSFlowTests.registerPKIClient(live, id: "mtls-partner")
            let certificate = try fixture.issue(cn: "mtls-partner")
            let client = try MutualTLSFixture.kuraClient(live, clientID: "mtls-partner", certificate: certificate)
            let (code, pushed) = try await Self.code(client, live)
            let token = URL(string: live.issuer + OAuthServer.Path.token)!
            let anonymous = try MutualTLSFixture.transport(live)
            let refused = try await anonymous.send(.form(token, Self.tokenForm(code, pushed) + [("client_id", "mtls-partner")]))
            #expect(refused.status == 401)
            #expect(refused.oauthError?.error == "invalid_client")
            try await anonymous.shutdown()
            let tokens = try await client.exchangeCode(code, for: pushed)
            #expect(tokens.tokenType == "Bearer")
            try await client.shutdown()
        }
    }

    @Test("fapi2-security-profile-final-ensure-holder-of-key-required: private_key_jwt + MTLS binding, token request with neither certificate nor DPoP proof → invalid_request")
    func privateKeyJWTWithoutCertificate() async throws {
        try await fixture.run { live in
            let certificate = try fixture.issue(cn: "binding-only")
            let client = try MutualTLSFixture.kuraClient(live, clientID: live.test.clientID, certificate: certificate,
                                                        signingKey: live.test.clientKey)
            let (code, pushed) = try await Self.code(client, live)
            let token = URL(string: live.issuer + OAuthServer.Path.token)!
            let anonymous = try MutualTLSFixture.transport(live)
            let form = Self.tokenForm(code, pushed) + [
                ("client_id", live.test.clientID), ("client_assertion_type", FlowDriver.jwtBearer),
                ("client_assertion", try live.test.clientAssertion()),
            ]
            let refused = try await anonymous.send(.form(token, form))
            #expect(refused.status == 400)
            #expect(["invalid_request", "invalid_grant", "invalid_client"].contains(refused.oauthError?.error ?? ""))
            try await anonymous.shutdown()
            let tokens = try await client.exchangeCode(code, for: pushed)
            #expect(tokens.tokenType == "Bearer", "the holder of the certificate can still redeem the code")
            try await client.shutdown()
        }
    }

    @Test("RFC 8705 3.4: a client registered for certificate-bound tokens gets no DPoP-bound token (invalid_request)")
    func boundTokensClientSendingDPoP() async throws {
        try await fixture.run { live in
            try await MutualTLSFlowTests.registerPKIClient(live, id: "mtls-partner")
            let client = try MutualTLSFixture.kuraClient(live, clientID: "mtls-partner", certificate: try fixture.issue(cn: "mtls-partner"),
                                                        dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            let (code, pushed) = try await Self.code(client, live)
            await #expect(throws: KuraClientError.self) {
                do { _ = try await client.exchangeCode(code, for: pushed) } catch let error as KuraClientError {
                    #expect(error.oauthCode == "invalid_request")
                    throw error
                }
            }
            try await client.shutdown()
        }
    }

    @Test("RFC 9440 over HTTPS: Client-Cert authenticates only when the TCP peer is a configured trusted proxy")
    func trustedProxyOverHTTPS() async throws {
        let clientCertificate = try fixture.issue(cn: "behind-proxy")
        let header: HTTPHeaderFields = ["Client-Cert": ":" + Data(try clientCertificate.certificateDER).base64EncodedString() + ":"]
        try await fixture.run(configure: { $0.trustedProxies = [try! TrustedProxy("127.0.0.1")] }) { live in
            try await MutualTLSFlowTests.registerPKIClient(live, id: "behind-proxy")
            let accepted = try await MutualTLSFixture.pushRaw(live, clientID: "behind-proxy", certificate: nil, headers: header)
            #expect(accepted.status == 201, "\(accepted.text)")
            let withoutHeader = try await MutualTLSFixture.pushRaw(live, clientID: "behind-proxy", certificate: clientCertificate)
            #expect(withoutHeader.status == 401, "behind a trusted proxy only the header counts, not the proxy's own TLS certificate")
        }
        try await fixture.run { live in
            try await MutualTLSFlowTests.registerPKIClient(live, id: "behind-proxy")
            let forged = try await MutualTLSFixture.pushRaw(live, clientID: "behind-proxy", certificate: nil, headers: header)
            #expect(forged.status == 401 && forged.oauthError?.error == "invalid_client", "an untrusted peer's Client-Cert is ignored")
        }
    }

    @Test("kura demo: the mTLS partner it registers authenticates with the certificate and key files it writes")
    func demoPartner() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-demo-mtls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = DemoEnvironment(directory: directory)
        try demo.prepareTLS()
        let mutualTLS = try demo.mutualTLSConfiguration()
        #expect(mutualTLS.enabled && mutualTLS.trustedCertificateAuthorities.count == 1)
        try await LiveServer.run(pki: try DevelopmentPKI.load(from: demo.tlsDirectory), configure: { $0.mutualTLS = mutualTLS }) { live in
            try await demo.seedMutualTLSClient(server: live.test.server)
            try await demo.seedMutualTLSClient(server: live.test.server)  // idempotent on restart
            let settings = try #require(JSONValue.parseObject(try Data(contentsOf: demo.mutualTLSClientFile)))
            #expect(settings["client_id"]?.stringValue == DemoEnvironment.mutualTLSClientID)
            let record = try #require(try await live.test.server.stores.clients.find(clientID: DemoEnvironment.mutualTLSClientID))
            #expect(record.metadata["token_endpoint_auth_method"] == "tls_client_auth")
            var configuration = ClientConfiguration(
                issuer: URL(string: live.issuer)!, clientID: DemoEnvironment.mutualTLSClientID, authentication: .mutualTLS,
                redirectURI: URL(string: DemoEnvironment.redirectURI)!, dpopKey: nil,
                tls: ClientTLSConfiguration(trustRoots: .pemFile(try #require(settings["ca_file"]?.stringValue)), clientCertificate: try .pemFiles(
                    certificateChain: try #require(settings["certificate_file"]?.stringValue),
                    privateKey: try #require(settings["private_key_file"]?.stringValue))))
            configuration.scopes = ["openid", "accounts"]
            let client = try KuraClient(configuration: configuration)
            let pushed = try await client.pushAuthorizationRequest()
            #expect(pushed.expiresIn > 0)
            try await client.shutdown()
        }
    }
}
