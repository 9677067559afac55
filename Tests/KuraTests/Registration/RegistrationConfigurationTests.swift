import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import KuraServer
import Logging
import OAuthCore
import OAuthJOSE
import StorageSQLite
import Testing

/// Registration is a configured feature: off without initial access tokens (no routes, nothing in discovery), on with
/// them (RFC 8414 §2 `registration_endpoint`); `kura serve` and `kura demo` configure it.
@Suite("Dynamic client registration configuration")
struct RegistrationConfigurationTests {
    @Test("Registration disabled (no initial access tokens): /register and /register/{client_id} are absent (404)")
    func disabledRoutesAbsent() async throws {
        let test = try await TestServer()
        #expect(!test.server.configuration.registration.isEnabled)
        let key = try JWSSigningKey.generate(.es256, kid: "off")
        try await test.withFlow { flow in
            let register = try await flow.register(Registration.metadata(key: key))
            #expect(register.status == .notFound)
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let response = try await flow.sendJSON(method, OAuthServer.Path.registration + "/" + test.clientID,
                                                       body: method == .put ? "{}" : nil, bearer: Registration.initialAccessToken)
                #expect(response.status == .notFound, "\(method)")
            }
            #expect(try await test.server.stores.clients.list().count == 1)
        }
    }

    @Test("Discovery lists registration_endpoint only when registration is on (RFC 8414 2)")
    func discovery() async throws {
        let on = try await Registration.server()
        try await on.withFlow { flow in
            for path in [OAuthServer.Path.openIDConfiguration, OAuthServer.Path.oauthMetadata] {
                let metadata = try await flow.get(path).json
                #expect(metadata["registration_endpoint"] == .string(TestServer.issuer + "/register"))
            }
        }
        let off = try await TestServer()
        try await off.withFlow { flow in
            let metadata = try await flow.get(OAuthServer.Path.openIDConfiguration).json
            #expect(metadata["registration_endpoint"] == nil)
        }
    }

    @Test("Configured initial access tokens are kept only as SHA-256 hashes, and any of several is accepted")
    func configuredTokensHashed() async throws {
        let tokens = ["first-initial-access-token-000", "second-initial-access-token-00"]
        let configuration = try RegistrationConfiguration(initialAccessTokens: tokens)
        #expect(configuration.isEnabled)
        #expect(configuration.initialAccessTokenHashes == tokens.map(CredentialHash.of))
        let test = try await TestServer { $0.registration = configuration }
        let key = try JWSSigningKey.generate(.es256, kid: "two")
        try await test.withFlow { flow in
            for token in tokens {
                let response = try await flow.register(Registration.metadata(key: key), token: token)
                #expect(response.status == .created)
            }
        }
    }

    @Test("An initial access token shorter than 22 characters or outside the RFC 6750 b64token syntax is refused",
          arguments: ["short-token", "a token with spaces in it, long enough", "token-with-a-quote\"-inside-it-0000"])
    func weakTokensRefused(_ token: String) {
        #expect(throws: InvalidInitialAccessToken.self) { try RegistrationConfiguration(initialAccessTokens: [token]) }
    }

    @Test("KURA_REGISTRATION_TOKENS is a comma list: entries trimmed, empty entries dropped, empty means off")
    func commaList() throws {
        #expect(RegistrationConfiguration.tokens(commaSeparated: " a1 ,b2,, c3 ") == ["a1", "b2", "c3"])
        #expect(RegistrationConfiguration.tokens(commaSeparated: "").isEmpty)
        #expect(RegistrationConfiguration.tokens(commaSeparated: " , ").isEmpty)
        #expect(!(try RegistrationConfiguration(initialAccessTokens: [])).isEnabled)
    }

    @Test("kura demo creates its initial access token once (mode 0600) and reuses it; its curl example registers a usable client")
    func demoToken() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-dcr-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = DemoEnvironment(directory: directory)
        let token = try demo.registrationToken()
        #expect(token.count >= RegistrationConfiguration.minimumTokenLength)
        #expect(try demo.registrationToken() == token)
        let permissions = try FileManager.default.attributesOfItem(atPath: demo.registrationTokenFile.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)

        // The demo's own database seeds the partner key; the test server (which has its own alice) registers with it.
        let demoBackend = try SQLiteBackend.inMemory()
        try await demoBackend.migrate()
        _ = try await demo.seed(server: OAuthServer(configuration: ServerConfiguration(issuer: TestServer.issuer), stores: demoBackend.stores,
                                                    passwordHasher: PasswordHasher(logN: 10), logger: Logger(label: "demo")))
        let test = try await TestServer { $0.registration = try! RegistrationConfiguration(initialAccessTokens: [token]) }
        try demo.writeRegistrationExample()
        let example = try #require(JSONValue.parseObject(try Data(contentsOf: demo.registrationExampleFile)))
        let partner = try #require(JSONValue.parseObject(try Data(contentsOf: demo.clientFile)))
        let key = try JWSSigningKey(privateJWK: try #require(partner["signing_key"]?.objectValue), alg: .es256)
        try await test.withFlow { flow in
            let response = try await flow.register(example, token: token)
            #expect(response.status == .created, "\(response.bodyText)")
            let clientID = try #require(response.json["client_id"]?.stringValue)
            let par = try await flow.par(forClient: clientID, key: key, ["redirect_uri": DemoEnvironment.redirectURI])
            #expect(par.status == .created, "\(par.bodyText)")
        }
    }
}
