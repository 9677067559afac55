import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// A `use_dpop_nonce` refusal persists nothing: the client may retry with the same client assertion, only the DPoP
/// proof changes (RFC 9449 §8 retry; RFC 7523 §3 jti single use still holds once a request is accepted).
@Suite("DPoP nonce retry keeps the client assertion usable")
struct DPoPNonceAssertionRetryTests {
    func server() async throws -> TestServer {
        try await TestServer(configure: { $0.dpopNonce = DPoPNonceConfiguration(requirement: .all, window: 300) })
    }

    func dpopHeaders(_ test: TestServer, key: JWSSigningKey, path: String, nonce: String?) throws -> HTTPFields {
        var overrides: [String: JSONValue] = [:]
        if let nonce { overrides["nonce"] = .string(nonce) }
        return [HTTPField.Name("DPoP")!: try test.dpopProof(key: key, url: test.server.configuration.url(path), overrides: overrides)]
    }

    @Test("PAR: the same assertion succeeds on the nonce retry, and a third use of it is a replay")
    func parRetryWithSameAssertion() async throws {
        let test = try await server()
        let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
        let form = try test.parParameters()
        try await test.withFlow { flow in
            let first = try await flow.post(OAuthServer.Path.par, form: form, headers: try dpopHeaders(test, key: dpop, path: OAuthServer.Path.par, nonce: nil))
            #expect(first.oauthError == "use_dpop_nonce")
            let nonce = try #require(first.headers[HTTPField.Name("DPoP-Nonce")!])
            let retry = try await flow.post(OAuthServer.Path.par, form: form, headers: try dpopHeaders(test, key: dpop, path: OAuthServer.Path.par, nonce: nonce))
            #expect(retry.status == .created, "\(retry.bodyText)")
            let replay = try await flow.post(OAuthServer.Path.par, form: form, headers: try dpopHeaders(test, key: dpop, path: OAuthServer.Path.par, nonce: nonce))
            #expect(replay.oauthError == "invalid_client", "\(replay.bodyText)")
        }
    }

    @Test("Token endpoint: the same assertion succeeds on the nonce retry")
    func tokenRetryWithSameAssertion() async throws {
        let test = try await server()
        let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
        try await test.withFlow { flow in
            let challenge = try await flow.par(dpopKey: dpop, nonce: nil)
            let parNonce = try #require(challenge.headers[HTTPField.Name("DPoP-Nonce")!])
            let pushed = try await flow.par(dpopKey: dpop, nonce: parNonce)
            let redirect = try await flow.completeInteraction(requestURI: try #require(pushed.json["request_uri"]?.stringValue))
            let form = try flow.tokenParameters(code: try #require(redirect.redirectParameters?["code"]))
            let first = try await flow.post(OAuthServer.Path.token, form: form, headers: try dpopHeaders(test, key: dpop, path: OAuthServer.Path.token, nonce: nil))
            #expect(first.oauthError == "use_dpop_nonce", "\(first.bodyText)")
            let nonce = try #require(first.headers[HTTPField.Name("DPoP-Nonce")!])
            let retry = try await flow.post(OAuthServer.Path.token, form: form, headers: try dpopHeaders(test, key: dpop, path: OAuthServer.Path.token, nonce: nonce))
            #expect(retry.status == .ok, "\(retry.bodyText)")
        }
    }
}
