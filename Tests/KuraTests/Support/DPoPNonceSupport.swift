import AuthorizationServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraServer
import Logging
import OAuthCore
import OAuthJOSE

/// Server nonces (RFC 9449 §8) for the DPoP-nonce suites: proofs carrying a nonce, and a second Kura node on the same
/// database.
extension TestServer {
    /// Another `OAuthServer` value on this server's database, as a second Kura node behind a load balancer would be:
    /// its own key-ring cache, the same stores and keys. `configure` may change its configuration.
    func secondNode(configure: (inout ServerConfiguration) -> Void = { _ in }) -> OAuthServer {
        var configuration = server.configuration
        configure(&configuration)
        var logger = Logger(label: "test-node-2")
        logger.logLevel = .warning
        return OAuthServer(configuration: configuration, stores: backend.stores, clock: clock, passwordHasher: PasswordHasher(logN: 10),
                           logger: logger)
    }
}

extension FlowDriver {
    static let nonceHeader = HTTPField.Name("DPoP-Nonce")!

    /// A `DPoP` header with a fresh proof by `key` for `POST path` carrying `nonce` (none when nil).
    func dpopHeaders(_ key: JWSSigningKey, path: String, nonce: String?) throws -> HTTPFields {
        let overrides: [String: JSONValue] = nonce.map { ["nonce": .string($0)] } ?? [:]
        return [Self.dpopHeader: try test.dpopProof(key: key, url: url(path), overrides: overrides)]
    }

    /// `POST /par` with the standard parameters changed by `changes` and a DPoP proof by `key` carrying `nonce`.
    func par(_ changes: [String: String?] = [:], dpopKey key: JWSSigningKey, nonce: String?) async throws -> TestResponse {
        try await post(OAuthServer.Path.par, form: try test.parParameters(changes),
                       headers: try dpopHeaders(key, path: OAuthServer.Path.par, nonce: nonce))
    }

    /// `POST /par` for another registered client, with a DPoP proof by `dpopKey` carrying `nonce`.
    func par(forClient clientID: String, key: JWSSigningKey, dpopKey: JWSSigningKey, nonce: String?) async throws -> TestResponse {
        try await post(OAuthServer.Path.par, form: try parParameters(forClient: clientID, key: key),
                       headers: try dpopHeaders(dpopKey, path: OAuthServer.Path.par, nonce: nonce))
    }

    /// `POST /token` for `code` with a DPoP proof by `key` carrying `nonce`.
    func token(code: String, dpopKey key: JWSSigningKey, nonce: String?) async throws -> TestResponse {
        try await post(OAuthServer.Path.token, form: try tokenParameters(code: code),
                       headers: try dpopHeaders(key, path: OAuthServer.Path.token, nonce: nonce))
    }
}

extension OAuthServer {
    /// Runs `body` with a `FlowDriver` over this server's router; `test` supplies clients, keys and the clock.
    func withFlow<Value: Sendable>(test: TestServer, _ body: @Sendable (FlowDriver) async throws -> Value) async throws -> Value {
        try await Application(router: KuraApplication.router(server: self)).test(.router) { client in
            try await body(FlowDriver(test: test, client: client))
        }
    }
}

extension TestResponse {
    /// The `DPoP-Nonce` header (RFC 9449 §8.1).
    var dpopNonce: String? { headers[FlowDriver.nonceHeader] }
}
