import AuthorizationServer
import Foundation
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// Interop: an independent FAPI 2.0 client written only with PyPI libraries (requests, cryptography, joserfc;
/// interop/fapi2_client.py and interop/fapi2/) completes the certification profiles "private key + DPoP" and
/// "MTLS + MTLS" against Kura over HTTPS, and verifies what Kura signs (ID token, JARM response, RFC 9701 signed
/// introspection) against `jwks_uri`. The client checks every step itself and exits non-zero on a failed check; the
/// tests then cross-check its report against what the server knows. Fails, never skips, when Python or a library
/// is missing.
@Suite("Interop with an independent Python FAPI 2.0 client", .serialized)
struct PythonInteropTests {
    @Test("python3 with requests, cryptography and joserfc is installed (interop fails, never skips, without them)")
    func librariesInstalled() throws {
        let result = try runProcess("python3", ["-c", "import requests, cryptography, joserfc; print(joserfc.__version__)"])
        #expect(result.status == 0, "pip install joserfc==1.6.5 cryptography requests (scripts/test.sh does): \(result.output)")
    }

    @Test("private_key_jwt + DPoP (server nonces) + JAR + JARM + OIDC: JARM response, ID token and a resource server's signed introspection verify")
    func privateKeyJWTWithDPoP() async throws {
        let resourceServer = "interop-rs"
        try await LiveServer.run(configure: {
            $0.features.requireSignedRequestObjects = true   // an unsigned PAR would be refused: JAR is really used
            $0.resourceServerClientIDs = [resourceServer]
            $0.signingAlgorithm = .ps256                    // joserfc verifies PS256 here, EdDSA in the mTLS test
            $0.dpopNonce = DPoPNonceConfiguration(requirement: .all)  // the client must follow use_dpop_nonce (RFC 9449 §8)
        }) { live in
            let rsKey = try JWSSigningKey.generate(.ps256, kid: "rs-key-1")
            try await TestServer.registerClient(live.test.server, id: resourceServer, key: rsKey)
            let files = try PythonFAPIClient()
            defer { files.remove() }
            let report = try await PythonFAPIClient.run(live, [
                "--client-id", live.test.clientID, "--client-auth", "private_key_jwt",
                "--client-jwk", try files.write("client.json", json: live.test.clientKey.privateJWKJSON),
                "--sender", "dpop", "--dpop-alg", "EdDSA", "--signed-request", "--response-mode", "jwt",
                "--introspector-id", resourceServer, "--introspector-jwk", try files.write("rs.json", json: rsKey.privateJWKJSON),
            ])
            #expect(report["signed_request"] == true)
            #expect(report["dpop_nonce_challenges"]?.intValue ?? 0 >= 1, "the nonce challenge was never met")
            let jarm = try #require(report["jarm"], "no JARM response in \(report)")
            #expect(jarm["header"]?["alg"] == "PS256")
            #expect(jarm["claims"]?["iss"]?.stringValue == live.issuer && jarm["claims"]?["aud"]?.stringValue == live.test.clientID)
            let idToken = try #require(report["id_token"]?["claims"])
            #expect(idToken["sub"]?.stringValue == live.test.userID && idToken["aud"]?.stringValue == live.test.clientID)
            #expect(report["userinfo"]?["sub"]?.stringValue == live.test.userID)

            let jkt = try #require(report["access_token"]?["claims"]?["cnf"]?["jkt"]?.stringValue)
            #expect(report["access_token"]?["token_type"] == "DPoP")
            let signed = try #require(report["introspection"]?["jwt"])
            #expect(signed["header"]?["typ"] == "token-introspection+jwt" && signed["header"]?["alg"] == "PS256")
            #expect(signed["claims"]?["aud"]?.stringValue == resourceServer && signed["claims"]?["iss"]?.stringValue == live.issuer)
            let members = try #require(signed["claims"]?["token_introspection"])
            #expect(members["active"] == true && members["client_id"]?.stringValue == live.test.clientID)
            #expect(members["cnf"] == .object(["jkt": .string(jkt)]))
            #expect(report["introspection"]?["json"]?["cnf"] == .object(["jkt": .string(jkt)]))
        }
    }

    @Test("tls_client_auth + certificate-bound tokens, plain OAuth: the signed introspection's cnf.x5t#S256 is the client certificate's")
    func mutualTLSWithCertificateBoundTokens() async throws {
        let fixture = try MutualTLSFixture()
        let mutualTLS = try fixture.configuration
        try await LiveServer.run(pki: fixture.pki, configure: {
            $0.mutualTLS = mutualTLS
            $0.signingAlgorithm = .edDSA
        }) { live in
            let clientID = "interop-mtls"
            try await MutualTLSFixture.registerTLSClient(
                live.test.server, id: clientID, subject: ["tls_client_auth_subject_dn": .string(MutualTLSFixture.subjectDN(cn: clientID))],
                extra: ["tls_client_certificate_bound_access_tokens": true])
            let certificate = try fixture.issue(cn: clientID)
            let files = try PythonFAPIClient()
            defer { files.remove() }
            try certificate.write(certificate: URL(fileURLWithPath: files.path("client.pem")),
                                  privateKey: URL(fileURLWithPath: files.path("client-key.pem")))
            let report = try await PythonFAPIClient.run(live, [
                "--client-id", clientID, "--client-auth", "tls_client_auth", "--client-cert", files.path("client.pem"),
                "--client-key", files.path("client-key.pem"), "--sender", "mtls", "--scope", "accounts",
            ])
            let thumbprint = try MutualTLSFixture.thumbprint(certificate)
            let bound: JSONValue = .object(["x5t#S256": .string(thumbprint)])
            #expect(report["id_token"] == nil, "plain OAuth: no ID token")
            #expect(report["access_token"]?["token_type"] == "Bearer")
            #expect(report["access_token"]?["claims"]?["cnf"] == bound)
            let signed = try #require(report["introspection"]?["jwt"])
            #expect(signed["header"]?["typ"] == "token-introspection+jwt" && signed["header"]?["alg"] == "EdDSA")
            #expect(signed["claims"]?["aud"]?.stringValue == clientID)
            #expect(signed["claims"]?["token_introspection"]?["active"] == true)
            #expect(signed["claims"]?["token_introspection"]?["cnf"] == bound)
            #expect(report["introspection"]?["json"]?["cnf"] == bound)
        }
    }
}
