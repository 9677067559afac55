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
            // JARM §4: the JWT response modes Kura issues (FAPI 2.0 Message Signing §5.4).
            "response_modes_supported": ["query", "jwt", "query.jwt"],
            "authorization_signing_alg_values_supported": signing,
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": algs,
            "dpop_signing_alg_values_supported": algs,
            "authorization_response_iss_parameter_supported": true,
            "scopes_supported": .array(c.scopesSupported.map(JSONValue.string)),
            "claims_parameter_supported": false,
            // RFC 9101 §10.5 / OIDC Discovery §3: signed request objects at PAR (FAPI 2.0 Message Signing §5.3).
            "request_parameter_supported": true,
            "request_object_signing_alg_values_supported": algs,
            "request_uri_parameter_supported": false,
        ]
        if c.features.requireSignedRequestObjects { d["require_signed_request_object"] = true } // RFC 9101 §10.5
        if let types = server.authorizationDetails?.supportedTypes { // RFC 9396 §10
            d["authorization_details_types_supported"] = .array(types.map(JSONValue.string))
        }
        if c.features.openIDConnect {
            d["subject_types_supported"] = ["public"]
            d["id_token_signing_alg_values_supported"] = signing
            d["acr_values_supported"] = .array([.string(c.login.twoFactorACR)])
            d["claims_supported"] = ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "name"]
            d["userinfo_endpoint"] = .string(c.url(OAuthServer.Path.userinfo)) // OIDC Discovery §3
        }
        if c.mutualTLS.enabled {
            // RFC 8705 §2.1.1/§2.2.1 methods (tls_client_auth only with a trusted CA to validate against) and §3.3.
            let pki: [JSONValue] = c.mutualTLS.supportsPKIClientAuthentication ? ["tls_client_auth"] : []
            d["token_endpoint_auth_methods_supported"] = .array(["private_key_jwt"] + pki + ["self_signed_tls_client_auth"])
            d["tls_client_certificate_bound_access_tokens"] = true
        }
        if c.registration.isEnabled { d["registration_endpoint"] = .string(c.url(OAuthServer.Path.registration)) } // RFC 8414 §2
        // RFC 7009 §2 / RFC 7662 §2.1: the same client authentication as the token endpoint (RFC 8414 §2, copied last so
        // it follows whatever the token endpoint advertises); RFC 9701 §7: the introspection response algorithm.
        d["revocation_endpoint"] = .string(c.url(OAuthServer.Path.revocation))
        d["introspection_endpoint"] = .string(c.url(OAuthServer.Path.introspection))
        for endpoint in ["revocation_endpoint", "introspection_endpoint"] {
            d[endpoint + "_auth_methods_supported"] = d["token_endpoint_auth_methods_supported"]
            d[endpoint + "_auth_signing_alg_values_supported"] = d["token_endpoint_auth_signing_alg_values_supported"]
        }
        d["introspection_signing_alg_values_supported"] = signing
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
