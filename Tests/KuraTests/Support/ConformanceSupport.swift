import AuthorizationServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraServer
import OAuthCore
import OAuthJOSE
import Synchronization
import Testing

/// Fixtures for the conformance-module suites (Tests/KuraTests/Conformance): a server whose endpoints run over stores
/// that count the rows they create, so every rejected request can be shown to have persisted nothing, and the
/// outcome checks of FAPI2-CHECKLIST §E.4 (accepted error-code sets, error pages instead of redirects).

// MARK: - Rows created through the store protocols

/// Rows the stores created since the server started, by kind.
struct PersistedRows: Equatable, Sendable {
    var pushedRequests = 0, sessions = 0, codes = 0, grants = 0, accessTokens = 0, refreshTokens = 0
}

/// Counts every row inserted through the wrapped stores. The decorators below forward every other requirement of
/// their protocol unchanged; a requirement added to a store protocol must be forwarded here too.
final class StoreAudit: Sendable {
    private let counts = Mutex(PersistedRows())

    var rows: PersistedRows { counts.withLock { $0 } }

    func count(_ change: (inout PersistedRows) -> Void) { counts.withLock { change(&$0) } }

    /// `stores` with the stores that create request, interaction, code, grant and token rows wrapped.
    func wrap(_ stores: Stores) -> Stores {
        var wrapped = stores
        wrapped.pushedRequests = AuditedPushedRequestStore(base: stores.pushedRequests, audit: self)
        wrapped.sessions = AuditedSessionStore(base: stores.sessions, audit: self)
        wrapped.codes = AuditedCodeStore(base: stores.codes, audit: self)
        wrapped.grants = AuditedGrantStore(base: stores.grants, audit: self)
        wrapped.tokens = AuditedTokenStore(base: stores.tokens, audit: self)
        return wrapped
    }
}

struct AuditedPushedRequestStore: PushedRequestStore {
    let base: any PushedRequestStore, audit: StoreAudit
    func insert(_ record: PushedRequestRecord) async throws {
        try await base.insert(record)
        audit.count { $0.pushedRequests += 1 }
    }
    func find(key: String, now: Date) async throws -> PushedRequestRecord? { try await base.find(key: key, now: now) }
    func consume(key: String, now: Date) async throws -> ConsumeResult<PushedRequestRecord> { try await base.consume(key: key, now: now) }
}

struct AuditedSessionStore: SessionStore {
    let base: any SessionStore, audit: StoreAudit
    func insert(_ session: AuthorizationSession) async throws {
        try await base.insert(session)
        audit.count { $0.sessions += 1 }
    }
    func find(idHash: String, now: Date) async throws -> AuthorizationSession? { try await base.find(idHash: idHash, now: now) }
    func markAuthenticated(idHash: String, userID: String, authTime: Date, amr: [String], acr: String, now: Date) async throws -> Bool {
        try await base.markAuthenticated(idHash: idHash, userID: userID, authTime: authTime, amr: amr, acr: acr, now: now)
    }
    func delete(idHash: String) async throws -> Bool { try await base.delete(idHash: idHash) }
}

struct AuditedCodeStore: AuthorizationCodeStore {
    let base: any AuthorizationCodeStore, audit: StoreAudit
    func insert(_ record: AuthorizationCodeRecord) async throws {
        try await base.insert(record)
        audit.count { $0.codes += 1 }
    }
    func consume(codeHash: String, clientID: String?, now: Date) async throws -> ConsumeResult<AuthorizationCodeRecord> {
        try await base.consume(codeHash: codeHash, clientID: clientID, now: now)
    }
}

struct AuditedGrantStore: GrantStore {
    let base: any GrantStore, audit: StoreAudit
    func insert(_ grant: GrantRecord) async throws {
        try await base.insert(grant)
        audit.count { $0.grants += 1 }
    }
    func find(id: String) async throws -> GrantRecord? { try await base.find(id: id) }
    func list(userID: String) async throws -> [GrantRecord] { try await base.list(userID: userID) }
    func revoke(id: String, now: Date) async throws -> Bool { try await base.revoke(id: id, now: now) }
}

