import AuthorizationServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OAuthCore
import OAuthJOSE
import Testing

/// Drives Kura's endpoints as a client and a browser do, through HummingbirdTesting's `.router` mode:
/// PAR → `GET /authorize` → login → consent → token.
///
/// Every step returns the raw `TestResponse` so a test can assert on status, headers and body; the helpers
/// that return a value (`pushRequest`, `startInteraction`, `authorize`, `authorizationCode`, `tokens`)
/// `#require` the happy path and are for arranging, not asserting.
struct FlowDriver: Sendable {
    let test: TestServer
    let client: any TestClientProtocol

    static let dpopHeader = HTTPField.Name("DPoP")!
    static let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    var server: OAuthServer { test.server }
    var issuer: String { test.server.configuration.issuer }
    func url(_ path: String) -> String { test.server.configuration.url(path) }

    // MARK: - HTTP

    /// POSTs `form` as `application/x-www-form-urlencoded`, with `headers` added.
    func post(_ path: String, form: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await post(path, body: FormParameters.body(form), headers: headers)
    }

    /// POSTs a raw form body (for bodies a dictionary cannot express, e.g. a repeated parameter).
    func post(_ path: String, body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        fields.append(contentsOf: headers)
        return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    /// A `DPoP` header with a fresh proof by `key` for `POST path`.
    func dpopHeaders(_ key: JWSSigningKey?, path: String) throws -> HTTPFields {
        guard let key else { return [:] }
        return [Self.dpopHeader: try test.dpopProof(key: key, url: url(path))]
    }

    // MARK: - Pushed authorization request

    /// PAR with `TestServer.parParameters(changes)`, optionally with a DPoP proof by `dpopKey`.
    func par(_ changes: [String: String?] = [:], dpopKey: JWSSigningKey? = nil) async throws -> TestResponse {
        try await post(OAuthServer.Path.par, form: try test.parParameters(changes),
                       headers: try dpopHeaders(dpopKey, path: OAuthServer.Path.par))
    }

    /// PAR parameters for another registered client, authenticated with its own key.
    func parParameters(forClient clientID: String, key: JWSSigningKey, _ changes: [String: String?] = [:]) throws -> [String: String] {
        var all: [String: String?] = ["client_id": clientID, "client_assertion": try test.clientAssertion(clientID: clientID, key: key)]
        all.merge(changes) { _, new in new }
        return try test.parParameters(all)
    }

    /// Pushes a request that must succeed; returns its `request_uri`.
    func pushRequest(_ changes: [String: String?] = [:], dpopKey: JWSSigningKey? = nil) async throws -> String {
        let response = try await par(changes, dpopKey: dpopKey)
        try #require(response.status == .created, "PAR failed: \(response.bodyText)")
        return try #require(response.json["request_uri"]?.stringValue)
    }

    // MARK: - Browser interaction

    /// `/authorize?client_id&request_uri` plus any `extra` query parameters.
    func authorizeURI(requestURI: String, clientID: String? = nil, extra: [(String, String)] = []) -> String {
        OAuthServer.Path.authorize + "?" + FormParameters.encode([("client_id", clientID ?? test.clientID), ("request_uri", requestURI)] + extra)
    }

    /// What the browser holds during an interaction: the session cookie and the form's CSRF token.
    struct Interaction: Sendable {
        /// `__Host-kura_authz=<value>`, ready for a `Cookie` header.
        let cookie: String
        let csrf: String
    }

    /// `GET /authorize`, which must show the login page; returns the cookie and CSRF token it set.
    func startInteraction(requestURI: String, clientID: String? = nil) async throws -> Interaction {
        let page = try await get(authorizeURI(requestURI: requestURI, clientID: clientID))
        try #require(page.status == .ok, "authorization endpoint: \(page.status) \(page.bodyText)")
        return Interaction(cookie: try #require(page.sessionCookie), csrf: try #require(page.csrfToken))
    }

    /// POSTs a browser form to `path` with the interaction cookie (or `cookie`, or none).
    func submit(_ path: String, _ fields: [String: String], cookie: String?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await post(path, form: fields, headers: headers)
    }

    /// A TOTP code of the test customer that has not been used yet. A code is single-use per time step
    /// (RFC 6238 §5.2), so the clock is moved to the next step when the current one was already accepted.
    func freshOTP() async throws -> String {
        let totp = TOTP(secret: TestServer.totpSecret)
        if let user = try await server.stores.users.find(username: TestServer.username) {
            let current = totp.step(at: test.clock.now())
            if user.lastTOTPStep >= current {
                test.clock.advance(by: TimeInterval(totp.period * (user.lastTOTPStep - current + 1)))
            }
        }
        return test.otp()
    }

    /// `POST /authorize/login` with the customer's credentials (a fresh OTP unless `otp` is given).
    func login(_ interaction: Interaction, username: String = TestServer.username, password: String = TestServer.password,
               otp: String? = nil) async throws -> TestResponse {
        let code: String
        if let otp { code = otp } else { code = try await freshOTP() }
        return try await submit(OAuthServer.Path.login,
                                ["username": username, "password": password, "otp": code, "csrf_token": interaction.csrf],
                                cookie: interaction.cookie)
    }

    /// `POST /authorize/consent` with the Allow or Deny button.
    func decide(_ interaction: Interaction, approve: Bool) async throws -> TestResponse {
        let button = approve ? "approve" : "deny"
        return try await submit(OAuthServer.Path.consent, ["csrf_token": interaction.csrf, button: button], cookie: interaction.cookie)
    }

    /// PAR → login page → login (must reach consent) → decision; returns the consent response (a 303).
    func completeInteraction(requestURI: String, approve: Bool = true) async throws -> TestResponse {
        let interaction = try await startInteraction(requestURI: requestURI)
        let consent = try await login(interaction)
        try #require(consent.isConsentPage, "login did not reach consent: \(consent.bodyText)")
        return try await decide(interaction, approve: approve)
    }

    /// The whole front channel with approval; returns the authorization response parameters.
    func authorize(_ changes: [String: String?] = [:], dpopKey: JWSSigningKey? = nil) async throws -> [String: String] {
        let response = try await completeInteraction(requestURI: try await pushRequest(changes, dpopKey: dpopKey))
        try #require(response.status == .seeOther)
        return try #require(response.redirectParameters)
    }

    /// A fresh authorization code for the standard pushed request changed by `changes`.
    func authorizationCode(_ changes: [String: String?] = [:], dpopKey: JWSSigningKey? = nil) async throws -> String {
        try #require(try await authorize(changes, dpopKey: dpopKey)["code"])
    }

    // MARK: - Token endpoint

    /// Token-endpoint form parameters for the authorization_code grant, changed by `changes` (nil removes).
    func tokenParameters(code: String?, verifier: String? = TestServer.verifier, _ changes: [String: String?] = [:]) throws -> [String: String] {
        var p: [String: String] = [
            "grant_type": "authorization_code", "redirect_uri": TestServer.redirectURI, "client_id": test.clientID,
            "client_assertion_type": Self.jwtBearer, "client_assertion": try test.clientAssertion(),
        ]
        if let code { p["code"] = code }
        if let verifier { p["code_verifier"] = verifier }
        for (k, v) in changes { p[k] = v }
        return p
    }

    /// `POST /token`, with a fresh DPoP proof by `dpopKey` or exactly `dpopProof`.
    func token(_ form: [String: String], dpopKey: JWSSigningKey?, dpopProof: String? = nil) async throws -> TestResponse {
        var headers = try dpopHeaders(dpopKey, path: OAuthServer.Path.token)
        if let dpopProof { headers[Self.dpopHeader] = dpopProof }
        return try await post(OAuthServer.Path.token, form: form, headers: headers)
    }

    /// `POST /token` for `code` with the standard parameters.
    func token(code: String?, verifier: String? = TestServer.verifier, dpopKey: JWSSigningKey?,
               _ changes: [String: String?] = [:]) async throws -> TestResponse {
        try await token(try tokenParameters(code: code, verifier: verifier, changes), dpopKey: dpopKey)
    }

    /// The successful token response for a fresh code (front channel included).
    func tokens(_ changes: [String: String?] = [:], dpopKey: JWSSigningKey) async throws -> [String: JSONValue] {
        let code = try await authorizationCode(changes)
        let response = try await token(code: code, dpopKey: dpopKey)
        try #require(response.status == .ok, "token request failed: \(response.bodyText)")
        return response.json
    }

    // MARK: - Keys

    /// The server's published JWKS (`GET /jwks`).
    func publishedKeys() async throws -> JWKSet {
        let response = try await get(OAuthServer.Path.jwks)
        try #require(response.status == .ok)
        return try JWKSet(jsonData: Data(response.body.readableBytesView))
    }
}

extension TestServer {
    /// Runs `body` with a `FlowDriver` over this server's router.
    func withFlow<Value: Sendable>(_ body: @Sendable (FlowDriver) async throws -> Value) async throws -> Value {
        try await application().test(.router) { client in try await body(FlowDriver(test: self, client: client)) }
    }

    /// Registers another private_key_jwt client with a fresh ES256 key and returns that key.
    @discardableResult
    func registerOtherClient(id: String = "other-client", extra: [String: JSONValue] = [:]) async throws -> JWSSigningKey {
        let key = try JWSSigningKey.generate(.es256, kid: "\(id)-key")
        try await Self.registerClient(server, id: id, key: key, extra: extra)
        return key
    }
}

extension TestResponse {
    var bodyText: String { String(buffer: body) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: JSONValue] { JSONValue.parseObject(body.readableBytesView) ?? [:] }

    /// The OAuth `error` code of a JSON error response.
    var oauthError: String? { json["error"]?.stringValue }

    /// The interaction cookie from `Set-Cookie`, as `name=value`.
    var sessionCookie: String? {
        let prefix = "__Host-kura_authz="
        for value in headers[values: .setCookie] where value.hasPrefix(prefix) {
            return String(value.prefix { $0 != ";" })
        }
        return nil
    }

    /// The value of the hidden `csrf_token` field of a page's form.
    var csrfToken: String? {
        let html = bodyText
        guard let field = html.range(of: "name=\"csrf_token\" value=\"") else { return nil }
        let rest = html[field.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// Whether this is the consent page (it has the Allow button).
    var isConsentPage: Bool { status == .ok && bodyText.contains("name=\"approve\"") }

    /// Whether this is the login page (it has the password field).
    var isLoginPage: Bool { status == .ok && bodyText.contains("name=\"password\"") }

    var location: String? { headers[.location] }

    /// The query parameters of the `Location` header (duplicates make it nil).
    var redirectParameters: [String: String]? {
        guard let location, let components = URLComponents(string: location) else { return nil }
        return (try? FormParameters(parsing: components.percentEncodedQuery ?? ""))?.values
    }
}

/// The claims of a compact JWT, read without verification (verify first where it matters).
func unverifiedClaims(_ jwt: String) throws -> [String: JSONValue] {
    try CompactJWS.parse(jwt).payloadObject()
}

extension TestServer {
    /// Stores a client as it might have been registered under an earlier configuration (e.g. before the server's
    /// signing algorithm changed): straight into the store, skipping today's registration validation.
    func registerLegacyClient(id: String, extra: [String: JSONValue]) async throws -> JWSSigningKey {
        let key = try JWSSigningKey.generate(.es256, kid: "\(id)-key")
        var metadata: [String: JSONValue] = [
            "client_name": "Legacy Client", "redirect_uris": [.string(Self.redirectURI)], "token_endpoint_auth_method": "private_key_jwt",
            "grant_types": ["authorization_code"], "response_types": ["code"], "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON),
        ]
        metadata.merge(extra) { _, new in new }
        let now = clock.now()
        try await server.stores.clients.insert(ClientRecord(clientID: id, metadata: metadata, createdAt: now, updatedAt: now))
        return key
    }
}
