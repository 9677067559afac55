import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE
import Testing

/// Client registration rules (RFC 7591 §2, §3.2.2; RFC 8705 §2.1.2; FAPI 2.0 SP §5.3.2.1-2/-3/-6,
/// §5.3.2.2-1/-8, §5.4.1). Every rejection names the offending field at the start of `error_description`.
@Suite("Client metadata validation")
struct ClientMetadataValidatorTests {
    static let esKey = try! JWSSigningKey.generate(.es256, kid: "es-1")
    static let edKey = try! JWSSigningKey.generate(.edDSA, kid: "ed-1")
    let validator = ClientMetadataValidator(acceptedAlgorithms: [.ps256, .es256, .edDSA], supportedScopes: ["openid", "accounts", "transfers"])

    static var esJWK: JSONValue { .object(esKey.publicJWK.publicJSON) }

    /// A hand-built RSA public JWK with a modulus of `bits` bits (top bit set, odd).
    static func rsaJWK(bits: Int, kid: String) -> JSONValue {
        var modulus = [UInt8](repeating: 0xA5, count: bits / 8)
        modulus[0] = 0xC3
        modulus[modulus.count - 1] |= 1
        return ["kty": "RSA", "kid": .string(kid), "n": .string(Base64URL.encode(modulus)), "e": "AQAB"]
    }

    /// Valid private_key_jwt metadata.
    static var valid: [String: JSONValue] {
        ["client_name": "Partner App", "redirect_uris": ["https://partner.example/cb"], "token_endpoint_auth_method": "private_key_jwt",
         "jwks": ["keys": [esJWK]]]
    }

    /// One invalid registration: how it differs from `valid`, the field it must name and the error code.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let code: OAuthErrorCode
        let change: @Sendable (inout [String: JSONValue]) -> Void
        var testDescription: String { name }

