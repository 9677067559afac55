import Foundation
import OAuthCore
import OAuthJOSE

/// Validates RFC 7591 §2 client metadata against the FAPI 2.0 Security Profile before a client is stored
/// (`kura clients add`, dynamic registration). Every error names the offending field.
///
/// - FAPI 2.0 SP §5.3.2.1-3: confidential clients only; §5.3.2.1-6: `private_key_jwt` or MTLS.
/// - SP §5.3.2.2-8: no `http` redirect URIs; RFC 6749 §3.1.2: absolute, no fragment.
/// - SP §5.4.1: PS256/ES256/EdDSA only; RSA ≥ 2048 bits, EC ≥ 224 bits (enforced by `JWK`) for every registered key:
///   a key `JWKSet` would skip (e.g. RSA-1024 next to a good key) is refused, not silently dropped.
public struct ClientMetadataValidator: Sendable {
    public let acceptedAlgorithms: Set<JWSAlgorithm>
    public let supportedScopes: Set<String>
    static let supportedGrantTypes: Set<String> = ["authorization_code", "refresh_token", "client_credentials"]
    static let subjectMembers = ["tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
                                 "tls_client_auth_san_ip", "tls_client_auth_san_email"]
    /// Client information the server issues (RFC 7591 §3.2.1, RFC 7592 §3): a client sending one (RFC 7592 §2.2 "MUST
    /// NOT") would otherwise have it stored and echoed as metadata. Kura issues no `client_secret` at all (SP §5.3.2.1-6).
    static let serverIssuedMembers = ["client_secret", "client_secret_expires_at", "client_id_issued_at",
                                      "registration_access_token", "registration_client_uri"]

    /// The algorithm the server signs ID tokens, JARM responses and introspection responses with; a client asking
    /// for another one for those is refused at registration rather than failing on every later request. Nil: unchecked.
    public let serverSigningAlgorithm: JWSAlgorithm?
    /// Client metadata members that ask the server to sign a response with a particular algorithm.
    static let responseSigningMembers = ["id_token_signed_response_alg", "authorization_signed_response_alg",
                                         "introspection_signed_response_alg", "userinfo_signed_response_alg"]
    /// Boolean client metadata members (RFC 9101 §10.5, RFC 8705 §3.4, RFC 9449 §5.2), and Kura's
    /// `require_http_message_signatures`: the bank API demands an RFC 9421 signature on every request of the client
    /// (FAPI 2.0 HTTP Signatures).
    static let booleanMembers = ["require_signed_request_object", "tls_client_certificate_bound_access_tokens",
                                 "dpop_bound_access_tokens", "require_http_message_signatures"]

    public init(acceptedAlgorithms: Set<JWSAlgorithm>, supportedScopes: Set<String>, serverSigningAlgorithm: JWSAlgorithm? = nil) {
        self.acceptedAlgorithms = acceptedAlgorithms
        self.supportedScopes = supportedScopes
        self.serverSigningAlgorithm = serverSigningAlgorithm
    }

    /// The validator every registration path uses (`kura clients add`, the demo, RFC 7591 registration), so they
    /// accept exactly the same metadata.
    public init(configuration: ServerConfiguration) {
        self.init(acceptedAlgorithms: configuration.acceptedAlgorithms, supportedScopes: Set(configuration.scopesSupported),
                  serverSigningAlgorithm: configuration.signingAlgorithm)
    }

