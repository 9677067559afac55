import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Discovery members of the grants and token endpoints (RFC 8414 §2; OIDC Discovery §3; RFC 9701 §7).
@Suite("Discovery: refresh, client_credentials, revocation, introspection, userinfo")
struct TokenEndpointsDiscoveryTests {
    func document(_ test: TestServer) async throws -> [String: JSONValue] {
        try await test.withFlow { flow in
            let response = try await flow.get(OAuthServer.Path.openIDConfiguration)
            try #require(response.status == .ok)
            return response.json
        }
    }

    func strings(_ value: JSONValue?) -> [String]? { value?.arrayValue?.compactMap(\.stringValue) }

    @Test("Endpoints, grant types, client authentication like the token endpoint's, and the introspection signing algorithm")
    func members() async throws {
        let test = try await TestServer { $0.signingAlgorithm = .ps256 }
        let d = try await document(test)
        #expect(d["revocation_endpoint"]?.stringValue == TestServer.issuer + OAuthServer.Path.revocation)
        #expect(d["introspection_endpoint"]?.stringValue == TestServer.issuer + OAuthServer.Path.introspection)
        #expect(d["userinfo_endpoint"]?.stringValue == TestServer.issuer + OAuthServer.Path.userinfo)
        #expect(Set(strings(d["grant_types_supported"]) ?? []) == ["authorization_code", "refresh_token", "client_credentials"])
        for endpoint in ["revocation_endpoint", "introspection_endpoint"] {
            #expect(d[endpoint + "_auth_methods_supported"] != nil)
            #expect(d[endpoint + "_auth_methods_supported"] == d["token_endpoint_auth_methods_supported"])
            #expect(d[endpoint + "_auth_signing_alg_values_supported"] == d["token_endpoint_auth_signing_alg_values_supported"])
        }
        #expect(strings(d["introspection_signing_alg_values_supported"]) == ["PS256"])
    }

    @Test("Without OpenID Connect there is no userinfo_endpoint")
    func noUserInfoWithoutOpenID() async throws {
        let d = try await document(try await TestServer { $0.features.openIDConnect = false })
        #expect(d["userinfo_endpoint"] == nil)
        #expect(d["introspection_endpoint"] != nil)
    }
}
