import AuthorizationServer
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// RFC 8705 over real HTTPS with KuraClient presenting client certificates: mutual-TLS client authentication (§2) and
/// certificate-bound access tokens (§3), alone and combined with private_key_jwt and DPoP.
@Suite("RFC 8705 end to end over HTTPS: mTLS client authentication and certificate-bound tokens", .serialized)
struct MutualTLSFlowTests {
    let fixture = try! MutualTLSFixture()

    /// Registers the `tls_client_auth` client `id` (subject DN of `issue(cn: id)`), certificate-bound tokens by default.
    static func registerPKIClient(_ live: LiveServer, id: String, boundTokens: Bool = true) async throws {
        try await MutualTLSFixture.registerTLSClient(
            live.test.server, id: id, subject: ["tls_client_auth_subject_dn": .string(MutualTLSFixture.subjectDN(cn: id))],
            extra: boundTokens ? ["tls_client_certificate_bound_access_tokens": true] : [:])
    }

    /// PAR → login → consent → token, returning the tokens and the decoded access-token claims.
    static func flow(_ client: KuraClient, _ live: LiveServer) async throws -> (TokenResponse, [String: JSONValue]) {
        let pushed = try await client.pushAuthorizationRequest()
        let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
        let tokens = try await client.exchangeCode(response, for: pushed)
        return (tokens, try await client.decodeAccessToken(tokens.accessToken))
    }

    @Test("tls_client_auth + certificate-bound token: cnf.x5t#S256 is SHA-256 of the presented DER, token_type Bearer")
    func pkiClientBoundToken() async throws {
        try await fixture.run { live in
            try await Self.registerPKIClient(live, id: "mtls-partner")
            let certificate = try fixture.issue(cn: "mtls-partner")
            let client = try MutualTLSFixture.kuraClient(live, clientID: "mtls-partner", certificate: certificate)
            let (tokens, claims) = try await Self.flow(client, live)
            #expect(tokens.tokenType == "Bearer")
            #expect(claims["cnf"]?["x5t#S256"]?.stringValue == (try MutualTLSFixture.thumbprint(certificate)))
            #expect(claims["cnf"]?["jkt"] == nil)
            #expect(claims["client_id"]?.stringValue == "mtls-partner")

            // RFC 7662 / RFC 7009 authenticate as the token endpoint does: the same certificate works, none does not.
            let introspection = URL(string: live.issuer + OAuthServer.Path.introspection)!
            let form = [("token", tokens.accessToken), ("client_id", "mtls-partner")]
            let withCertificate = try MutualTLSFixture.transport(live, certificate: certificate)
            let active = try await withCertificate.send(.form(introspection, form))
            #expect(active.status == 200)
            #expect(active.jsonObject()?["active"] == true)
            let anonymous = try MutualTLSFixture.transport(live)
            let refused = try await anonymous.send(.form(introspection, form))
            #expect(refused.status == 401 && refused.oauthError?.error == "invalid_client")
            try await withCertificate.shutdown()
            try await anonymous.shutdown()
            try await client.shutdown()
        }
    }

    @Test("self_signed_tls_client_auth + DPoP: the registered self-signed certificate authenticates, the token is DPoP-bound")
    func selfSignedWithDPoP() async throws {
        try await fixture.run { live in
            let key = try JWSSigningKey.generate(.es256, kid: "tls-key")
            try await MutualTLSFixture.registerSelfSignedClient(live.test.server, id: "self-signed", jwks: JWKSet(keys: [key.publicJWK]).publicJSON)
            let certificate = try MutualTLSFixture.selfSigned(for: key)
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let client = try MutualTLSFixture.kuraClient(live, clientID: "self-signed", certificate: certificate, dpopKey: dpop)
            let (tokens, claims) = try await Self.flow(client, live)
            #expect(tokens.isDPoPBound)
            #expect(claims["cnf"]?["jkt"]?.stringValue == dpop.publicJWK.thumbprint())
            #expect(claims["cnf"]?["x5t#S256"] == nil)
            try await client.shutdown()
        }
    }

