import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// DPoP server nonces end to end over HTTPS with KuraClient, which retries once on `use_dpop_nonce` (RFC 9449 §8).
@Suite("DPoP server nonces over HTTPS with KuraClient", .serialized)
struct DPoPNonceLiveTests {
    /// Records every exchange of a real HTTPS transport.
    final class RecordingTransport: HTTPTransport, @unchecked Sendable {
        let inner: AsyncHTTPClientTransport
        private let lock = NSLock()
        private var log: [(request: HTTPRequestMessage, response: HTTPResponseMessage)] = []

        init(caFile: String) throws { inner = try AsyncHTTPClientTransport(tls: ClientTLSConfiguration(trustRoots: .pemFile(caFile))) }

        var exchanges: [(request: HTTPRequestMessage, response: HTTPResponseMessage)] { lock.withLock { log } }

        func responses(to path: String) -> [HTTPResponseMessage] {
            exchanges.filter { $0.request.url.path == path }.map(\.response)
        }

        func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
            let response = try await inner.send(request)
            lock.withLock { log.append((request, response)) }
            return response
        }

        func shutdown() async throws { try await inner.shutdown() }
    }

    func client(_ live: LiveServer, transport: RecordingTransport, dpopKey: JWSSigningKey) throws -> KuraClient {
        try KuraClient(configuration: ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: live.test.clientID, signingKey: live.test.clientKey,
            redirectURI: URL(string: TestServer.redirectURI)!, scopes: ["openid", "accounts"], dpopKey: dpopKey), transport: transport)
    }

    @Test("Nonces on: KuraClient retries once at PAR and, as a fresh client instance, once at the token endpoint")
    func retryAtPARAndToken() async throws {
        try await LiveServer.run(configure: { $0.dpopNonce = DPoPNonceConfiguration(requirement: .all) }) { live in
            let dpopKey = try JWSSigningKey.generate(.es256, kid: "dpop")
            let first = try RecordingTransport(caFile: live.caFile)
            let client = try client(live, transport: first, dpopKey: dpopKey)
            let pushed = try await client.pushAuthorizationRequest()
            let par = first.responses(to: OAuthServer.Path.par)
            #expect(par.map(\.status) == [400, 201])
            #expect(par.first?.oauthError?.error == "use_dpop_nonce" && par.first?.headers["DPoP-Nonce"] != nil)
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                                      otp: live.test.otp())
            try await client.shutdown()

            // Another instance of the partner's back end, with no nonce remembered, redeems the code.
            let second = try RecordingTransport(caFile: live.caFile)
            let redeemer = try self.client(live, transport: second, dpopKey: dpopKey)
            let tokens = try await redeemer.exchangeCode(response, for: pushed)
            #expect(tokens.isDPoPBound)
            let token = second.responses(to: OAuthServer.Path.token)
            #expect(token.map(\.status) == [400, 200])
            #expect(token.first?.oauthError?.error == "use_dpop_nonce")
            try await redeemer.shutdown()
        }
    }

    @Test("Nonces on: the nonce from the PAR response is used up front at the token endpoint (no second challenge)")
    func nonceCarriedForward() async throws {
        try await LiveServer.run(configure: { $0.dpopNonce = DPoPNonceConfiguration(requirement: .all) }) { live in
            let transport = try RecordingTransport(caFile: live.caFile)
            let client = try client(live, transport: transport, dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            let pushed = try await client.pushAuthorizationRequest()
            let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                                      otp: live.test.otp())
            _ = try await client.exchangeCode(response, for: pushed)
            #expect(transport.responses(to: OAuthServer.Path.token).map(\.status) == [200])
            try await client.shutdown()
        }
    }
}
