import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Helpers for the refresh, client_credentials, revocation, introspection and userinfo suites (Tests/KuraTests/Tokens).
extension TestServer {
    /// Replaces the registered `grant_types` of `clientID` (the test client is registered for authorization_code only).
    func setGrantTypes(_ grantTypes: [String], clientID: String? = nil) async throws {
        let id = clientID ?? self.clientID
        var record = try #require(try await server.stores.clients.find(clientID: id))
        record.metadata["grant_types"] = .array(grantTypes.map(JSONValue.string))
        try await server.stores.clients.update(record)
    }

    /// Stores a grant and an authorization code for it directly, as the authorization endpoint does after consent,
    /// with `authorizationDetails` as granted (picks filled in). Returns the code.
    func insertCode(scope: [String] = ["openid", "accounts"], authorizationDetails: JSONValue?, userID: String? = nil) async throws -> String {
        let userID = userID ?? self.userID
        let now = clock.now()
        let grantID = UUID().uuidString
        try await server.stores.grants.insert(GrantRecord(
            id: grantID, clientID: clientID, userID: userID, scope: scope, authorizationDetails: authorizationDetails,
            createdAt: now, updatedAt: now, expiresAt: nil))
        let code = SystemRandom().token()
        let request = AuthorizationRequest(
            clientID: clientID, responseType: "code", redirectURI: Self.redirectURI, scope: scope, state: nil, nonce: nil,
            codeChallenge: PKCE.challenge(for: Self.verifier), codeChallengeMethod: PKCE.s256, authorizationDetails: authorizationDetails)
        try await server.stores.codes.insert(AuthorizationCodeRecord(
            codeHash: CredentialHash.of(code), clientID: clientID, userID: userID, grantID: grantID, request: request,
            authTime: now, acr: server.configuration.login.twoFactorACR, amr: ["pwd", "otp", "mfa"], issuedAt: now,
            expiresAt: now.addingTimeInterval(60)))
        return code
    }
}

extension FlowDriver {
    /// Client authentication parameters (private_key_jwt) for `clientID` signed with `key` (default: the test client).
    func clientAuthentication(clientID: String? = nil, key: JWSSigningKey? = nil) throws -> [String: String] {
        ["client_id": clientID ?? test.clientID, "client_assertion_type": Self.jwtBearer,
         "client_assertion": try test.clientAssertion(clientID: clientID, key: key)]
    }

    /// `POST /token` with `grant_type=refresh_token`; `changes` edits the form (nil removes a parameter).
    func refresh(_ refreshToken: String, dpopKey: JWSSigningKey?, clientID: String? = nil, key: JWSSigningKey? = nil,
                 _ changes: [String: String?] = [:]) async throws -> TestResponse {
        var form = try clientAuthentication(clientID: clientID, key: key)
        form["grant_type"] = "refresh_token"
        form["refresh_token"] = refreshToken
        for (k, v) in changes { form[k] = v }
        return try await token(form, dpopKey: dpopKey)
    }

    /// `POST /token` with `grant_type=client_credentials`.
    func clientCredentials(scope: String?, dpopKey: JWSSigningKey?, clientID: String? = nil, key: JWSSigningKey? = nil) async throws -> TestResponse {
        var form = try clientAuthentication(clientID: clientID, key: key)
        form["grant_type"] = "client_credentials"
        form["scope"] = scope
        return try await token(form, dpopKey: dpopKey)
    }

    /// `POST /revoke` (RFC 7009 §2.1) authenticated as `clientID` (nil `key` and `authenticated: false`: no client auth).
    func revoke(_ token: String, hint: String? = nil, clientID: String? = nil, key: JWSSigningKey? = nil,
                authenticated: Bool = true) async throws -> TestResponse {
        var form = authenticated ? try clientAuthentication(clientID: clientID, key: key) : ["client_id": clientID ?? test.clientID]
        form["token"] = token
        form["token_type_hint"] = hint
        return try await post(OAuthServer.Path.revocation, form: form)
    }

    /// `POST /introspect` (RFC 7662 §2.1), optionally asking for a JWT response (RFC 9701 §4).
    func introspect(_ token: String, clientID: String? = nil, key: JWSSigningKey? = nil, accept: String? = nil,
                    authenticated: Bool = true) async throws -> TestResponse {
        var form = authenticated ? try clientAuthentication(clientID: clientID, key: key) : ["client_id": clientID ?? test.clientID]
        form["token"] = token
        var headers = HTTPFields()
        if let accept { headers[.accept] = accept }
        return try await post(OAuthServer.Path.introspection, form: form, headers: headers)
    }

    /// A request to the UserInfo endpoint with `Authorization: <scheme> <token>` and, unless `proofKey` is nil, a DPoP
    /// proof by `proofKey` carrying `ath` for `athToken` (default: the token itself).
    func userinfo(_ token: String?, scheme: String = "DPoP", proofKey: JWSSigningKey?, method: HTTPRequest.Method = .get,
                  athToken: String? = nil, proofURL: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "\(scheme) \(token)" }
        if let proofKey {
            headers[Self.dpopHeader] = try test.dpopProof(
                key: proofKey, method: method.rawValue, url: proofURL ?? url(OAuthServer.Path.userinfo), accessToken: athToken ?? token)
        }
        return try await client.execute(uri: OAuthServer.Path.userinfo, method: method, headers: headers)
    }
}

extension TestResponse {
    /// The `WWW-Authenticate` header (RFC 6750 §3, RFC 9449 §7.1).
    var wwwAuthenticate: String? { headers[.wwwAuthenticate] }
}