    @Test("private_key_jwt + mTLS binding: a client certificate without a DPoP proof binds the token (cnf.x5t#S256)")
    func privateKeyJWTWithCertificateBinding() async throws {
        try await fixture.run { live in
            // Any certificate binds (RFC 8705 §3): here a self-signed one that is registered nowhere.
            let certificate = try MutualTLSFixture.selfSigned(for: try JWSSigningKey.generate(.es256, kid: "unregistered"))
            let client = try MutualTLSFixture.kuraClient(live, clientID: live.test.clientID, certificate: certificate,
                                                        signingKey: live.test.clientKey)
            let (tokens, claims) = try await Self.flow(client, live)
            #expect(tokens.tokenType == "Bearer")
            #expect(claims["cnf"]?["x5t#S256"]?.stringValue == (try MutualTLSFixture.thumbprint(certificate)))
            try await client.shutdown()
        }
    }

    @Test("The TLS client certificate reaches every endpoint over HTTP/1.1 and HTTP/2 (independent client: curl)")
    func curlOverBothHTTPVersions() async throws {
        try await fixture.run { live in
            try await Self.registerPKIClient(live, id: "curl-partner")
            let certificate = try fixture.issue(cn: "curl-partner")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-mtls-curl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let certFile = directory.appendingPathComponent("client.pem"), keyFile = directory.appendingPathComponent("client-key.pem")
            try certificate.write(certificate: certFile, privateKey: keyFile)
            let form = "response_type=code&client_id=curl-partner&redirect_uri=\(FormParameters.encode(TestServer.redirectURI))"
                + "&scope=openid&state=s&code_challenge=\(PKCE.challenge(for: TestServer.verifier))&code_challenge_method=S256"
            for version in ["--http1.1", "--http2"] {
                let result = try runProcess("curl", [
                    "-s", version, "--cacert", live.caFile, "--cert", certFile.path, "--key", keyFile.path, "-o", "/dev/null",
                    "-w", "%{http_code} %{http_version}", "--data", form, live.issuer + OAuthServer.Path.par,
                ])
                #expect(result.output == (version == "--http2" ? "201 2" : "201 1.1"), "\(version): \(result.output)")
                let anonymous = try runProcess("curl", ["-s", version, "--cacert", live.caFile, "-o", "/dev/null", "-w", "%{http_code}",
                                                        "--data", form, live.issuer + OAuthServer.Path.par])
                #expect(anonymous.output == "401", "\(version) without a certificate: \(anonymous.output)")
            }
        }
    }

    @Test("No certificate, another client's certificate, a certificate from an untrusted CA, an unregistered self-signed certificate → invalid_client")
    func authenticationFailures() async throws {
        try await fixture.run { live in
            try await Self.registerPKIClient(live, id: "partner-a")
            try await Self.registerPKIClient(live, id: "partner-b")
            let key = try JWSSigningKey.generate(.es256, kid: "k")
            try await MutualTLSFixture.registerSelfSignedClient(live.test.server, id: "self-signed", jwks: JWKSet(keys: [key.publicJWK]).publicJSON)

            let none = try await MutualTLSFixture.pushRaw(live, clientID: "partner-a", certificate: nil)
            #expect(none.status == 401 && none.oauthError?.error == "invalid_client")
            let cases: [(String, DevelopmentClientCertificate)] = [
                ("partner-a", try fixture.issue(cn: "partner-b")),
                ("partner-a", try MutualTLSFixture().issue(cn: "partner-a")),
                ("self-signed", try MutualTLSFixture.selfSigned(for: try JWSSigningKey.generate(.es256, kid: "other"))),
                ("self-signed", try fixture.issue(cn: "partner-a")),
            ]
            for (clientID, certificate) in cases {
                let client = try MutualTLSFixture.kuraClient(live, clientID: clientID, certificate: certificate)
                await #expect(throws: KuraClientError.self, "\(clientID) with \(certificate.certificate.subject)") {
                    do { _ = try await client.pushAuthorizationRequest() } catch let error as KuraClientError {
                        #expect(error.oauthCode == "invalid_client")
                        throw error
                    }
                }
                try await client.shutdown()
            }
            // The right certificate still works: the failures above were about the certificate, not the client.
            let right = try MutualTLSFixture.kuraClient(live, clientID: "partner-a", certificate: try fixture.issue(cn: "partner-a"))
            _ = try await right.pushAuthorizationRequest()
            try await right.shutdown()
        }
    }
}
