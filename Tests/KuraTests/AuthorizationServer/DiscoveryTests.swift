import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Authorization server metadata and JWKS (RFC 8414 §3; OIDC Discovery §3–4; RFC 9126 §5; RFC 9207 §3;
/// RFC 9449 §5.1; FAPI 2.0 SP §5.3.2.1-1, §5.4; FAPI2-CHECKLIST §B item 6, §E.3 module 1).
@Suite("Discovery metadata and JWKS")
struct DiscoveryTests {
    static let wellKnownPaths = [OAuthServer.Path.openIDConfiguration, OAuthServer.Path.oauthMetadata]
    static let fapiAlgorithms: Set<String> = ["PS256", "ES256", "EdDSA", "Ed25519"]

    func metadata(_ flow: FlowDriver, path: String = OAuthServer.Path.openIDConfiguration,
                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: JSONValue] {
        let response = try await flow.get(path)
        #expect(response.status == .ok, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        return try #require(JSONValue.parseObject(response.body.readableBytesView), sourceLocation: sourceLocation)
    }

    func strings(_ value: JSONValue?) -> [String]? { value?.arrayValue.map { $0.compactMap(\.stringValue) } }

    @Test("Both well-known URLs serve the same metadata document", arguments: wellKnownPaths)
    func wellKnown(_ path: String) async throws {
        try await TestServer().withFlow { flow in
            let document = try await metadata(flow, path: path)
            let reference = try await metadata(flow, path: OAuthServer.Path.openIDConfiguration)
            #expect(document == reference)
            #expect(document["issuer"]?.stringValue == TestServer.issuer)
        }
    }

    @Test("issuer is the configured issuer byte for byte and every endpoint lies under it (RFC 8414 §3.3)",
          arguments: ["https://as.kura.test", "https://as.kura.test/", "https://bank.example/tenant-a"])
    func issuerExact(_ issuer: String) async throws {
        try await TestServer(issuer: issuer).withFlow { flow in
            for path in Self.wellKnownPaths {
                let document = try await metadata(flow, path: path)
                #expect(document["issuer"]?.stringValue.map { Array($0.utf8) } == Array(issuer.utf8))
                let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
                let endpoints: [(String, String)] = [
                    ("authorization_endpoint", OAuthServer.Path.authorize), ("token_endpoint", OAuthServer.Path.token),
                    ("jwks_uri", OAuthServer.Path.jwks), ("pushed_authorization_request_endpoint", OAuthServer.Path.par),
                ]
                for (member, endpointPath) in endpoints {
                    #expect(document[member]?.stringValue == base + endpointPath, "\(member)")
                }
            }
        }
    }

    @Test("Every member the conformance suite checks for private_key_jwt + DPoP + OpenID Connect is present (FAPI2-CHECKLIST B.6)")
    func requiredMembers() async throws {
        try await TestServer().withFlow { flow in
            let d = try await metadata(flow)
            for member in ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "pushed_authorization_request_endpoint"] {
                let value = try #require(d[member]?.stringValue, "\(member)")
                let url = try #require(URLComponents(string: value), "\(member)")
                #expect(url.scheme == "https" && url.host?.isEmpty == false && url.query == nil && url.fragment == nil, "\(member): \(value)")
            }
            #expect(strings(d["response_types_supported"]) == ["code"])
            #expect(strings(d["grant_types_supported"])?.contains("authorization_code") == true)
            #expect(strings(d["grant_types_supported"])?.contains("password") == false)
            #expect(strings(d["grant_types_supported"])?.contains("implicit") == false)
            #expect(strings(d["code_challenge_methods_supported"]) == ["S256"])
            if let require = d["require_pushed_authorization_requests"] { #expect(require.boolValue == true) }
            #expect(d["authorization_response_iss_parameter_supported"]?.boolValue == true)
            let authMethods = try #require(strings(d["token_endpoint_auth_methods_supported"]))
            #expect(authMethods.contains("private_key_jwt"))
            #expect(Set(authMethods).isSubset(of: ["private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth"]), "\(authMethods)")
            for member in ["token_endpoint_auth_signing_alg_values_supported", "dpop_signing_alg_values_supported",
                           "id_token_signing_alg_values_supported"] {
                let algs = try #require(strings(d[member]), "\(member)")
                #expect(!algs.isEmpty, "\(member)")
                // Only FAPI algorithms: RS256, none and HS* must be refused, so they are not advertised (SP 5.4.1-1).
                #expect(Set(algs).isSubset(of: Self.fapiAlgorithms), "\(member): \(algs)")
            }
            let scopes = try #require(strings(d["scopes_supported"]))
            #expect(scopes.contains("openid"))
            #expect(scopes.allSatisfy { Scope.parse($0) == [$0] }, "scopes_supported must be valid scope tokens")
            #expect(strings(d["subject_types_supported"])?.isEmpty == false)
            if let modes = strings(d["response_modes_supported"]) {
                #expect(!modes.contains("fragment") && !modes.contains("form_post"), "\(modes)")
            }
        }
    }

    @Test("Without OpenID Connect, the OIDC members are not advertised")
    func plainOAuthMetadata() async throws {
        try await TestServer(configure: { $0.features.openIDConnect = false }).withFlow { flow in
            let d = try await metadata(flow)
            #expect(d["id_token_signing_alg_values_supported"] == nil)
            #expect(d["issuer"]?.stringValue == TestServer.issuer)
        }
    }

    @Test("JWKS: public keys only, each with a unique kid and a FAPI algorithm (SP 5.4; RFC 7517 §5)")
    func jwks() async throws {
        try await TestServer().withFlow { flow in
            let jwksURI = try #require(try await metadata(flow)["jwks_uri"]?.stringValue)
            #expect(jwksURI == flow.url(OAuthServer.Path.jwks))
            let response = try await flow.get(OAuthServer.Path.jwks)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType].map { $0.hasPrefix("application/jwk-set+json") || $0.hasPrefix("application/json") } == true)
            let document = try #require(JSONValue.parseObject(response.body.readableBytesView))
            let keys = try #require(document["keys"]?.arrayValue?.compactMap { $0.objectValue })
            #expect(!keys.isEmpty)
            var kids = Set<String>()
            for key in keys {
                let kid = try #require(key["kid"]?.stringValue, "every server key has a kid")
                #expect(kids.insert(kid).inserted, "duplicate kid \(kid)")
                #expect(Set(key.keys).isDisjoint(with: JWK.privateMemberNames), "private members in \(kid): \(key.keys.sorted())")
                if let alg = key["alg"]?.stringValue { #expect(Self.fapiAlgorithms.contains(alg)) }
                if let use = key["use"]?.stringValue { #expect(use == "sig") }
            }
            let set = try JWKSet(json: document)
            #expect(set.keys.count == keys.count, "every published key is usable: \(set.ignoredKeys)")
        }
    }

    @Test("After a key rotation the JWKS publishes the new and the retired key")
    func jwksAfterRotation() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let before = try await flow.publishedKeys()
            let newKID = try await test.server.keys.rotate()
            let after = try await flow.publishedKeys()
            #expect(after.keys.count == before.keys.count + 1)
            #expect(after.keys(withKID: newKID).count == 1)
            for key in before.keys { #expect(after.keys.contains(key)) }
        }
    }
}