struct AuditedTokenStore: TokenStore {
    let base: any TokenStore, audit: StoreAudit
    func insert(_ token: TokenRecord) async throws {
        try await base.insert(token)
        audit.count { token.kind == .accessToken ? ($0.accessTokens += 1) : ($0.refreshTokens += 1) }
    }
    func find(tokenHash: String) async throws -> TokenRecord? { try await base.find(tokenHash: tokenHash) }
    func revoke(tokenHash: String, now: Date) async throws -> Bool { try await base.revoke(tokenHash: tokenHash, now: now) }
    func revokeAll(grantID: String, now: Date) async throws -> Int { try await base.revokeAll(grantID: grantID, now: now) }
    func revokeAll(clientID: String, now: Date) async throws -> Int { try await base.revokeAll(clientID: clientID, now: now) }
    func shortenLifetime(tokenHash: String, expiresAt: Date) async throws -> Bool {
        try await base.shortenLifetime(tokenHash: tokenHash, expiresAt: expiresAt)
    }
}

// MARK: - The audited server

/// A `TestServer` whose routes run on an `OAuthServer` with the same configuration, clock and database but audited
/// stores. Tests arrange through `test.server` (uncounted) and send requests through `withFlow` (counted).
struct ConformanceServer: Sendable {
    let test: TestServer
    let audit: StoreAudit
    let server: OAuthServer

    /// - Parameter clock: the server's clock; `TestServer`'s fixed start by default.
    init(clock: ManualClock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000)),
         configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        test = try await TestServer(clock: clock, configure: configure)
        let audit = StoreAudit()
        self.audit = audit
        let base = test.server
        server = OAuthServer(configuration: base.configuration, stores: audit.wrap(base.stores), clock: base.clock, random: base.random,
                             passwordHasher: base.passwordHasher, logger: base.logger)
    }

    var rows: PersistedRows { audit.rows }
    var clock: ManualClock { test.clock }
    var issuer: String { server.configuration.issuer }

    /// Runs `body` against the audited router: `.router` (no network) or `.live` (HTTP on localhost, with `Date`
    /// headers and a real peer address for RFC 9440 trusted-proxy requests).
    func withFlow<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (FlowDriver) async throws -> Value) async throws -> Value {
        try await Application(router: KuraApplication.router(server: server)).test(setup) { client in
            try await body(FlowDriver(test: test, client: client))
        }
    }

    /// "Nothing half-written is persisted on a rejected request": no row was created since `before`.
    func expectNoRowsCreated(since before: PersistedRows, sourceLocation: SourceLocation = #_sourceLocation) {
        let after = rows
        #expect(after == before, "a rejected request created rows: before [\(before)], after [\(after)]", sourceLocation: sourceLocation)
    }

    /// Mutual TLS on with `fixture`'s CA trusted for `tls_client_auth`, and the loopback peer a trusted TLS-terminating
    /// proxy, so `.live` requests present a client certificate in RFC 9440 `Client-Cert` (see `clientCertHeader`).
    static func mutualTLSBehindProxy(_ fixture: MutualTLSFixture) async throws -> ConformanceServer {
        let ca = try fixture.pki.caCertificate
        let proxies = [try TrustedProxy("127.0.0.1"), try TrustedProxy("::1")]
        // Frozen at the real time, so the development PKI's certificates (valid from an hour ago) validate.
        return try await ConformanceServer(clock: ManualClock(Date())) { configuration in
            configuration.mutualTLS = MutualTLSConfiguration(enabled: true, trustedCertificateAuthorities: [ca], trustedProxies: proxies)
        }
    }
}

/// The RFC 9440 §2.2 `Client-Cert` header a TLS-terminating proxy adds for `certificate`.
func clientCertHeader(_ certificate: DevelopmentClientCertificate) throws -> HTTPFields {
    [ClientCertHeader.certificateField: ":" + Data(try certificate.certificateDER).base64EncodedString() + ":"]
}

// MARK: - Outcomes the conformance suite accepts (FAPI2-CHECKLIST §E.4)

