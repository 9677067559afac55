import HTTPTypes
import Hummingbird
import OAuthCore

/// Authorization server metadata (RFC 8414 §3; OpenID Connect Discovery 1.0 §3; FAPI 2.0 SP §5.3.2.1-1).
///
/// The same document is served at `/.well-known/openid-configuration` and
/// `/.well-known/oauth-authorization-server`; `issuer` is the configured issuer byte for byte (RFC 8414 §3.3).
struct MetadataEndpoint: Sendable {
    let document: JSONValue

    init(server: OAuthServer) {
        let c = server.configuration
        let algs = JSONValue.array(c.acceptedAlgorithms.map(\.rawValue).sorted().map(JSONValue.string))
        let signing = JSONValue.array([.string(c.signingAlgorithm.rawValue)])
        var d: [String: JSONValue] = [
            "issuer": .string(c.issuer),
            "authorization_endpoint": .string(c.url(OAuthServer.Path.authorize)),
            "token_endpoint": .string(c.url(OAuthServer.Path.token)),
            "jwks_uri": .string(c.url(OAuthServer.Path.jwks)),
            "pushed_authorization_request_endpoint": .string(c.url(OAuthServer.Path.par)),
            "require_pushed_authorization_requests": .bool(c.features.requirePushedAuthorizationRequests),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": algs,
            "dpop_signing_alg_values_supported": algs,
            "authorization_response_iss_parameter_supported": true,
            "scopes_supported": .array(c.scopesSupported.map(JSONValue.string)),
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
        ]
        if c.features.openIDConnect {
            d["subject_types_supported"] = ["public"]
            d["id_token_signing_alg_values_supported"] = signing
            d["acr_values_supported"] = .array([.string(c.login.twoFactorACR)])
            d["claims_supported"] = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "name"]
        }
        document = .object(d)
    }

    func response() -> Response {
        var response = Responses.json(document)
        response.headers[.cacheControl] = "public, max-age=300"
        response.headers[HTTPField.Name("Pragma")!] = nil
        return response
    }
}

/// The server's public keys (RFC 7517 §5 JWK Set at `jwks_uri`; FAPI 2.0 SP §5.4.2).
struct JWKSEndpoint: Sendable {
    let keys: ServerKeyRing

    func response() async throws -> Response {
        var response = Responses.json(.object(try await keys.publishedKeys().publicJSON))
        response.headers[.contentType] = "application/jwk-set+json"
        response.headers[.cacheControl] = "public, max-age=60"
        response.headers[HTTPField.Name("Pragma")!] = nil
        return response
    }
}