    /// Returns the metadata normalised (defaults filled in) or throws `invalid_client_metadata` /
    /// `invalid_redirect_uri` (RFC 7591 §3.2.2) naming the field.
    public func validate(_ input: [String: JSONValue]) throws(OAuthError) -> [String: JSONValue] {
        var m = input
        if let issued = Self.serverIssuedMembers.first(where: { m[$0] != nil }) {
            throw Self.invalid(issued, "is issued by the server, never registered (RFC 7591 3.2.1, RFC 7592 2.2)")
        }
        let method = try authenticationMethod(m)
        try checkRedirectURIs(m)
        try checkKeys(m, method: method)
        try checkTLSSubject(m, method: method)
        m["grant_types"] = .array(try grantTypes(m).map(JSONValue.string))
        m["response_types"] = try responseTypes(m)
        if let scope = m["scope"] {
            guard let s = scope.stringValue, let scopes = Scope.parse(s), !scopes.isEmpty else { throw Self.invalid("scope", "must be a space-separated list of scope values") }
            let unknown = Set(scopes).subtracting(supportedScopes)
            guard unknown.isEmpty else { throw Self.invalid("scope", "unsupported scope '\(unknown.sorted()[0])'") }
        }
        try checkAlgorithms(m)
        // RFC 9396 §10: the authorization_details types the client uses; enforced at PAR (ParseAuthorizationDetails).
        if let types = m["authorization_details_types"],
           types.arrayValue?.allSatisfy({ ($0.stringValue?.isEmpty) == false }) != true {
            throw Self.invalid("authorization_details_types", "must be an array of type names")
        }
        if let name = m["client_name"], name.stringValue == nil { throw Self.invalid("client_name", "must be a string") }
        for member in Self.booleanMembers where m[member] != nil && m[member]?.boolValue == nil {
            throw Self.invalid(member, "must be a boolean")
        }
        if m["dpop_bound_access_tokens"]?.boolValue == true, m["tls_client_certificate_bound_access_tokens"]?.boolValue == true {
            throw Self.invalid("dpop_bound_access_tokens", "cannot be combined with tls_client_certificate_bound_access_tokens")
        }
        return m
    }