/// A JSON OAuth error (RFC 6749 §5.2): a status of `statuses`, an `error` of `codes`, `error_description` in the §5.2
/// character set, and no credential in the body.
func expectOAuthError(_ response: TestResponse, _ codes: Set<String>, statuses: Set<Int> = [400],
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(statuses.contains(response.status.code), "status \(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(response.headers)", sourceLocation: sourceLocation)
    let code = response.oauthError ?? "(none)"
    #expect(codes.contains(code), "error \(code) is not one of \(codes.sorted()): \(response.bodyText)", sourceLocation: sourceLocation)
    if let description = response.json["error_description"]?.stringValue {
        let allowed = description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" }
        #expect(allowed, "error_description outside RFC 6749 5.2: \(description)", sourceLocation: sourceLocation)
    }
    for credential in ["access_token", "refresh_token", "id_token", "request_uri"] {
        #expect(response.json[credential] == nil, "\(credential) in an error response", sourceLocation: sourceLocation)
    }
}

/// The authorization endpoint refused without redirecting (SP 5.3.2.1-7: no open redirector): an HTML error page with
/// a 4xx status and no `Location`.
func expectErrorPage(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((400..<500).contains(response.status.code), "status \(response.status)", sourceLocation: sourceLocation)
    #expect(response.location == nil, "redirected to \(response.location ?? "")", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, sourceLocation: sourceLocation)
    #expect(response.bodyText.contains("Request not possible"), "\(response.bodyText.prefix(300))", sourceLocation: sourceLocation)
}

/// A 303 to the registered redirect URI (SP 5.3.2.2-11) and its query parameters.
func redirectParameters(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
    try #require(response.status == .seeOther, "no redirect: \(response.status) \(response.bodyText.prefix(300))", sourceLocation: sourceLocation)
    let location = try #require(response.location, sourceLocation: sourceLocation)
    #expect(location.hasPrefix(TestServer.redirectURI + "?"), "\(location)", sourceLocation: sourceLocation)
    return try #require(response.redirectParameters, sourceLocation: sourceLocation)
}

/// The conformance suite's entropy estimate for credentials (`EnsureMinimum…Entropy`): the Shannon entropy of the
/// character distribution times the length, in bits. It must exceed 96.
func estimatedEntropyBits(_ value: String) -> Double {
    let characters = Array(value)
    guard !characters.isEmpty else { return 0 }
    var frequencies: [Character: Int] = [:]
    for c in characters { frequencies[c, default: 0] += 1 }
    let n = Double(characters.count)
    let perCharacter = frequencies.values.reduce(0.0) { sum, count in
        let p = Double(count) / n
        return sum - p * log2(p)
    }
    return perCharacter * n
}

/// A fresh ES256 key for DPoP proofs.
func dpopKey(_ kid: String = "dpop") throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: kid) }

// MARK: - Browser and token helpers

