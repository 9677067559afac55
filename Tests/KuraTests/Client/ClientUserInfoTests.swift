import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// `KuraClient.userInfo`: the UserInfo request (OIDC Core §5.3.1) and the §5.3.2 subject check, against a scripted AS.
@Suite("KuraClient UserInfo: sender-constrained request, sub must match the ID token (OIDC Core 5.3.2)")
struct ClientUserInfoTests {
    static let base = ClientFixtures.issuer

    /// Discovery (with an RFC 8705 §5 alias when `alias`) and a UserInfo endpoint answering `userinfo`.
    static func transport(alias: Bool = false, userinfo: @escaping @Sendable (URL) -> HTTPResponseMessage) -> ScriptedTransport {
        ScriptedTransport { request in
            let url = request.url
            switch url.path {
            case "/.well-known/openid-configuration":
                var metadata: [String: JSONValue] = [
                    "issuer": .string(base), "authorization_endpoint": .string(base + "/authorize"),
                    "token_endpoint": .string(base + "/token"), "userinfo_endpoint": .string(base + "/userinfo"),
                ]
                if alias { metadata["mtls_endpoint_aliases"] = ["userinfo_endpoint": .string(base + "/mtls/userinfo")] }
                return .json(.object(metadata), url: url)
            case "/userinfo", "/mtls/userinfo": return userinfo(url)
            default: return .json(["error": "not_found"], status: 404, url: url)
            }
        }
    }

    func client(_ transport: ScriptedTransport, configuration: ClientConfiguration = ClientFixtures.configuration()) throws -> KuraClient {
        try KuraClient(configuration: configuration, transport: transport, clock: ManualClock(ClientFixtures.now), random: ClientTestRandom())
    }

    @Test("DPoP-bound: GET userinfo_endpoint with Authorization: DPoP and a proof carrying ath; the claims are returned")
    func dpopRequest() async throws {
        let transport = Self.transport { .json(["sub": "user-1", "name": "Alice"], url: $0) }
        let claims = try await client(transport).userInfo(accessToken: "at-1", expectedSubject: "user-1")
        #expect(claims["name"]?.stringValue == "Alice")
        let call = try #require(transport.requests.last)
        #expect(call.method == "GET" && call.url.absoluteString == Self.base + "/userinfo")
        #expect(call.headers["Authorization"] == "DPoP at-1")
        let proof = try ClientFixtures.decode(try #require(call.headers["DPoP"])).claims
        #expect(proof["ath"]?.stringValue == CredentialHash.of("at-1") && proof["htm"] == "GET")
    }

    @Test("Certificate-bound: Bearer without a DPoP proof, sent to the mtls_endpoint_aliases userinfo_endpoint (RFC 8705 §5)")
    func certificateBoundUsesAlias() async throws {
        let transport = Self.transport(alias: true) { .json(["sub": "user-1"], url: $0) }
        var configuration = ClientFixtures.configuration(dpop: false)
        configuration.tls.clientCertificate = try MutualTLSFixture.tlsIdentity(try MutualTLSFixture().issue(cn: "partner-1"))
        _ = try await client(transport, configuration: configuration).userInfo(accessToken: "at-1", expectedSubject: "user-1")
        let call = try #require(transport.requests.last)
        #expect(call.url.absoluteString == Self.base + "/mtls/userinfo")
        #expect(call.headers["Authorization"] == "Bearer at-1" && call.headers["DPoP"] == nil)
    }

    @Test("Another subject, or no sub at all, is refused: the values must not be used (OIDC Core 5.3.2)")
    func subjectMismatch() async throws {
        let other = try client(Self.transport { .json(["sub": "user-2", "name": "Mallory"], url: $0) })
        await #expect(throws: KuraClientError.userInfoSubjectMismatch(expected: "user-1", actual: "user-2")) {
            _ = try await other.userInfo(accessToken: "at-1", expectedSubject: "user-1")
        }
        let none = try client(Self.transport { .json(["name": "Alice"], url: $0) })
        await #expect(throws: KuraClientError.userInfoSubjectMismatch(expected: "user-1", actual: nil)) {
            _ = try await none.userInfo(accessToken: "at-1", expectedSubject: "user-1")
        }
    }

    @Test("An RFC 6750 challenge surfaces as the server's error, e.g. 403 insufficient_scope")
    func challengeSurfaces() async throws {
        let transport = Self.transport {
            HTTPResponseMessage(status: 403, headers: ["WWW-Authenticate": #"DPoP error="insufficient_scope", scope="openid""#], url: $0)
        }
        await #expect(throws: KuraClientError.server(OAuthErrorResponse(error: "insufficient_scope", status: 403))) {
            _ = try await client(transport).userInfo(accessToken: "at-1", expectedSubject: "user-1")
        }
    }
}
