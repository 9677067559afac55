import Foundation
import OAuthCore

/// Authorization server metadata (RFC 8414 §2; OpenID Connect Discovery 1.0 §3), as read from
/// `{issuer}/.well-known/openid-configuration`.
public struct ServerMetadata: Sendable, Hashable, Decodable {
    public var issuer: String
    public var authorizationEndpoint: URL
    public var tokenEndpoint: URL
    /// RFC 9126 §5.
    public var pushedAuthorizationRequestEndpoint: URL?
    public var jwksURI: URL?
    public var userinfoEndpoint: URL?
    public var revocationEndpoint: URL?
    public var introspectionEndpoint: URL?
    public var scopesSupported: [String]?
    public var responseTypesSupported: [String]?
    public var grantTypesSupported: [String]?
    public var codeChallengeMethodsSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]?
    public var idTokenSigningAlgValuesSupported: [String]?
    /// RFC 9449 §5.1.
    public var dpopSigningAlgValuesSupported: [String]?
    /// RFC 9126 §5.
    public var requirePushedAuthorizationRequests: Bool?
    /// RFC 9207 §3.
    public var authorizationResponseIssParameterSupported: Bool?
    /// RFC 8705 §3.3.
    public var tlsClientCertificateBoundAccessTokens: Bool?
    /// RFC 8705 §5: endpoints to use instead when authenticating with a client certificate.
    public var mtlsEndpointAliases: [String: URL]?
    /// RFC 9396 §10.
    public var authorizationDetailsTypesSupported: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case pushedAuthorizationRequestEndpoint = "pushed_authorization_request_endpoint"
        case jwksURI = "jwks_uri"
        case userinfoEndpoint = "userinfo_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case introspectionEndpoint = "introspection_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case grantTypesSupported = "grant_types_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case tlsClientCertificateBoundAccessTokens = "tls_client_certificate_bound_access_tokens"
        case mtlsEndpointAliases = "mtls_endpoint_aliases"
        case authorizationDetailsTypesSupported = "authorization_details_types_supported"
    }

    /// The well-known URL for `issuer`: `{issuer}/.well-known/openid-configuration` with any trailing `/` of the
    /// issuer removed first (OIDC Discovery §4.1).
    public static func discoveryURL(for issuer: URL) -> URL {
        var base = issuer.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/.well-known/openid-configuration")!
    }

    /// Decodes a discovery document and checks its `issuer` is exactly `expectedIssuer` (RFC 8414 §3.3: "MUST be
    /// identical to the issuer identifier value into which the well-known URI string was inserted").
    public static func decode(_ data: Data, expectedIssuer: String) throws -> ServerMetadata {
        let metadata: ServerMetadata
        do {
            metadata = try JSONDecoder().decode(ServerMetadata.self, from: data)
        } catch {
            throw KuraClientError.unexpectedResponse(status: 200, body: "discovery document: \(error)")
        }
        guard metadata.issuer == expectedIssuer else {
            throw KuraClientError.issuerMismatch(expected: expectedIssuer, actual: metadata.issuer)
        }
        return metadata
    }

    /// The endpoint to call: the RFC 8705 §5 alias when the client uses a certificate and one is published.
    /// - Parameter member: the metadata member name, e.g. `token_endpoint`.
    public func endpoint(named member: String, default url: URL, mutualTLS: Bool) -> URL {
        guard mutualTLS, let alias = mtlsEndpointAliases?[member] else { return url }
        return alias
    }
}
