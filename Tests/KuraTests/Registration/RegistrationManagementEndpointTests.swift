import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The client configuration endpoint `/register/{client_id}` (RFC 7592 §2.1–2.3) with the registration access token.
@Suite("Dynamic client registration management (RFC 7592)")
struct RegistrationManagementEndpointTests {
    @Test("GET with the registration access token returns the registered metadata and the same token")
    func readReturnsMetadata() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-read")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let response = try await flow.sendJSON(.get, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.json == registered.document, "read returns what registration returned")
            // The token is kept: a second read with it works.
            let again = try await flow.sendJSON(.get, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(again.status == .ok)
        }
    }

    @Test("A wrong token, no token, another client's token and an unknown client_id all get the same 401 invalid_token")
    func wrongTokenSameAsUnknownClient() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-401")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let other = try await flow.registerClient(Registration.metadata(key: key))
            let wrongToken = try await flow.sendJSON(.get, registered.path, body: nil, bearer: "x" + registered.registrationAccessToken)
            let othersToken = try await flow.sendJSON(.get, registered.path, body: nil, bearer: other.registrationAccessToken)
            let unknownClient = try await flow.sendJSON(.get, OAuthServer.Path.registration + "/no-such-client", body: nil,
                                                        bearer: registered.registrationAccessToken)
            let initialToken = try await flow.sendJSON(.get, registered.path, body: nil, bearer: Registration.initialAccessToken)
            for response in [wrongToken, othersToken, unknownClient, initialToken] {
                #expect(response.status == .unauthorized)
                #expect(response.bodyText == unknownClient.bodyText)
                #expect(response.headers[.wwwAuthenticate] == "Bearer error=\"invalid_token\"")
            }
            #expect(unknownClient.oauthError == "invalid_token")
            let none = try await flow.sendJSON(.get, registered.path, body: nil, bearer: nil)
            #expect(none.status == .unauthorized)
            #expect(none.oauthError == "invalid_token")
        }
    }

    @Test("A client added by kura clients add has no registration access token: 401 whatever token is sent")
    func cliClientNotManageable() async throws {
        let test = try await Registration.server()
        try await test.withFlow { flow in
            let response = try await flow.sendJSON(.delete, OAuthServer.Path.registration + "/" + test.clientID, body: nil,
                                                   bearer: Registration.initialAccessToken)
            #expect(response.status == .unauthorized)
            #expect(try await test.server.stores.clients.find(clientID: test.clientID) != nil)
        }
    }

    @Test("PUT replaces the metadata (new redirect_uris), rotates the registration access token, and the client uses the new URI")
    func updateReplacesMetadata() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-put")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key, ["client_name": "Before"]))
            let newURI = "https://client.example/new-callback"
            var metadata = Registration.metadata(key: key, ["redirect_uris": [.string(newURI)], "client_name": nil])
            metadata["client_id"] = .string(registered.clientID)
            let response = try await flow.updateClient(registered.path, metadata, token: registered.registrationAccessToken)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.json["redirect_uris"] == [.string(newURI)])
            #expect(response.json["client_name"] == nil, "omitted members are deleted (RFC 7592 2.2: replace, not augment)")
            #expect(response.json["client_id"] == .string(registered.clientID))
            #expect(response.json["client_id_issued_at"] == registered.document["client_id_issued_at"])
            let rotated = try #require(response.json["registration_access_token"]?.stringValue)
            #expect(rotated != registered.registrationAccessToken)

            let record = try #require(try await test.server.stores.clients.find(clientID: registered.clientID))
            #expect(record.metadata["redirect_uris"] == [.string(newURI)])
            #expect(record.registrationAccessTokenHash == CredentialHash.of(rotated))
            #expect(try await flow.sendJSON(.get, registered.path, body: nil, bearer: registered.registrationAccessToken).status == .unauthorized)
            #expect(try await flow.sendJSON(.get, registered.path, body: nil, bearer: rotated).json["redirect_uris"] == [.string(newURI)])

            let old = try await flow.par(forClient: registered.clientID, key: key)
            #expect(old.status == .badRequest, "the old redirect URI is no longer registered")
            let new = try await flow.par(forClient: registered.clientID, key: key, ["redirect_uri": newURI])
            #expect(new.status == .created, "\(new.bodyText)")
        }
    }

    @Test("PUT is validated as registration: an http redirect URI is 400 invalid_redirect_uri and nothing changes, token included")
    func updateValidated() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-put-bad")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let before = try #require(try await test.server.stores.clients.find(clientID: registered.clientID))
            var metadata = Registration.metadata(key: key, ["redirect_uris": ["http://client.example/cb"]])
            metadata["client_id"] = .string(registered.clientID)
            let response = try await flow.updateClient(registered.path, metadata, token: registered.registrationAccessToken)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == "invalid_redirect_uri")
            #expect(response.json["error_description"]?.stringValue?.hasPrefix("redirect_uris:") == true)
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID) == before)
            #expect(try await flow.sendJSON(.get, registered.path, body: nil, bearer: registered.registrationAccessToken).status == .ok)
        }
    }

    @Test("PUT must carry client_id equal to the path (RFC 7592 2.2): missing or different is 400 invalid_client_metadata",
          arguments: [nil, "another-client"] as [String?])
    func updateRequiresMatchingClientID(_ clientID: String?) async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-put-id")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let before = try await test.server.stores.clients.find(clientID: registered.clientID)
            let metadata = Registration.metadata(key: key, ["client_id": clientID.map(JSONValue.string)])
            let response = try await flow.updateClient(registered.path, metadata, token: registered.registrationAccessToken)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == "invalid_client_metadata")
            #expect(response.json["error_description"]?.stringValue?.hasPrefix("client_id:") == true)
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID) == before)
        }
    }

    @Test("PUT echoing the registration response (registration_access_token etc.) is refused (RFC 7592 2.2 MUST NOT)")
    func updateWithServerIssuedMembersRefused() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-put-echo")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let response = try await flow.updateClient(registered.path, registered.document, token: registered.registrationAccessToken)
            #expect(response.status == .badRequest)
            #expect(response.oauthError == "invalid_client_metadata")
        }
    }

    @Test("PUT with a wrong token is 401 and changes nothing")
    func updateWithWrongToken() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-put-401")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let before = try await test.server.stores.clients.find(clientID: registered.clientID)
            var metadata = Registration.metadata(key: key, ["client_name": "Hijacked"])
            metadata["client_id"] = .string(registered.clientID)
            let response = try await flow.updateClient(registered.path, metadata, token: Registration.initialAccessToken)
            #expect(response.status == .unauthorized)
            #expect(response.oauthError == "invalid_token")
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID) == before)
        }
    }

    @Test("DELETE is 204; afterwards PAR with that client is invalid_client and its registration access token is dead")
    func deleteDeprovisions() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-delete")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            #expect(try await flow.par(forClient: registered.clientID, key: key).status == .created)

            let wrong = try await flow.sendJSON(.delete, registered.path, body: nil, bearer: Registration.initialAccessToken)
            #expect(wrong.status == .unauthorized)
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID) != nil)

            let response = try await flow.sendJSON(.delete, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
            #expect(try await test.server.stores.clients.find(clientID: registered.clientID) == nil)

            let par = try await flow.par(forClient: registered.clientID, key: key)
            #expect(par.status == .unauthorized)
            #expect(par.oauthError == "invalid_client")
            let read = try await flow.sendJSON(.get, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(read.status == .unauthorized)
            let again = try await flow.sendJSON(.delete, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(again.status == .unauthorized)
        }
    }

    @Test("DELETE revokes the client's tokens at once (RFC 7592 2.3)")
    func deleteRevokesTokens() async throws {
        let test = try await Registration.server()
        let key = try JWSSigningKey.generate(.es256, kid: "mgmt-delete-tokens")
        try await test.withFlow { flow in
            let registered = try await flow.registerClient(Registration.metadata(key: key))
            let token = TokenRecord(
                tokenHash: "issued-before-delete", kind: .accessToken, tokenID: "jti-1", clientID: registered.clientID, userID: "u",
                grantID: "g", scope: ["accounts"], authorizationDetails: nil, confirmation: ["jkt": "x"],
                issuedAt: test.clock.now(), expiresAt: test.clock.now().addingTimeInterval(600))
            try await test.server.stores.tokens.insert(token)
            let response = try await flow.sendJSON(.delete, registered.path, body: nil, bearer: registered.registrationAccessToken)
            #expect(response.status == .noContent)
            #expect(try await test.server.stores.tokens.find(tokenHash: "issued-before-delete")?.revokedAt != nil)
        }
    }
}
