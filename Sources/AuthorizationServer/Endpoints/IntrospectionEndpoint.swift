import Foundation
import Hummingbird
import OAuthCore
import OAuthJOSE

/// OAuth 2.0 token introspection (RFC 7662 §2), with JWT responses (RFC 9701; FAPI 2.0 MS §5.5.1-1).
///
/// Steps: parse the form → authenticate the caller (RFC 7662 §2.1: "MUST also require some form of authorization";
/// the token endpoint's methods) → `token` required → load the token by hash → decide whether it is active for this
/// caller → JSON, or a signed JWT when the caller asks for `application/token-introspection+jwt`.
///
/// Who may introspect what (MS §6.2: a resource server must not be confused with a regular client; RFC 7662 §4):
/// - a client listed in `ServerConfiguration.resourceServerClientIDs` may introspect access tokens of any client;
/// - every client may introspect the tokens issued to itself;
/// - refresh tokens are introspected only by their own client (a resource server never receives one).
/// Anything else gets `{"active": false}`, exactly as an unknown, expired or revoked token does (§2.2), so the answer
/// reveals nothing about other clients' tokens.
struct IntrospectionEndpoint: Sendable {
    let server: OAuthServer

    /// RFC 9701 §4.1, §5: the media type of a JWT introspection response.
    static let jwtMediaType = "application/token-introspection+jwt"

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let form = try await request.formParameters()
        let caller = try await AuthenticateClient(server: server)(form, certificate: context.clientCertificate).client
        let token = try form.required("token")
        var members: [String: JSONValue] = ["active": false]
        if let record = try await server.stores.tokens.find(tokenHash: CredentialHash.of(token)),
           mayIntrospect(record, caller: caller), try await isActive(record) {
            members = activeMembers(record)
        }
        guard Self.acceptsJWT(request.headerValues("Accept")) else { return Responses.json(.object(members)) }
        return Responses.jwt(try await signedResponse(members, caller: caller), contentType: Self.jwtMediaType)
    }

    // MARK: - Steps

    /// The access rule above.
    private func mayIntrospect(_ record: TokenRecord, caller: Client) -> Bool {
        if record.clientID == caller.id { return true }
        return record.kind == .accessToken && server.configuration.resourceServerClientIDs.contains(caller.id)
    }

    /// Unrevoked, unexpired, and its grant (if any) still stands and has not expired.
    private func isActive(_ record: TokenRecord) async throws -> Bool {
        let now = server.clock.now()
        guard record.revokedAt == nil, record.expiresAt > now else { return false }
        guard let grantID = record.grantID else { return true }
        guard let grant = try await server.stores.grants.find(id: grantID), grant.revokedAt == nil else { return false }
        return grant.expiresAt.map { $0 > now } ?? true
    }

    /// RFC 7662 §2.2 members, with `cnf` (RFC 9449 §6.2, RFC 8705 §3.2), `authorization_details` (RFC 9396 §9.2) and
    /// `acr`/`auth_time` (RFC 9470 §6). Refresh tokens have no RFC 6749 §5.1 `token_type` and no `jti`, so they carry
    /// neither; an access token's `jti` and `aud` are those of its JWT.
    private func activeMembers(_ record: TokenRecord) -> [String: JSONValue] {
        let issuer = server.configuration.issuer
        var m: [String: JSONValue] = [
            "active": true, "scope": .string(Scope.format(record.scope)), "client_id": .string(record.clientID),
            "sub": .string(record.userID ?? record.clientID), "iss": .string(issuer),
            "iat": .int(record.issuedAt.epochSeconds), "exp": .int(record.expiresAt.epochSeconds),
        ]
        if record.kind == .accessToken {
            m["token_type"] = .string(record.confirmation["jkt"] != nil ? "DPoP" : "Bearer")
            m["jti"] = .string(record.tokenID)
            m["aud"] = .string(issuer)
        }
        if !record.confirmation.isEmpty { m["cnf"] = .object(record.confirmation.mapValues(JSONValue.string)) }
        if let details = record.authorizationDetails { m["authorization_details"] = details }
        if let acr = record.acr { m["acr"] = .string(acr) }
        if let authTime = record.authTime { m["auth_time"] = .int(authTime.epochSeconds) }
        return m
    }

    /// RFC 9701 §5: a JWS with `typ` `token-introspection+jwt` and the claims `iss`, `aud` (the caller), `iat` and
    /// `token_introspection`; no top-level `sub` or `exp`, so it cannot pass for an access token. Signed with the
    /// client's `introspection_signed_response_alg` (RFC 9701 §6) if it registered one, else the server's algorithm:
    /// always a FAPI algorithm, never RS256 (RFC 9701's default), which Kura cannot even name.
    private func signedResponse(_ members: [String: JSONValue], caller: Client) async throws -> String {
        let key = try await server.keys.signingKey()
        if let registered = caller.metadata["introspection_signed_response_alg"]?.stringValue, registered != key.alg.rawValue {
            throw OAuthError(.invalidRequest, "This server signs introspection responses with \(key.alg.rawValue) only",
                             detail: "client \(caller.id) registered introspection_signed_response_alg \(registered)")
        }
        let claims: [String: JSONValue] = [
            "iss": .string(server.configuration.issuer), "aud": .string(caller.id), "iat": .int(server.clock.now().epochSeconds),
            "token_introspection": .object(members),
        ]
        return try JWT.sign(claims: claims, typ: "token-introspection+jwt", key: key)
    }

    /// Whether an `Accept` header lists `application/token-introspection+jwt` with a non-zero quality (RFC 9110 §12.5.1).
    static func acceptsJWT(_ accept: [String]) -> Bool {
        for range in accept.flatMap({ $0.split(separator: ",") }) {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == jwtMediaType else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return true }
        }
        return false
    }
}
