import AuthorizationServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OAuthCore
import OAuthJOSE
import Testing

/// Fixtures for dynamic client registration (RFC 7591) and its management (RFC 7592).
enum Registration {
    /// The initial access token the test servers accept.
    static let initialAccessToken = "initial-access-token-for-tests-0123456789"

    /// A test server with registration open to `initialAccessToken`.
    static func server() async throws -> TestServer {
        try await TestServer { $0.registration = RegistrationConfiguration(initialAccessTokenHashes: [CredentialHash.of(initialAccessToken)]) }
    }

    /// Valid private_key_jwt metadata for `key`, changed by `changes` (nil removes a member).
    static func metadata(key: JWSSigningKey, _ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var m: [String: JSONValue] = [
            "client_name": "Registered Partner", "redirect_uris": [.string(TestServer.redirectURI)],
            "token_endpoint_auth_method": "private_key_jwt", "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON),
            "scope": "openid accounts",
        ]
        for (name, value) in changes { m[name] = value }
        return m
    }

    /// The registration response of a client that must register successfully.
    struct Registered: Sendable {
        let clientID: String
        let registrationAccessToken: String
        let registrationClientURI: String
        let document: [String: JSONValue]
        /// The path part of `registration_client_uri`, for requests through the router.
        var path: String { OAuthServer.Path.registration + "/" + clientID }
    }
}

extension FlowDriver {
    /// Sends `body` as `application/json` (or `contentType`) with `Authorization: Bearer token` when given.
    func sendJSON(_ method: HTTPRequest.Method, _ path: String, body: String?, bearer token: String?,
                  contentType: String = "application/json") async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = contentType }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// `POST /register` with `metadata` and the initial access token `token`.
    func register(_ metadata: [String: JSONValue], token: String? = Registration.initialAccessToken) async throws -> TestResponse {
        try await sendJSON(.post, OAuthServer.Path.registration, body: Self.text(metadata), bearer: token)
    }

    /// Registers `metadata`, which must succeed.
    func registerClient(_ metadata: [String: JSONValue]) async throws -> Registration.Registered {
        let response = try await register(metadata)
        try #require(response.status == .created, "registration failed: \(response.bodyText)")
        let json = response.json
        return Registration.Registered(
            clientID: try #require(json["client_id"]?.stringValue),
            registrationAccessToken: try #require(json["registration_access_token"]?.stringValue),
            registrationClientURI: try #require(json["registration_client_uri"]?.stringValue), document: json)
    }

    /// `PUT /register/{client_id}` with `metadata`.
    func updateClient(_ path: String, _ metadata: [String: JSONValue], token: String?) async throws -> TestResponse {
        try await sendJSON(.put, path, body: Self.text(metadata), bearer: token)
    }

    /// PAR for `clientID`, authenticated by private_key_jwt with `key` (FlowDriver's standard request otherwise).
    func par(forClient clientID: String, key: JWSSigningKey, _ changes: [String: String?] = [:]) async throws -> TestResponse {
        try await post(OAuthServer.Path.par, form: try parParameters(forClient: clientID, key: key, changes))
    }

    static func text(_ metadata: [String: JSONValue]) -> String { String(decoding: JSONValue.object(metadata).jsonData(), as: UTF8.self) }
}
