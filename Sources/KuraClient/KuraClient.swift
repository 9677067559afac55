import Foundation
import OAuthCore
import OAuthJOSE

/// The partner-side FAPI 2.0 client: discovery, PAR with PKCE and `private_key_jwt`, the browser step, the
/// DPoP-bound code exchange, ID-token validation and DPoP-bound resource calls.
///
/// ```swift
/// let client = try KuraClient(configuration: configuration)
/// let pushed = try await client.pushAuthorizationRequest()
/// let response = try await client.authorize(pushed, username: "alice", password: "…", otp: totp.code(at: .now))
/// let tokens = try await client.exchangeCode(response, for: pushed)
/// let accounts = try await client.get(apiURL, token: tokens.accessToken)
/// try await client.shutdown()
/// ```
///
/// Time and randomness are injected (`WallClock`, `RandomSource`) so tests control `iat`, `exp` and `jti`.
public actor KuraClient {
    public nonisolated let configuration: ClientConfiguration
    public nonisolated let transport: any HTTPTransport
    nonisolated let clock: any WallClock
    nonisolated let random: any RandomSource
    /// The discovered metadata, once `discover()` has run.
    public private(set) var metadata: ServerMetadata?
    var serverKeys: JWKSet?
    /// The latest `DPoP-Nonce` per origin (RFC 9449 §8, §9).
    public private(set) var nonces = DPoPNonceCache()

    /// A client with its own AsyncHTTPClient transport built from `configuration.tls`.
    /// - Throws: `invalidConfiguration`, or a TLS error when a PEM file cannot be read.
    public init(configuration: ClientConfiguration, clock: any WallClock = SystemClock(), random: any RandomSource = SystemRandom()) throws {
        try configuration.validate()
        try self.init(
            configuration: configuration, transport: AsyncHTTPClientTransport(tls: configuration.tls), clock: clock,
            random: random)
    }

    /// A client on a given transport (tests, or an HTTP stack the partner already runs).
    public init(configuration: ClientConfiguration, transport: any HTTPTransport, clock: any WallClock = SystemClock(), random: any RandomSource = SystemRandom()) throws {
        try configuration.validate()
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.random = random
    }

    /// Fetches and checks the server metadata (RFC 8414 §3; OIDC Discovery §4), and caches it.
    /// - Throws: `issuerMismatch` when the document's `issuer` is not the configured issuer (RFC 8414 §3.3).
    @discardableResult
    public func discover() async throws -> ServerMetadata {
        let url = ServerMetadata.discoveryURL(for: configuration.issuer)
        let response = try await transport.send(HTTPRequestMessage(method: "GET", url: url, headers: ["Accept": "application/json"]))
        guard response.status == 200 else { throw Self.failure(response) }
        let discovered = try ServerMetadata.decode(response.body, expectedIssuer: configuration.issuerIdentifier)
        metadata = discovered
        return discovered
    }

    /// The cached metadata, discovering it first when needed.
    public func serverMetadata() async throws -> ServerMetadata {
        if let metadata { return metadata }
        return try await discover()
    }

    /// The AS signing keys from `jwks_uri` (RFC 8414 §2), cached; `refresh` re-fetches (key rotation).
    public func jwks(refresh: Bool = false) async throws -> JWKSet {
        if !refresh, let serverKeys { return serverKeys }
        let metadata = try await serverMetadata()
        guard let uri = metadata.jwksURI else { throw KuraClientError.missingMetadata("jwks_uri") }
        let response = try await transport.send(HTTPRequestMessage(method: "GET", url: uri, headers: ["Accept": "application/json"]))
        guard response.status == 200 else { throw Self.failure(response) }
        let keys: JWKSet
        do { keys = try JWKSet(jsonData: response.body) } catch {
            throw KuraClientError.unexpectedResponse(status: response.status, body: "JWKS: \(error)")
        }
        serverKeys = keys
        return keys
    }

    /// A browser session that stops at this client's redirect URI and checks `iss` against the issuer.
    public nonisolated func makeBrowserSession() -> BrowserSession {
        BrowserSession(
            transport: transport, redirectURI: configuration.redirectURI, expectedIssuer: configuration.issuerIdentifier,
            clock: clock)
    }

    /// Drives a fresh browser session through login and consent for `pushed` (see `BrowserSession.authorize`) and
    /// checks the response: a JARM response is verified and decoded first (`verifiedAuthorizationResponse`), then
    /// `iss` (RFC 9207 §2.4) and `state` (RFC 6749 §4.1.2) are checked, then an `error` is thrown.
    ///
    /// - Returns: a response carrying a `code`, ready for `exchangeCode(_:for:)`.
    /// - Throws: `authorizationFailed` for an error response (e.g. `access_denied` when `approve` is false);
    ///   `BrowserSession.authorize`'s errors. Use `makeBrowserSession()` to inspect error responses instead.
    public func authorize(_ pushed: PushedAuthorization, username: String, password: String, otp: String? = nil, approve: Bool = true) async throws -> AuthorizationResponse {
        let response = try await verifiedAuthorizationResponse(try await makeBrowserSession().authorize(
            url: pushed.authorizationURL, username: username, password: password, otp: otp, approve: approve))
        _ = try response.authorizationCode(issuer: configuration.issuerIdentifier, state: pushed.state)
        return response
    }

    /// Releases the transport. The client is unusable afterwards.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    // MARK: - Shared request machinery

    /// The DPoP proof factory, when tokens are DPoP-bound.
    nonisolated var dpop: DPoPProofFactory? {
        configuration.dpopKey.map { DPoPProofFactory(key: $0, clock: clock, random: random) }
    }

    /// Whether connections present a client certificate (RFC 8705), so `mtls_endpoint_aliases` apply.
    nonisolated var usesClientCertificate: Bool { configuration.tls.clientCertificate != nil }

    /// `client_id` plus, for `private_key_jwt`, a fresh assertion whose `aud` is the issuer string (FAPI 2.0 SP
    /// §5.3.2.1-8). Built per attempt so a nonce retry never replays a `jti`.
    nonisolated func clientAuthenticationParameters() throws -> [(String, String)] {
        var parameters = [("client_id", configuration.clientID)]
        if case .privateKeyJWT(let key) = configuration.authentication {
            let factory = ClientAssertionFactory(clientID: configuration.clientID, key: key, clock: clock, random: random)
            parameters += try factory.formParameters(audience: configuration.issuerIdentifier)
        }
        return parameters
    }

    /// Sends a request with a DPoP proof (when configured) and retries once when the server demands a nonce
    /// (RFC 9449 §8 for the AS, §9 for a resource server). Every `DPoP-Nonce` received is remembered per origin.
    /// - Parameter build: makes the request for each attempt (fresh client assertion each time).
    /// - Parameter sign: last touch before sending, after the DPoP proof (RFC 9421 request signing covers `dpop`).
    func sendWithDPoP(method: String, url: URL, accessToken: String? = nil, build: () throws -> HTTPRequestMessage, sign: (inout HTTPRequestMessage) throws -> Void = { _ in }) async throws -> HTTPResponseMessage {
        var retried = false
        while true {
            var request = try build()
            if let dpop {
                request.headers.set(
                    "DPoP", try dpop.proof(method: method, url: url, accessToken: accessToken, nonce: nonces.nonce(for: url)))
            }
            try sign(&request)
            let response = try await transport.send(request)
            nonces.remember(response)
            guard dpop != nil, !retried, DPoPNonceCache.isNonceChallenge(response) else { return response }
            retried = true
        }
    }

    /// The error for a non-success response: the server's OAuth error when it sent one (RFC 6749 §5.2,
    /// RFC 6750 §3), else the status and the start of the body.
    static func failure(_ response: HTTPResponseMessage) -> KuraClientError {
        if let error = response.oauthError { return .server(error) }
        return .unexpectedResponse(status: response.status, body: String(response.text.prefix(500)))
    }
}