    /// SP §5.4.1-1: only PS256, ES256 and EdDSA; response-signing algorithms must be the server's own.
    func checkAlgorithms(_ m: [String: JSONValue]) throws(OAuthError) {
        for field in ["token_endpoint_auth_signing_alg", "request_object_signing_alg"] + Self.responseSigningMembers {
            guard let v = m[field] else { continue }
            guard let alg = v.stringValue.flatMap(JWSAlgorithm.init(rawValue:)), acceptedAlgorithms.contains(alg) else {
                throw Self.invalid(field, "must be one of \(acceptedAlgorithms.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            if Self.responseSigningMembers.contains(field), let server = serverSigningAlgorithm, alg != server {
                throw Self.invalid(field, "this server signs with \(server.rawValue)")
            }
        }
    }

    func authenticationMethod(_ m: [String: JSONValue]) throws(OAuthError) -> ClientAuthenticationMethod {
        guard let raw = m["token_endpoint_auth_method"]?.stringValue else {
            throw Self.invalid("token_endpoint_auth_method", "is required: private_key_jwt, tls_client_auth or self_signed_tls_client_auth")
        }
        guard let method = ClientAuthenticationMethod(rawValue: raw) else {
            throw Self.invalid("token_endpoint_auth_method", "'\(raw)' is not allowed by FAPI 2.0; use private_key_jwt, tls_client_auth or self_signed_tls_client_auth")
        }
        return method
    }

    func checkRedirectURIs(_ m: [String: JSONValue]) throws(OAuthError) {
        guard let list = m["redirect_uris"]?.arrayValue, !list.isEmpty else {
            throw OAuthError(.invalidRedirectURI, "redirect_uris: at least one redirect URI is required")
        }
        for value in list {
            guard let uri = value.stringValue, let url = URLComponents(string: uri), url.host?.isEmpty == false else {
                throw OAuthError(.invalidRedirectURI, "redirect_uris: each entry must be an absolute URI")
            }
            guard url.scheme == "https" else {
                throw OAuthError(.invalidRedirectURI, "redirect_uris: '\(uri)' must use https (FAPI 2.0 SP 5.3.2.2-8)")
            }
            guard url.fragment == nil else {
                throw OAuthError(.invalidRedirectURI, "redirect_uris: '\(uri)' must not contain a fragment (RFC 6749 3.1.2)")
            }
        }
    }

    func checkKeys(_ m: [String: JSONValue], method: ClientAuthenticationMethod) throws(OAuthError) {
        if m["jwks_uri"] != nil && m["jwks"] != nil { throw Self.invalid("jwks", "jwks and jwks_uri must not both be present (RFC 7591 2)") }
        if let uri = m["jwks_uri"] {
            guard let text = uri.stringValue, let url = URLComponents(string: text), url.scheme == "https", url.host?.isEmpty == false,
                  url.fragment == nil
            else { throw Self.invalid("jwks_uri", "must be an absolute https URL (FAPI 2.0 SP 5.4.2)") }
            return
        }
        guard let jwksJSON = m["jwks"]?.objectValue else {
            if method == .tlsClientAuth { return }
            throw Self.invalid("jwks", "is required for \(method.rawValue)")
        }
        let set: JWKSet
        do { set = try JWKSet(json: jwksJSON) } catch { throw Self.invalid("jwks", "\(error)") }
        // `JWKSet` skips keys it cannot use (RFC 7517 §5 "SHOULD ignore"), which is right when reading a set but
        // would let a registration carry e.g. an RSA-1024 key next to a good one. SP §5.4.1-2 ("RSA keys shall have
        // a minimum length of 2048 bits") is about every registered key, so registration refuses them.
        if let skipped = set.ignoredKeys.first { throw Self.invalid("jwks", "a key is not acceptable: \(skipped.reason)") }
        guard !set.keys.isEmpty else { throw Self.invalid("jwks", "must contain at least one key") }
        var kids = Set<String>()
        for key in set.keys {
            guard !key.hasPrivateMembers else { throw Self.invalid("jwks", "must contain public keys only") }
            if let kid = key.kid, !kids.insert(kid).inserted { throw Self.invalid("jwks", "duplicate kid '\(kid)'") }
            if method == .privateKeyJWT, !acceptedAlgorithms.contains(where: key.canVerify) {
                throw Self.invalid("jwks", "key \(key.kid ?? "(no kid)") fits none of the allowed algorithms")
            }
        }
    }

    /// RFC 8705 §2.1.2: a `tls_client_auth` client registers exactly one subject member.
    func checkTLSSubject(_ m: [String: JSONValue], method: ClientAuthenticationMethod) throws(OAuthError) {
        let present = Self.subjectMembers.filter { m[$0] != nil }
        switch method {
        case .tlsClientAuth:
            guard present.count == 1 else {
                throw Self.invalid("tls_client_auth_subject_dn", "tls_client_auth requires exactly one of \(Self.subjectMembers.joined(separator: ", "))")
            }
            guard m[present[0]]?.stringValue?.isEmpty == false else { throw Self.invalid(present[0], "must be a non-empty string") }
        case .privateKeyJWT, .selfSignedTLSClientAuth:
            if let first = present.first { throw Self.invalid(first, "applies only to tls_client_auth") }
        }
    }

    func grantTypes(_ m: [String: JSONValue]) throws(OAuthError) -> [String] {
        guard let value = m["grant_types"] else { return ["authorization_code"] }
        guard let list = value.arrayValue?.compactMap(\.stringValue), !list.isEmpty else { throw Self.invalid("grant_types", "must be a non-empty array of strings") }
        for g in list where !Self.supportedGrantTypes.contains(g) {
            throw Self.invalid("grant_types", "'\(g)' is not supported (FAPI 2.0 SP 5.3.2.1-2 forbids password; implicit is excluded)")
        }
        return list
    }

    func responseTypes(_ m: [String: JSONValue]) throws(OAuthError) -> JSONValue {
        guard let value = m["response_types"] else { return ["code"] }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list == ["code"] else {
            throw Self.invalid("response_types", "must be [\"code\"] (FAPI 2.0 SP 5.3.2.2-1)")
        }
        return value
    }

    static func invalid(_ field: String, _ message: String) -> OAuthError {
        OAuthError(.invalidClientMetadata, "\(field): \(message)")
    }
}
