import AuthorizationServer
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OAuthCore
import OAuthJOSE
import StorageSQLite
import KuraServer
import BankCore

/// A fully wired authorization server for tests: in-memory SQLite, a manual clock, a cheap password hash,
/// one customer and one private_key_jwt client with an ES256 key.
struct TestServer {
    static let issuer = "https://as.kura.test"
    static let redirectURI = "https://client.example/cb"
    static let username = "alice"
    static let password = "correct horse battery staple"
    static let totpSecret = Data("12345678901234567890".utf8)

    let server: OAuthServer
    /// In-memory SQLite unless a test passes another backend (e.g. PostgreSQL for the bank API under concurrency).
    let backend: any StorageBackend & BankStoreProvider
    let clock: ManualClock
    let clientID: String
    let clientKey: JWSSigningKey
    let userID: String

    init(issuer: String = TestServer.issuer, clock: ManualClock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000)),
         backend given: (any StorageBackend & BankStoreProvider)? = nil, configure: (inout ServerConfiguration) -> Void = { _ in },
         authorizationDetails: (any StorageBackend & BankStoreProvider) -> (any AuthorizationDetailsPolicy)? = { _ in nil }) async throws {
        let backend = try given ?? SQLiteBackend.inMemory()
        self.backend = backend
        try await backend.migrate()
        self.clock = clock
        var configuration = ServerConfiguration(issuer: issuer)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        server = OAuthServer(configuration: configuration, stores: backend.stores, clock: clock,
                             passwordHasher: PasswordHasher(logN: 10), logger: logger,
                             authorizationDetails: authorizationDetails(backend))
        clientKey = try JWSSigningKey.generate(.es256, kid: "client-key-1")
        clientID = "test-client"
        try await Self.registerClient(server, id: clientID, key: clientKey)
        userID = "user-alice"
        try await server.stores.users.insert(UserRecord(
            id: userID, username: Self.username, passwordHash: try server.passwordHasher.hash(Self.password, random: SystemRandom()),
            totpSecret: Self.totpSecret, displayName: "Alice Example", createdAt: clock.now()))
    }

    /// Registers a private_key_jwt client through the same validation `kura clients add` uses.
    static func registerClient(_ server: OAuthServer, id: String, key: JWSSigningKey, extra: [String: JSONValue] = [:]) async throws {
        var metadata: [String: JSONValue] = [
            "client_name": "Test Client", "redirect_uris": [.string(redirectURI)], "token_endpoint_auth_method": "private_key_jwt",
            "grant_types": ["authorization_code"], "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON),
        ]
        metadata.merge(extra) { _, new in new }
        let validated = try ClientMetadataValidator(configuration: server.configuration).validate(metadata)
        let now = server.clock.now()
        try await server.stores.clients.insert(ClientRecord(clientID: id, metadata: validated, createdAt: now, updatedAt: now))
    }

    /// The application over the router (no network), for HummingbirdTesting's `.router` mode.
    func application() -> some ApplicationProtocol {
        Application(router: KuraApplication.router(server: server))
    }

    /// A fresh private_key_jwt client assertion (RFC 7523 §3) for `clientID`, signed with `key`.
    func clientAssertion(clientID: String? = nil, key: JWSSigningKey? = nil, audience: JSONValue? = nil,
                         overrides: [String: JSONValue] = [:]) throws -> String {
        let now = clock.now().epochSeconds
        let id = clientID ?? self.clientID
        var claims: [String: JSONValue] = [
            "iss": .string(id), "sub": .string(id), "aud": audience ?? .string(server.configuration.issuer),
            "jti": .string(UUID().uuidString), "iat": .int(now), "exp": .int(now + 60),
        ]
        claims.merge(overrides) { _, new in new }
        return try JWT.sign(claims: claims, typ: nil, key: key ?? clientKey)
    }

    /// A DPoP proof (RFC 9449 §4.2) for `method` `url`.
    func dpopProof(key: JWSSigningKey, method: String = "POST", url: String, accessToken: String? = nil,
                   overrides: [String: JSONValue] = [:]) throws -> String {
        var claims: [String: JSONValue] = ["htm": .string(method), "htu": .string(url), "iat": .int(clock.now().epochSeconds),
                                           "jti": .string(UUID().uuidString)]
        if let accessToken { claims["ath"] = .string(Base64URL.encode(Array(SHA256Digest.of(accessToken)))) }
        claims.merge(overrides) { _, new in new }
        return try JWT.sign(claims: claims, typ: "dpop+jwt", key: key, includeKid: false,
                            extraHeader: ["jwk": .object(key.publicJWK.publicJSON)])
    }

    /// The current TOTP code of the test customer.
    func otp(offsetSteps: Int64 = 0) -> String {
        let totp = TOTP(secret: Self.totpSecret)
        return totp.code(step: totp.step(at: clock.now()) + offsetSteps)
    }

    /// Standard PAR form parameters; override or remove (`nil`) any of them.
    func parParameters(_ changes: [String: String?] = [:], verifier: String = TestServer.verifier) throws -> [String: String] {
        var p: [String: String] = [
            "response_type": "code", "client_id": clientID, "redirect_uri": Self.redirectURI, "scope": "openid accounts",
            "state": "state-123", "nonce": "nonce-456", "code_challenge": PKCE.challenge(for: verifier),
            "code_challenge_method": "S256",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": try clientAssertion(),
        ]
        for (k, v) in changes { p[k] = v }
        return p
    }

    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
}

/// SHA-256 helper for tests (keeps Crypto out of every test file).
enum SHA256Digest {
    static func of(_ text: String) -> SHA256.Digest { SHA256.hash(data: Data(text.utf8)) }
}

extension FormParameters {
    /// Form-encodes a dictionary (sorted, stable) for request bodies in tests.
    static func body(_ values: [String: String]) -> String { FormParameters(values).encoded }
}
