import AuthorizationServer
import OAuthCore
import OAuthJOSE
import Testing

/// Response-signing algorithms and boolean members in client metadata: refused at registration when the server
/// cannot honour them, instead of failing every later request (RFC 7591 §3.2.2 invalid_client_metadata).
@Suite("Client metadata: response signing and booleans")
struct ClientMetadataResponseSigningTests {
    let validator = ClientMetadataValidator(configuration: ServerConfiguration(issuer: "https://as.example", signingAlgorithm: .es256))

    func metadata(_ extra: [String: JSONValue]) throws -> [String: JSONValue] {
        let key = try JWSSigningKey.generate(.es256, kid: "k1")
        var m: [String: JSONValue] = ["redirect_uris": ["https://client.example/cb"], "token_endpoint_auth_method": "private_key_jwt",
                                      "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON)]
        m.merge(extra) { _, new in new }
        return m
    }

    @Test("A response-signing alg other than the server's signing alg is refused, naming the field",
          arguments: ["id_token_signed_response_alg", "authorization_signed_response_alg", "introspection_signed_response_alg",
                      "userinfo_signed_response_alg"])
    func responseSigningMustMatchServer(field: String) throws {
        #expect(throws: OAuthError(.invalidClientMetadata)) { try validator.validate(try metadata([field: "PS256"])) }
        do { _ = try validator.validate(try metadata([field: "PS256"])) } catch let error as OAuthError {
            #expect(error.errorDescription?.value.hasPrefix(field) == true)
        }
        #expect(try validator.validate(try metadata([field: "ES256"]))[field] == "ES256")
    }

    @Test("A client's own signing algorithms (assertions, request objects) may be any FAPI algorithm")
    func clientSigningAlgorithmsAreFree() throws {
        _ = try validator.validate(try metadata(["token_endpoint_auth_signing_alg": "EdDSA", "request_object_signing_alg": "PS256"]))
    }

    @Test("Boolean members must be booleans", arguments: ["require_signed_request_object", "tls_client_certificate_bound_access_tokens",
                                                          "dpop_bound_access_tokens"])
    func booleans(field: String) throws {
        #expect(throws: OAuthError(.invalidClientMetadata)) { try validator.validate(try metadata([field: "true"])) }
        _ = try validator.validate(try metadata([field: true]))
    }

    @Test("DPoP-bound and certificate-bound access tokens cannot both be required")
    func bindingsExclusive() throws {
        #expect(throws: OAuthError(.invalidClientMetadata)) {
            try validator.validate(try metadata(["dpop_bound_access_tokens": true, "tls_client_certificate_bound_access_tokens": true]))
        }
    }
}
