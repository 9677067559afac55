import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Discovery members for signed requests and responses (RFC 9101 §10.5 / OIDC Discovery §3; JARM §4;
/// FAPI2-CHECKLIST §B item 6 and module 1: `response_modes_supported` ∋ `jwt`, the signing algorithm lists hold
/// FAPI algorithms only).
@Suite("Message Signing: discovery metadata")
struct MessageSigningDiscoveryTests {
    func metadata(_ flow: FlowDriver) async throws -> [String: JSONValue] {
        let response = try await flow.get(OAuthServer.Path.openIDConfiguration)
        return try #require(JSONValue.parseObject(response.body.readableBytesView))
    }

    func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test("request objects and JARM are advertised with FAPI algorithms; require_signed_request_object only when required")
    func defaults() async throws {
        try await TestServer().withFlow { flow in
            let d = try await metadata(flow)
            #expect(d["request_parameter_supported"] == true)
            #expect(Set(strings(d["request_object_signing_alg_values_supported"])) == ["ES256", "EdDSA", "PS256"])
            #expect(Set(strings(d["response_modes_supported"])) == ["query", "jwt", "query.jwt"])
            #expect(strings(d["authorization_signing_alg_values_supported"]) == ["ES256"])
            #expect(d["require_signed_request_object"] == nil)
            #expect(d["authorization_response_iss_parameter_supported"] == true)
        }
    }

    @Test("With the server-wide requirement, require_signed_request_object is true; JARM follows the signing algorithm")
    func requiredAndPS256() async throws {
        try await TestServer(configure: {
            $0.features.requireSignedRequestObjects = true
            $0.signingAlgorithm = .ps256
        }).withFlow { flow in
            let d = try await metadata(flow)
            #expect(d["require_signed_request_object"] == true)
            #expect(strings(d["authorization_signing_alg_values_supported"]) == ["PS256"])
        }
    }
}
