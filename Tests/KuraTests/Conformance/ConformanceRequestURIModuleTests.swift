import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The front channel with a request_uri (RFC 9126 §2.2, §4; FAPI 2.0 SP §5.3.2.2-3 and Note 3; SP §5.3.2.1-7): the
/// `par-…` conformance modules of FAPI2-CHECKLIST §E.3 at the authorization endpoint. Whenever the request_uri does
/// not lead to a trusted pushed request, there is no redirect target Kura may trust, so the customer sees an error
/// page (the suite accepts it; it then asks for a screenshot) and no interaction is opened.
@Suite("Conformance modules: request_uri at the authorization endpoint")
struct ConformanceRequestURIModuleTests {
    @Test("fapi2-security-profile-final-ensure-unsigned-authorization-request-without-using-par-fails: every parameter in the URL and no request_uri → error page, no redirect, nothing stored (SP 5.3.2.2-3)")
    func withoutPAR() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            var parameters = try flow.test.parParameters()
            parameters["client_assertion"] = nil
            parameters["client_assertion_type"] = nil
            let query = FormParameters.encode(parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            let before = conformance.rows
            expectErrorPage(try await flow.get(OAuthServer.Path.authorize + "?" + query))
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-par-ensure-reused-request-uri-prior-to-auth-completion-succeeds: the login page loaded twice with one request_uri → the second visit completes with a code (SP 5.3.2.2 Note 3)")
    func reusedBeforeCompletion() async throws {
        try await ConformanceServer().withFlow { flow in
            let uri = flow.authorizeURI(requestURI: try await flow.pushRequest())
            _ = try await flow.startInteraction(uri: uri)
            let second = try await flow.startInteraction(uri: uri)
            let parameters = try redirectParameters(try await flow.finish(second))
            #expect(parameters["code"] != nil && parameters["state"] == "state-123" && parameters["iss"] == flow.issuer)
        }
    }

    @Test("fapi2-security-profile-final-par-attempt-reuse-request_uri: a request_uri used for a completed authorization → error page, no redirect, nothing stored")
    func reuseAfterAuthorization() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let requestURI = try await flow.pushRequest()
            #expect(try await flow.authorizationResponse(requestURI: requestURI)["code"] != nil)
            let before = conformance.rows
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI)))
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-par-attempt-to-use-expired-request_uri: a request_uri used after expires_in → error page, no redirect, nothing stored (RFC 9126 4)")
    func expiredRequestURI() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let pushed = try await flow.par()
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let expiresIn = try #require(pushed.json["expires_in"]?.intValue)
            #expect(expiresIn >= 5 && expiresIn < 600, "SP 5.3.2.2-12")
            conformance.clock.advance(by: TimeInterval(expiresIn + 1))
            let before = conformance.rows
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI)))
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-par-attempt-to-use-request_uri-for-different-client: client 1's request_uri with client 2's client_id → error page, no redirect, nothing stored (RFC 9126 2.2)")
    func requestURIOfAnotherClient() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.test.registerOtherClient()
        try await conformance.withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let before = conformance.rows
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: "other-client")))
            conformance.expectNoRowsCreated(since: before)
            #expect(try await flow.authorizationResponse(requestURI: requestURI)["code"] != nil, "its own client can still use it")
        }
    }

    @Test("fapi2-security-profile-final-par-without-duplicate-parameters: the authorization request carries only client_id and request_uri → success with code, state and iss")
    func onlyClientIDAndRequestURI() async throws {
        try await ConformanceServer().withFlow { flow in
            let uri = flow.authorizeURI(requestURI: try await flow.pushRequest())
            let query = try FormParameters(parsing: String(uri.split(separator: "?", maxSplits: 1)[1]))
            #expect(Set(query.values.keys) == ["client_id", "request_uri"])
            let parameters = try redirectParameters(try await flow.finish(try await flow.startInteraction(uri: uri)))
            #expect(parameters["code"] != nil && parameters["state"] == "state-123" && parameters["iss"] == flow.issuer)
        }
    }
}
