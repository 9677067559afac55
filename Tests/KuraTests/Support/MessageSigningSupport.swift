import AuthorizationServer
import Crypto
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

/// Request objects (JAR, RFC 9101) and JARM responses for the Message Signing and DPoP-nonce suites.
extension TestServer {
    /// Claims of a valid request object for `clientID` (the test client by default) carrying a complete pushed
    /// authorization request; `changes` replace claims, and a nil value removes one.
    func requestObjectClaims(clientID: String? = nil, _ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let now = clock.now().epochSeconds
        let id = clientID ?? self.clientID
        var claims: [String: JSONValue] = [
            "iss": .string(id), "aud": .string(server.configuration.issuer), "client_id": .string(id),
            "nbf": .int(now), "iat": .int(now), "exp": .int(now + 300), "jti": .string(UUID().uuidString),
            "response_type": "code", "redirect_uri": .string(Self.redirectURI), "scope": "openid accounts",
            "state": "inner-state", "nonce": "inner-nonce", "code_challenge": .string(PKCE.challenge(for: Self.verifier)),
            "code_challenge_method": "S256",
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    /// A request object signed with `key` (the test client's by default), `typ` `oauth-authz-req+jwt` unless changed.
    func requestObject(_ claims: [String: JSONValue]? = nil, key: JWSSigningKey? = nil,
                       typ: String? = "oauth-authz-req+jwt") throws -> String {
        try JWT.sign(claims: claims ?? requestObjectClaims(), typ: typ, key: key ?? clientKey)
    }
}

extension FlowDriver {
    /// `POST /par` with client authentication (for `clientID` with `key`), the `request` object and any `outer` form
    /// parameters, optionally with a DPoP proof.
    func parSigned(_ requestObject: String, clientID: String? = nil, key: JWSSigningKey? = nil, outer: [String: String] = [:],
                   dpopKey: JWSSigningKey? = nil) async throws -> TestResponse {
        var form: [String: String] = [
            "client_id": clientID ?? test.clientID, "client_assertion_type": Self.jwtBearer,
            "client_assertion": try test.clientAssertion(clientID: clientID, key: key), "request": requestObject,
        ]
        form.merge(outer) { _, new in new }
        return try await post(OAuthServer.Path.par, form: form, headers: try dpopHeaders(dpopKey, path: OAuthServer.Path.par))
    }

    /// Verifies the JARM `response` of an authorization redirect against the server's published keys and returns its
    /// claims; `#require`s that `response` is the only query parameter (JARM §2.3.1; FAPI 2.0 MS §5.4 NOTE).
    func jarmClaims(_ redirect: TestResponse) async throws -> [String: JSONValue] {
        let parameters = try #require(redirect.redirectParameters, "no redirect: \(redirect.status) \(redirect.bodyText)")
        try #require(Set(parameters.keys) == ["response"], "query parameters besides response: \(parameters.keys.sorted())")
        let jws = try CompactJWS.parse(try #require(parameters["response"]))
        _ = try jws.verify(with: try await publishedKeys(), allowed: [.ps256, .es256, .edDSA])
        return try jws.payloadObject()
    }
}

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256), which FAPI 2.0 forbids and Kura cannot produce: only negative tests need it.
enum RS256 {
    /// Signs `claims` with the RSA key `key` (a PS256 key) under `alg: RS256`.
    static func sign(claims: [String: JSONValue], key: JWSSigningKey, typ: String? = nil) throws -> String {
        var header: [String: JSONValue] = ["alg": "RS256", "kid": .string(key.kid)]
        if let typ { header["typ"] = .string(typ) }
        let input = Base64URL.encode(JSONValue.object(header).jsonData()) + "." + Base64URL.encode(JSONValue.object(claims).jsonData())
        let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: try #require(key.pemPrivateKey))
        let signature = try rsa.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// `alg: none` with an empty signature (RFC 7519 §6.1), which no Kura verifier may accept.
func unsecuredJWT(claims: [String: JSONValue]) -> String {
    Base64URL.encode(JSONValue.object(["alg": "none"]).jsonData()) + "." + Base64URL.encode(JSONValue.object(claims).jsonData()) + "."
}
