import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE

/// The demo bank `kura demo` runs: a development CA and server certificate, one customer and one partner
/// client, all kept in a data folder so a restart reuses them.
public struct DemoEnvironment: Sendable {
    public static let clientID = "demo-partner"
    public static let username = "alice"
    public static let redirectURI = "https://partner.example/callback"

    public let directory: URL
    public var tlsDirectory: URL { directory.appendingPathComponent("tls") }
    public var caFile: String { tlsDirectory.appendingPathComponent("ca.pem").path }
    public var certificateFile: String { tlsDirectory.appendingPathComponent("server.pem").path }
    public var privateKeyFile: String { tlsDirectory.appendingPathComponent("server-key.pem").path }
    public var databaseURL: String { "sqlite:" + directory.appendingPathComponent("kura.sqlite").path }
    /// The partner's private keys and settings, as the partner would keep them (never sent to Kura).
    public var clientFile: URL { directory.appendingPathComponent("demo-client.json") }
    /// The demo customer's credentials (a demo convenience: a real customer's secrets are never written anywhere).
    public var customerFile: URL { directory.appendingPathComponent("demo-customer.json") }
    /// The initial access token for dynamic client registration (RFC 7591 §3), created on first start.
    public var registrationTokenFile: URL { directory.appendingPathComponent("registration-token") }
    /// RFC 7591 metadata to register with curl: the demo partner's public key, so `demo-client.json`'s key signs for
    /// the client it registers.
    public var registrationExampleFile: URL { directory.appendingPathComponent("register-example.json") }

    public init(directory: URL) { self.directory = directory }

    /// Creates the TLS material once (again when the CA key, needed to issue client certificates, is missing).
    public func prepareTLS() throws {
        if FileManager.default.fileExists(atPath: certificateFile),
           FileManager.default.fileExists(atPath: tlsDirectory.appendingPathComponent("ca-key.pem").path) { return }
        try DevelopmentPKI.generate().write(to: tlsDirectory)
    }

    /// Seeds the demo customer and partner client once; returns what to print.
    public func seed(server: OAuthServer, random: any RandomSource = SystemRandom()) async throws -> DemoCredentials {
        if let existing = try? JSONDecoder().decode(DemoCredentials.self, from: Data(contentsOf: customerFile)),
           try await server.stores.users.find(username: existing.username) != nil,
           try await server.stores.clients.find(clientID: Self.clientID) != nil {
            return existing
        }
        let password = Base64URL.encode(random.bytes(12))
        let secret = Data(random.bytes(20))
        let now = server.clock.now()
        try await server.stores.users.insert(UserRecord(
            id: Base64URL.encode(random.bytes(16)), username: Self.username,
            passwordHash: try server.passwordHasher.hash(password, random: random), totpSecret: secret,
            displayName: "Alice Example", createdAt: now))

        let signingKey = try JWSSigningKey.generate(.es256, kid: "demo-partner-1")
        let metadata: [String: JSONValue] = [
            "client_name": "Demo Partner (budgeting app)",
            "redirect_uris": [.string(Self.redirectURI)],
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": "ES256",
            "grant_types": ["authorization_code"],
            "scope": "openid profile accounts transfers identity offline_access",
            "jwks": .object(JWKSet(keys: [signingKey.publicJWK]).publicJSON),
        ]
        let validated = try ClientMetadataValidator(configuration: server.configuration).validate(metadata)
        try await server.stores.clients.insert(ClientRecord(clientID: Self.clientID, metadata: validated, createdAt: now, updatedAt: now))
        let partner: JSONValue = [
            "client_id": .string(Self.clientID), "redirect_uri": .string(Self.redirectURI),
            "signing_key": .object(signingKey.privateJWKJSON), "issuer": .string(server.configuration.issuer),
            "ca_file": .string(caFile),
        ]
        try partner.jsonData().write(to: clientFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: clientFile.path)
        let credentials = DemoCredentials(username: Self.username, password: password, totpSecretBase32: Base32.encode(secret),
                                          otpauthURI: TOTP(secret: secret).provisioningURI(account: Self.username, issuer: server.configuration.displayName))
        try JSONEncoder().encode(credentials).write(to: customerFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: customerFile.path)
        return credentials
    }
}

extension DemoEnvironment {
    /// The demo's initial access token: read from `registrationTokenFile`, or created there (mode 0600) on first start.
    public func registrationToken(random: any RandomSource = SystemRandom()) throws -> String {
        if let saved = try? String(contentsOf: registrationTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           !saved.isEmpty {
            return saved
        }
        let token = random.token()
        try Data((token + "\n").utf8).write(to: registrationTokenFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: registrationTokenFile.path)
        return token
    }

    /// Writes `registrationExampleFile` from the demo partner's key (after `seed`, which creates that key).
    public func writeRegistrationExample() throws {
        guard let partner = JSONValue.parseObject(try Data(contentsOf: clientFile)), let key = partner["signing_key"]?.objectValue else {
            throw ConfigurationError("\(clientFile.path) holds no signing_key")
        }
        let signingKey = try JWSSigningKey(privateJWK: key, alg: .es256)
        let metadata: JSONValue = [
            "client_name": "Registered with curl", "redirect_uris": [.string(Self.redirectURI)],
            "token_endpoint_auth_method": "private_key_jwt", "grant_types": ["authorization_code"],
            "scope": "openid accounts", "jwks": .object(JWKSet(keys: [signingKey.publicJWK]).publicJSON),
        ]
        try metadata.jsonData().write(to: registrationExampleFile)
    }
}

/// The demo customer's login.
public struct DemoCredentials: Codable, Sendable {
    public let username: String
    public let password: String
    public let totpSecretBase32: String
    public let otpauthURI: String
}
