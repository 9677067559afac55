import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The pushed authorization request endpoint (RFC 9126 §2; FAPI 2.0 SP §5.3.2.2): the conformance modules of
/// FAPI2-CHECKLIST §E.3 whose request Kura refuses (or accepts) at PAR. Kura validates the whole request at PAR, so
/// nothing is ever redirected for these: the JSON error goes to the authenticated client and no request_uri exists.
///
/// Modules in both plans run unsigned (`fapi2-security-profile-final-test-plan`) and, where the request content is
/// what is tested, also as a signed request object (`fapi2-message-signing-final-test-plan`).
@Suite("Conformance modules: pushed authorization requests")
struct ConformancePARModuleTests {
    static let requestCodes: Set<String> = ["invalid_request", "invalid_request_object"]
    static let responseTypeCodes: Set<String> = ["unsupported_response_type", "invalid_request", "unauthorized_client"]

    /// Pushes the standard request changed by `changes`, unsigned and (unless `signed` is false) as a signed request
    /// object; each must be refused with a 4xx of `statuses` and one of `codes`, and no pushed request may be stored.
    func expectRefused(_ changes: [String: String?], codes: Set<String>, statuses: Set<Int> = [400], signed: Bool = true,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let before = conformance.rows
            expectOAuthError(try await flow.par(changes), codes, statuses: statuses, sourceLocation: sourceLocation)
            if signed {
                var claims = flow.test.requestObjectClaims()
                for (name, value) in changes { claims[name] = value.map(JSONValue.string) }
                let response = try await flow.parSigned(try flow.test.requestObject(claims))
                expectOAuthError(response, codes, statuses: statuses, sourceLocation: sourceLocation)
            }
            conformance.expectNoRowsCreated(since: before, sourceLocation: sourceLocation)
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-without-redirect-uri-fails: no redirect_uri, unsigned or in the request object → PAR 400 invalid_request or invalid_request_object, nothing stored")
    func requestObjectWithoutRedirectURI() async throws {
        try await expectRefused(["redirect_uri": nil], codes: Self.requestCodes)
    }

    @Test("fapi2-security-profile-final-ensure-registered-redirect-uri: (a non-plain_fapi module; Kura refuses for every profile) an unregistered redirect_uri → PAR 400 invalid_request or invalid_request_object, nothing stored, never a redirect")
    func registeredRedirectURI() async throws {
        try await expectRefused(["redirect_uri": "https://attacker.example/cb"], codes: Self.requestCodes)
    }

    @Test("fapi2-security-profile-final-plain-fapi-tolerate-unregistered-redirect-uri: Kura takes the refusal the module allows (RFC 9126 2.4 MAY): PAR 400 invalid_request, nothing stored")
    func unregisteredRedirectURIPlainFAPI() async throws {
        try await expectRefused(["redirect_uri": TestServer.redirectURI + "/unregistered"], codes: Self.requestCodes)
    }

    @Test("fapi2-security-profile-final-ensure-redirect-uri-in-authorization-request: a pushed request without redirect_uri, although one URI is registered → PAR 400 invalid_request, nothing stored (SP 5.3.2.2-6)")
    func redirectURIRequired() async throws {
        try await expectRefused(["redirect_uri": nil], codes: Self.requestCodes, signed: false)
    }

    @Test("fapi2-security-profile-final-ensure-response-type-code-idtoken-fails: response_type code id_token → PAR 4xx unsupported_response_type, invalid_request or unauthorized_client, nothing stored")
    func responseTypeCodeIDToken() async throws {
        try await expectRefused(["response_type": "code id_token"], codes: Self.responseTypeCodes, statuses: Set(400..<500))
    }

    @Test("fapi2-security-profile-final-ensure-response-type-token-fails: response_type token → PAR 4xx unsupported_response_type, invalid_request or unauthorized_client, nothing stored")
    func responseTypeToken() async throws {
        try await expectRefused(["response_type": "token"], codes: Self.responseTypeCodes, statuses: Set(400..<500))
    }

    @Test("fapi2-security-profile-final-australia-connectid-ensure-invalid-purpose-fails: not applicable (connectid_au only); Kura has no purpose parameter and ignores it as an unknown parameter (RFC 6749 3.1)")
    func connectIDPurpose() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let response = try await flow.par(["purpose": String(repeating: "p", count: 400)])
            #expect(response.status == .created, "\(response.bodyText)")
            let requestURI = try #require(response.json["request_uri"]?.stringValue)
            #expect(try await flow.authorizationResponse(requestURI: requestURI)["code"] != nil)
        }
    }

    @Test("fapi2-security-profile-final-par-authorization-request-containing-request_uri-form-param: request_uri in the PAR body → 400 invalid_request, invalid_request_object or request_uri_not_supported, nothing stored")
    func requestURIFormParameter() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let before = conformance.rows
            let codes: Set<String> = ["invalid_request", "invalid_request_object", "request_uri_not_supported"]
            let requestURI = "urn:ietf:params:oauth:request_uri:abc"
            expectOAuthError(try await flow.par(["request_uri": requestURI]), codes)
            expectOAuthError(try await flow.parSigned(try flow.test.requestObject(), outer: ["request_uri": requestURI]), codes)
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-par-attempt-invalid-http-method: GET to the PAR endpoint → 405 (any 4xx/5xx passes), nothing stored")
    func getToPAR() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let before = conformance.rows
            let query = FormParameters.encode(try flow.test.parParameters().sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            let response = try await flow.get(OAuthServer.Path.par + "?" + query)
            #expect(response.status.code == 405, "\(response.status)")
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-par-ensure-pkce-required: no code_challenge, unsigned or in the request object → PAR 400 invalid_request, nothing stored (SP 5.3.2.2-5)")
    func pkceRequired() async throws {
        try await expectRefused(["code_challenge": nil, "code_challenge_method": nil], codes: ["invalid_request"])
        try await expectRefused(["code_challenge": nil], codes: ["invalid_request"])
    }

    @Test("fapi2-security-profile-final-par-plain-pkce-rejected: code_challenge_method plain (or absent, meaning plain) → PAR 400 invalid_request, nothing stored")
    func plainPKCE() async throws {
        try await expectRefused(["code_challenge": TestServer.verifier, "code_challenge_method": "plain"], codes: ["invalid_request"])
        try await expectRefused(["code_challenge_method": nil], codes: ["invalid_request"])
    }
}