extension FlowDriver {
    /// `GET uri` (an authorization request as the browser sends it), which must show the login page.
    func startInteraction(uri: String) async throws -> Interaction {
        let page = try await get(uri)
        try #require(page.isLoginPage, "authorization endpoint: \(page.status) \(page.bodyText.prefix(300))")
        return Interaction(cookie: try #require(page.sessionCookie), csrf: try #require(page.csrfToken))
    }

    /// Logs the customer in and decides; returns the decision's response (a 303 to the client).
    func finish(_ interaction: Interaction, approve: Bool = true) async throws -> TestResponse {
        let consent = try await login(interaction)
        try #require(consent.isConsentPage, "login did not reach consent: \(consent.bodyText.prefix(300))")
        return try await decide(interaction, approve: approve)
    }

    /// The whole front channel for `requestURI` of `clientID` with the extra query parameters `extra`, approved.
    func authorizationResponse(requestURI: String, clientID: String? = nil, extra: [(String, String)] = []) async throws -> [String: String] {
        let decision = try await finish(try await startInteraction(uri: authorizeURI(requestURI: requestURI, clientID: clientID, extra: extra)))
        return try redirectParameters(decision)
    }

    /// Client authentication (private_key_jwt) and `client_id` for another registered client.
    func assertionParameters(clientID: String, key: JWSSigningKey) throws -> [String: String?] {
        ["client_id": clientID, "client_assertion": try test.clientAssertion(clientID: clientID, key: key)]
    }

    /// A PAR for `clientID` (the test client unless given, authenticated with `key`) changed by `changes`, optionally
    /// with a DPoP proof, then the approved front channel; returns the authorization code.
    func code(clientID: String? = nil, key: JWSSigningKey? = nil, _ changes: [String: String?] = [:],
              dpopKey: JWSSigningKey? = nil) async throws -> String {
        var all = changes
        if let clientID, let key { all.merge(try assertionParameters(clientID: clientID, key: key)) { change, _ in change } }
        let requestURI = try await pushRequest(all, dpopKey: dpopKey)
        return try #require(try await authorizationResponse(requestURI: requestURI, clientID: clientID)["code"])
    }

    /// Token-endpoint parameters redeeming `code` as `clientID` (authenticated with `key`), changed by `changes`.
    func tokenParameters(code: String, clientID: String, key: JWSSigningKey, _ changes: [String: String?] = [:]) throws -> [String: String] {
        var all = try assertionParameters(clientID: clientID, key: key)
        all.merge(changes) { _, change in change }
        return try tokenParameters(code: code, all)
    }

    /// Verifies an ID token (OIDC Core §3.1.3.7; FAPI 2.0 SP §5.4.1-1): signed with a FAPI algorithm by a published key
    /// named by `kid`, `iss` this issuer, `aud` `clientID`, unexpired; returns its claims.
    func verifiedIDToken(_ idToken: String, clientID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: JSONValue] {
        let jws = try CompactJWS.parse(idToken)
        #expect(jws.kid != nil, "ID token without kid", sourceLocation: sourceLocation)
        _ = try jws.verify(with: try await publishedKeys(), allowed: [.ps256, .es256, .edDSA])
        let claims = try jws.payloadObject()
        #expect(claims["iss"]?.stringValue == issuer, sourceLocation: sourceLocation)
        #expect(claims["aud"]?.stringValue == clientID || claims["aud"] == [.string(clientID)], sourceLocation: sourceLocation)
        #expect((claims["exp"]?.intValue ?? 0) > test.clock.now().epochSeconds, sourceLocation: sourceLocation)
        #expect(claims["sub"]?.stringValue == test.userID, sourceLocation: sourceLocation)
        return claims
    }
}

// MARK: - Mutual TLS behind a trusted proxy (RFC 8705, RFC 9440)

extension ConformanceServer {
    /// Registers the `tls_client_auth` client `id` (subject DN of `fixture.issue(cn: id)`), with certificate-bound tokens.
    func registerMutualTLSClient(_ id: String) async throws {
        try await MutualTLSFixture.registerTLSClient(
            test.server, id: id, subject: ["tls_client_auth_subject_dn": .string(MutualTLSFixture.subjectDN(cn: id))],
            extra: ["tls_client_certificate_bound_access_tokens": true])
    }
}

extension FlowDriver {
    /// Form parameters of the mutual-TLS client `clientID`: `client_id` and no client assertion (RFC 8705 §2).
    func mutualTLSParameters(_ form: [String: String], clientID: String) -> [String: String] {
        form.filter { !$0.key.hasPrefix("client_assertion") }.merging(["client_id": clientID]) { _, id in id }
    }

    /// PAR → front channel → code for the mutual-TLS client `clientID`, authenticated by `certificate` (`Client-Cert`).
    func mutualTLSCode(clientID: String, certificate: HTTPFields) async throws -> String {
        let pushed = try await post(OAuthServer.Path.par, form: mutualTLSParameters(try test.parParameters(), clientID: clientID), headers: certificate)
        try #require(pushed.status == .created, "PAR: \(pushed.bodyText)")
        let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
        return try #require(try await authorizationResponse(requestURI: requestURI, clientID: clientID)["code"])
    }
}
