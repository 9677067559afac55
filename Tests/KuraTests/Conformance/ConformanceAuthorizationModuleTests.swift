import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// The authorization request and response (RFC 6749 §4.1; RFC 9126 §4; RFC 9207; JAR RFC 9101 §6.3; OIDC Core
/// §3.1.2; FAPI 2.0 SP §5.3.2.2): the conformance modules of FAPI2-CHECKLIST §E.3 about what the pushed request
/// carries and what comes back. Parameters outside the pushed request are never used (RFC 9126 §4); an error
/// redirect carries the original `state` and `iss`.
@Suite("Conformance modules: authorization requests and responses")
struct ConformanceAuthorizationModuleTests {
    /// Redeems `code` (DPoP-bound) and returns the claims of the verified ID token.
    func idTokenClaims(_ flow: FlowDriver, code: String?) async throws -> [String: JSONValue] {
        let response = try await flow.token(code: try #require(code), dpopKey: try dpopKey())
        try #require(response.status == .ok, "token: \(response.bodyText)")
        return try await flow.verifiedIDToken(try #require(response.json["id_token"]?.stringValue), clientID: flow.test.clientID)
    }

    /// The request_uri of a signed request object with `changes` to the standard claims and the `outer` form parameters.
    func pushSigned(_ flow: FlowDriver, _ changes: [String: JSONValue?], outer: [String: String] = [:]) async throws -> String {
        let response = try await flow.parSigned(try flow.test.requestObject(flow.test.requestObjectClaims(changes)), outer: outer)
        try #require(response.status == .created, "PAR: \(response.bodyText)")
        return try #require(response.json["request_uri"]?.stringValue)
    }

    @Test("fapi2-security-profile-final-user-rejects-authentication: the customer denies → 303 to the client with access_denied, the original state and iss; JARM-signed with response_mode jwt; no code, grant or token")
    func userRejects() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let plain = try await flow.startInteraction(uri: flow.authorizeURI(requestURI: try await flow.pushRequest()))
            let jarm = try await flow.startInteraction(uri: flow.authorizeURI(requestURI: try await flow.pushRequest(["response_mode": "jwt"])))
            let before = conformance.rows
            let parameters = try redirectParameters(try await flow.finish(plain, approve: false))
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["state"] == "state-123")
            #expect(parameters["iss"] == conformance.issuer)
            #expect(parameters["code"] == nil)
            let claims = try await flow.jarmClaims(try await flow.finish(jarm, approve: false))
            #expect(claims["error"] == "access_denied" && claims["state"] == "state-123")
            #expect(claims["iss"]?.stringValue == conformance.issuer && claims["aud"]?.stringValue == conformance.test.clientID)
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-request-without-state-success: no state → success, no state in the response and no s_hash in the ID token")
    func withoutState() async throws {
        try await ConformanceServer().withFlow { flow in
            let parameters = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["state": nil]))
            #expect(parameters["state"] == nil)
            #expect(parameters["iss"] == flow.issuer)
            #expect(try await idTokenClaims(flow, code: parameters["code"])["s_hash"] == nil)
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-request-without-nonce-success: an openid request without nonce → success, no nonce in the ID token")
    func withoutNonce() async throws {
        try await ConformanceServer().withFlow { flow in
            let parameters = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["nonce": nil]))
            #expect(try await idTokenClaims(flow, code: parameters["code"])["nonce"] == nil)
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-request-with-64-char-nonce-success: a 64-character nonce comes back unchanged in the ID token (SP 5.3.2.2-14)")
    func sixtyFourCharacterNonce() async throws {
        let nonce = String(String(repeating: "aZ09-_.~", count: 8).prefix(64))
        try await ConformanceServer().withFlow { flow in
            let parameters = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["nonce": nonce]))
            #expect(try await idTokenClaims(flow, code: parameters["code"])["nonce"]?.stringValue == nonce)
        }
    }

    @Test("fapi2-security-profile-final-ensure-other-scope-order-succeeds: scope values in another order → success with the same scope and an ID token (RFC 6749 3.3)")
    func otherScopeOrder() async throws {
        try await ConformanceServer().withFlow { flow in
            let code = try #require(try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["scope": "accounts openid"]))["code"])
            let response = try await flow.token(code: code, dpopKey: try dpopKey())
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.json["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init) == ["openid", "accounts"])
            #expect(response.json["id_token"] != nil)
        }
    }

    @Test("fapi2-security-profile-final-ensure-different-nonce-inside-and-outside-request-object: a nonce in the URL (and outside the request object) is ignored; the ID token carries the pushed nonce")
    func differentNonceOutside() async throws {
        try await ConformanceServer().withFlow { flow in
            let unsigned = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(), extra: [("nonce", "url-nonce")])
            #expect(try await idTokenClaims(flow, code: unsigned["code"])["nonce"]?.stringValue == "nonce-456")
            let requestURI = try await pushSigned(flow, [:], outer: ["nonce": "outer-nonce"])
            let signed = try await flow.authorizationResponse(requestURI: requestURI, extra: [("nonce", "url-nonce")])
            #expect(try await idTokenClaims(flow, code: signed["code"])["nonce"]?.stringValue == "inner-nonce")
        }
    }

    @Test("fapi2-security-profile-final-ensure-different-state-inside-and-outside-request-object: a state in the URL (and outside the request object) is ignored; only the pushed state comes back")
    func differentStateOutside() async throws {
        try await ConformanceServer().withFlow { flow in
            let unsigned = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(), extra: [("state", "url-state")])
            #expect(unsigned["state"] == "state-123")
            let requestURI = try await pushSigned(flow, [:], outer: ["state": "outer-state"])
            let signed = try await flow.authorizationResponse(requestURI: requestURI, extra: [("state", "url-state")])
            #expect(signed["state"] == "inner-state")
            #expect(signed["code"] != nil)
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-request-with-long-nonce: a 384-character nonce → success with the nonce intact in the ID token")
    func longNonce() async throws {
        let nonce = String((0..<384).map { i in Array("abcdefghijklmnopqrstuvwxyz0123456789")[i % 36] })
        try await ConformanceServer().withFlow { flow in
            let parameters = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["nonce": nonce]))
            #expect(try await idTokenClaims(flow, code: parameters["code"])["nonce"]?.stringValue == nonce)
        }
    }

    @Test("fapi2-security-profile-final-ensure-authorization-request-with-long-state: a 1000-character state → success with the state intact (SP Note 4)")
    func longState() async throws {
        let state = String((0..<1000).map { i in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ-._~0123456789")[i % 40] })
        try await ConformanceServer().withFlow { flow in
            let parameters = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["state": state]))
            #expect(parameters["state"] == state)
            #expect(parameters["code"] != nil)
        }
    }

    @Test("fapi2-security-profile-final-state-only-outside-request-object-not-used: state only in the URL (or only outside the request object) → success with no state and no s_hash")
    func stateOnlyOutside() async throws {
        try await ConformanceServer().withFlow { flow in
            let unsigned = try await flow.authorizationResponse(requestURI: try await flow.pushRequest(["state": nil]),
                                                                extra: [("state", "outside-state")])
            #expect(unsigned["state"] == nil)
            #expect(try await idTokenClaims(flow, code: unsigned["code"])["s_hash"] == nil)
            let requestURI = try await pushSigned(flow, ["state": nil], outer: ["state": "outside-state"])
            let signed = try await flow.authorizationResponse(requestURI: requestURI, extra: [("state", "outside-state")])
            #expect(signed["state"] == nil)
            #expect(signed["code"] != nil)
        }
    }
}
