import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /register` (RFC 7591 §3.1–3.2) behind an initial access token (RFC 7591 §3, RFC 6750 §2.1), validating
/// metadata exactly as `kura clients add` does.
@Suite("Dynamic client registration (RFC 7591)")
struct RegistrationEndpointTests {
    @Test("Registration returns 201 with the validated metadata, client_id, client_id_issued_at, registration_access_token and registration_client_uri, no-store")
    func registers() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-1")
        try await test.withFlow { flow in
            let response = try await flow.register(Registration.metadata(key: key))
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.contentType] == "application/json")
            let json = response.json
            let clientID = try #require(json["client_id"]?.stringValue)
            #expect(Base64URL.decode(clientID).map(\.count) ?? 0 >= 16, "client_id carries at least 128 random bits")
            #expect(json["client_id_issued_at"] == .int(test.clock.now().epochSeconds))
            #expect(json["registration_client_uri"] == .string("\(TestServer.issuer)/register/\(clientID)"))
            #expect((json["registration_access_token"]?.stringValue?.count ?? 0) >= 22)
            #expect(json["client_secret"] == nil)
            // The metadata as validated: defaults filled in, the registered members unchanged.
            #expect(json["grant_types"] == ["authorization_code"])
            #expect(json["response_types"] == ["code"])
            #expect(json["redirect_uris"] == [.string(TestServer.redirectURI)])
            #expect(json["token_endpoint_auth_method"] == "private_key_jwt")
            #expect(json["jwks"] == .object(JWKSet(keys: [key.publicJWK]).publicJSON))
            let stored = try #require(try await test.server.stores.clients.find(clientID: clientID))
            for (name, value) in stored.metadata { #expect(json[name] == value, "\(name) as stored") }
        }
    }

    @Test("A registered client is usable: it completes PAR with private_key_jwt")
    func registeredClientCompletesPAR() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-par")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let par = try await flow.par(forClient: registered.clientID, key: key)
            #expect(par.status == .created, "PAR: \(par.bodyText)")
            #expect(par.json["request_uri"]?.stringValue?.hasPrefix("urn:ietf:params:oauth:request_uri:") == true)
        }
    }

    @Test("Without an initial access token: 401 invalid_token with a bare Bearer challenge, nothing stored (RFC 6750 3.1)")
    func missingInitialAccessToken() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-none")
        try await test.withFlow { flow in
            let before = try await test.server.stores.clients.list().count
            let response = try await flow.register(Registration.metadata(key: key), token: nil)
            #expect(response.status == .unauthorized)
            #expect(response.oauthError == "invalid_token")
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(try await test.server.stores.clients.list().count == before)
        }
    }

    @Test("A wrong, malformed or non-Bearer initial access token: 401 invalid_token, nothing stored", arguments: [
        "Bearer initial-access-token-for-tests-012345678X", "Bearer " + Registration.initialAccessToken + "x",
        "Bearer not a token", "Basic " + Registration.initialAccessToken, "Bearer",
    ])
    func wrongInitialAccessToken(_ authorization: String) async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-wrong")
        try await test.withFlow { flow in
            let before = try await test.server.stores.clients.list().count
            let response = try await flow.client.execute(
                uri: OAuthServer.Path.registration, method: .post,
                headers: [.authorization: authorization, .contentType: "application/json"],
                body: .init(string: FlowDriver.text(Registration.metadata(key: key))))
            #expect(response.status == .unauthorized)
            #expect(response.oauthError == "invalid_token")
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await test.server.stores.clients.list().count == before)
        }
    }

    @Test("The Bearer scheme is case-insensitive (RFC 7235 2.1)")
    func bearerSchemeCaseInsensitive() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-case")
        try await test.withFlow { flow in
            let response = try await flow.client.execute(
                uri: OAuthServer.Path.registration, method: .post,
                headers: [.authorization: "bearer " + Registration.initialAccessToken, .contentType: "application/json"],
                body: .init(string: FlowDriver.text(Registration.metadata(key: key))))
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    static let invalidMetadataCases: [(field: String, code: String, change: [String: JSONValue?])] = [
        ("redirect_uris", "invalid_redirect_uri", ["redirect_uris": ["http://client.example/cb"]]),
        ("token_endpoint_auth_method", "invalid_client_metadata", ["token_endpoint_auth_method": "client_secret_basic"]),
        ("jwks", "invalid_client_metadata", ["jwks": ["keys": [ClientMetadataValidatorTests.rsaJWK(bits: 1024, kid: "rsa-1024")]]]),
    ]

    @Test("Invalid metadata (http redirect, client_secret_basic, RSA-1024) is 400 naming the field, nothing stored",
          arguments: invalidMetadataCases)
    func invalidMetadata(_ field: String, _ code: String, _ change: [String: JSONValue?]) async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-bad")
        try await test.withFlow { flow in
            let before = try await test.server.stores.clients.list()
            let response = try await flow.register(Registration.metadata(key: key, change))
            #expect(response.status == .badRequest)
            #expect(response.oauthError == code)
            #expect(response.json["error_description"]?.stringValue?.hasPrefix(field + ":") == true, "\(response.bodyText)")
            #expect(try await test.server.stores.clients.list() == before)
        }
    }

    @Test("Every metadata rejection of kura clients add is the same rejection at POST /register",
          arguments: ClientMetadataValidatorTests.invalidCases)
    func sameRulesAsCLI(_ invalid: ClientMetadataValidatorTests.Case) async throws {
        let test = try await Registration.server()
        var changed = ClientMetadataValidatorTests.valid
        invalid.change(&changed)
        let metadata = changed
        let configuration = test.server.configuration
        let cli = ClientMetadataValidator(acceptedAlgorithms: configuration.acceptedAlgorithms, supportedScopes: Set(configuration.scopesSupported))
        let expected: OAuthError
        do {
            _ = try cli.validate(metadata)
            Issue.record("the validator accepted \(invalid.name)")
            return
        } catch { expected = error }
        try await test.withFlow { flow in
            let before = try await test.server.stores.clients.list()
            let response = try await flow.register(metadata)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == expected.code.rawValue)
            #expect(response.json["error_description"]?.stringValue == expected.errorDescription?.value)
            #expect(try await test.server.stores.clients.list() == before)
        }
    }

    @Test("Server-issued members (client_secret, registration_access_token, …) cannot be registered, here or by the CLI",
          arguments: ["client_secret", "client_secret_expires_at", "client_id_issued_at", "registration_access_token", "registration_client_uri"])
    func serverIssuedMembersRefused(_ member: String) async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-issued")
        let metadata = Registration.metadata(key: key, [member: "chosen-by-the-client"])
        let configuration = test.server.configuration
        #expect(throws: OAuthError(.invalidClientMetadata)) {
            try ClientMetadataValidator(acceptedAlgorithms: configuration.acceptedAlgorithms, supportedScopes: Set(configuration.scopesSupported))
                .validate(metadata)
        }
        try await test.withFlow { flow in
            let response = try await flow.register(metadata)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == "invalid_client_metadata")
            #expect(response.json["error_description"]?.stringValue?.hasPrefix(member + ":") == true)
        }
    }

    @Test("A client-supplied client_id is ignored: Kura assigns a random one")
    func clientSuppliedClientIDIgnored() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-id")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key, ["client_id": .string(test.clientID)]))
            #expect(registered.clientID != test.clientID)
            let original = try #require(try await test.server.stores.clients.find(clientID: test.clientID))
            #expect(original.registrationAccessTokenHash == nil, "the existing client is untouched")
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID)?.metadata["client_id"] == nil)
            let other = try await flow.registerClient(Registration.metadata(key: key, ["client_id": "mine"]))
            #expect(other.clientID != "mine" && other.clientID != registered.clientID)
        }
    }

    @Test("Tokens are stored only as hashes: the registration access token's SHA-256, the initial tokens' SHA-256")
    func tokensStoredAsHashes() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-hash")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let record = try #require(try await test.server.stores.clients.find(clientID: registered.clientID))
            #expect(record.registrationAccessTokenHash == CredentialHash.of(registered.registrationAccessToken))
            let stored = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
            #expect(!stored.contains(registered.registrationAccessToken))
            #expect(!stored.contains(Registration.initialAccessToken))
        }
        #expect(test.server.configuration.registration.initialAccessTokenHashes == [CredentialHash.of(Registration.initialAccessToken)])
    }

    @Test("A body that is not a JSON object, or not application/json, is 400 invalid_client_metadata", arguments: [
        ("{\"redirect_uris\": [", "application/json"), ("[]", "application/json"), ("redirect_uris=https://x", "application/x-www-form-urlencoded"),
        ("{}", "text/plain"),
    ])
    func malformedBody(_ body: String, _ contentType: String) async throws {
        let test = try await Registration.server()
        try await test.withFlow { flow in
            let response = try await flow.sendJSON(.post, OAuthServer.Path.registration, body: body, bearer: Registration.initialAccessToken,
                                                   contentType: contentType)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == "invalid_client_metadata")
        }
    }

    @Test("application/json with a charset parameter is accepted")
    func jsonWithCharset() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-charset")
        try await test.withFlow { flow in
            let response = try await flow.sendJSON(.post, OAuthServer.Path.registration, body: FlowDriver.text(Registration.metadata(key: key)),
                                                   bearer: Registration.initialAccessToken, contentType: "Application/JSON; charset=utf-8")
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("A body over 64 KiB is refused with 413 and nothing stored")
    func bodyTooLarge() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "dcr-big")
        try await test.withFlow { flow in
            let before = try await test.server.stores.clients.list().count
            let padding = String(repeating: "a", count: 64 * 1024)
            let response = try await flow.register(Registration.metadata(key: key, ["client_name": .string(padding)]))
            #expect(response.status == .contentTooLarge)
            #expect(try await test.server.stores.clients.list().count == before)
        }
    }
}