        init(_ name: String, field: String, code: OAuthErrorCode = .invalidClientMetadata, _ change: @escaping @Sendable (inout [String: JSONValue]) -> Void) {
            self.name = name
            self.field = field
            self.code = code
            self.change = change
        }
    }

    static let invalidCases: [Case] = [
        Case("http redirect URI", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = ["http://partner.example/cb"] },
        Case("redirect URI with a fragment", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = ["https://partner.example/cb#frag"] },
        Case("relative redirect URI", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = ["/cb"] },
        Case("custom-scheme redirect URI", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = ["com.partner.app:/cb"] },
        Case("one bad redirect URI among good ones", field: "redirect_uris", code: .invalidRedirectURI) {
            $0["redirect_uris"] = ["https://partner.example/cb", "http://partner.example/cb2"]
        },
        Case("no redirect URIs", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = [] },
        Case("redirect_uris missing", field: "redirect_uris", code: .invalidRedirectURI) { $0["redirect_uris"] = nil },
        Case("token_endpoint_auth_method missing", field: "token_endpoint_auth_method") { $0["token_endpoint_auth_method"] = nil },
        Case("client_secret_basic", field: "token_endpoint_auth_method") { $0["token_endpoint_auth_method"] = "client_secret_basic" },
        Case("client_secret_post", field: "token_endpoint_auth_method") { $0["token_endpoint_auth_method"] = "client_secret_post" },
        Case("client_secret_jwt", field: "token_endpoint_auth_method") { $0["token_endpoint_auth_method"] = "client_secret_jwt" },
        Case("none (public client)", field: "token_endpoint_auth_method") { $0["token_endpoint_auth_method"] = "none" },
        Case("missing jwks for private_key_jwt", field: "jwks") { $0["jwks"] = nil },
        Case("missing jwks for self_signed_tls_client_auth", field: "jwks") {
            $0["jwks"] = nil
            $0["token_endpoint_auth_method"] = "self_signed_tls_client_auth"
        },
        Case("empty jwks", field: "jwks") { $0["jwks"] = ["keys": []] },
        Case("jwks without keys member", field: "jwks") { $0["jwks"] = ["key": [Self.esJWK]] },
        Case("jwks and jwks_uri together", field: "jwks") { $0["jwks_uri"] = "https://partner.example/jwks" },
        Case("a private key in jwks", field: "jwks") {
            var jwk = Self.esKey.publicJWK.publicJSON
            jwk["d"] = .string(Base64URL.encode([UInt8](repeating: 7, count: 32)))
            $0["jwks"] = ["keys": [.object(jwk)]]
        },
        Case("duplicate kid in jwks", field: "jwks") {
            $0["jwks"] = ["keys": [Self.esJWK, .object(Self.edKey.publicJWK.publicJSON.merging(["kid": "es-1"]) { _, new in new })]]
        },
        Case("RSA-1024 key", field: "jwks") { $0["jwks"] = ["keys": [Self.rsaJWK(bits: 1024, kid: "rsa-1024")]] },
        Case("RSA-1024 key next to a valid key", field: "jwks") { $0["jwks"] = ["keys": [Self.esJWK, Self.rsaJWK(bits: 1024, kid: "rsa-1024")]] },
        Case("RS256 token_endpoint_auth_signing_alg", field: "token_endpoint_auth_signing_alg") { $0["token_endpoint_auth_signing_alg"] = "RS256" },
        Case("none id_token_signed_response_alg", field: "id_token_signed_response_alg") { $0["id_token_signed_response_alg"] = "none" },
        Case("HS256 request_object_signing_alg", field: "request_object_signing_alg") { $0["request_object_signing_alg"] = "HS256" },
        Case("tls_client_auth with no subject field", field: "tls_client_auth_subject_dn") {
            $0["token_endpoint_auth_method"] = "tls_client_auth"
            $0["jwks"] = nil
        },
        Case("tls_client_auth with two subject fields", field: "tls_client_auth_subject_dn") {
            $0["token_endpoint_auth_method"] = "tls_client_auth"
            $0["tls_client_auth_subject_dn"] = "CN=partner"
            $0["tls_client_auth_san_dns"] = "partner.example"
        },
        Case("tls_client_auth with an empty subject", field: "tls_client_auth_san_dns") {
            $0["token_endpoint_auth_method"] = "tls_client_auth"
            $0["tls_client_auth_san_dns"] = ""
        },
        Case("a TLS subject field on a private_key_jwt client", field: "tls_client_auth_san_dns") { $0["tls_client_auth_san_dns"] = "partner.example" },
        Case("grant_types password", field: "grant_types") { $0["grant_types"] = ["authorization_code", "password"] },
        Case("grant_types implicit", field: "grant_types") { $0["grant_types"] = ["implicit"] },
        Case("empty grant_types", field: "grant_types") { $0["grant_types"] = [] },
        Case("response_types token", field: "response_types") { $0["response_types"] = ["token"] },
        Case("response_types code id_token", field: "response_types") { $0["response_types"] = ["code id_token"] },
        Case("response_types code and token", field: "response_types") { $0["response_types"] = ["code", "token"] },
        Case("unsupported scope", field: "scope") { $0["scope"] = "openid admin" },
        Case("client_name not a string", field: "client_name") { $0["client_name"] = 42 },
    ]

    @Test("Invalid metadata is rejected and the error names the field", arguments: invalidCases)
    func rejected(_ invalid: Case) {
        var metadata = Self.valid
        invalid.change(&metadata)
        do {
            let accepted = try validator.validate(metadata)
            Issue.record("accepted: \(accepted)")
        } catch {
            #expect(error.code == invalid.code)
            let description = error.errorDescription?.value ?? ""
            #expect(description.hasPrefix(invalid.field + ":"), "error_description: \(description)")
        }
    }

    @Test("Valid private_key_jwt metadata passes with grant_types and response_types defaults filled in")
    func validWithDefaults() throws {
        let result = try validator.validate(Self.valid)
        #expect(result["grant_types"] == ["authorization_code"])
        #expect(result["response_types"] == ["code"])
        for (name, value) in Self.valid { #expect(result[name] == value, "\(name) changed") }
    }

    @Test("Explicit supported grant_types, scope and FAPI algorithms are kept")
    func explicitValuesKept() throws {
        var metadata = Self.valid
        metadata["grant_types"] = ["authorization_code", "refresh_token"]
        metadata["scope"] = "openid accounts"
        metadata["token_endpoint_auth_signing_alg"] = "ES256"
        metadata["id_token_signed_response_alg"] = "PS256"
        let result = try validator.validate(metadata)
        #expect(result["grant_types"] == ["authorization_code", "refresh_token"])
        #expect(result["scope"] == "openid accounts")
        #expect(result["token_endpoint_auth_signing_alg"] == "ES256")
    }

    @Test("Ed25519 and RSA-2048 keys are accepted")
    func otherKeyTypes() throws {
        var metadata = Self.valid
        let rsa = try JWSSigningKey.generate(.ps256, kid: "rsa-2048")
        metadata["jwks"] = ["keys": [.object(Self.edKey.publicJWK.publicJSON), .object(rsa.publicJWK.publicJSON)]]
        _ = try validator.validate(metadata)
    }

    @Test("tls_client_auth with exactly one subject field and no jwks is valid (RFC 8705 §2.1.2)",
          arguments: ["tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri", "tls_client_auth_san_ip",
                      "tls_client_auth_san_email"])
    func tlsClientAuth(_ member: String) throws {
        var metadata = Self.valid
        metadata["token_endpoint_auth_method"] = "tls_client_auth"
        metadata["jwks"] = nil
        metadata[member] = "partner"
        let result = try validator.validate(metadata)
        #expect(result[member] == "partner")
    }

    @Test("A key that fits none of the accepted algorithms is rejected for private_key_jwt, naming jwks")
    func keyOutsideAlgorithmPolicy() {
        let psOnly = ClientMetadataValidator(acceptedAlgorithms: [.ps256], supportedScopes: ["openid"])
        do {
            _ = try psOnly.validate(Self.valid)
            Issue.record("accepted an ES256 key under a PS256-only policy")
        } catch {
            #expect(error.errorDescription?.value.hasPrefix("jwks:") == true)
        }
    }
}
