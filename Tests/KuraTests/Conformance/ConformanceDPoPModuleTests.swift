import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// DPoP at the authorization server (RFC 9449 §4.3, §5, §10; FAPI 2.0 SP §5.3.2.1-12/-13): the conformance modules
/// of FAPI2-CHECKLIST §E.3 that only run with `sender_constrain=dpop`. The token endpoint may answer a DPoP mismatch
/// only with 400 and `invalid_request`, `invalid_grant` or `invalid_dpop_proof`; PAR with 400 and `invalid_request`
/// or `invalid_dpop_proof` (§E.4).
@Suite("Conformance modules: DPoP at PAR and the token endpoint")
struct ConformanceDPoPModuleTests {
    static let tokenMismatchCodes: Set<String> = ["invalid_request", "invalid_grant", "invalid_dpop_proof"]

    /// PAR, token and userinfo requests whose DPoP proofs (one key) carry the claim changes `changes(now)`; each must
    /// succeed, and the access token must be bound to that key.
    func expectProofsAccepted(_ changes: @escaping @Sendable (Int64) -> [String: JSONValue]) async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let key = try dpopKey()
            func proof(_ method: String, _ path: String, token: String? = nil) throws -> String {
                try flow.test.dpopProof(key: key, method: method, url: flow.url(path), accessToken: token,
                                        overrides: changes(conformance.clock.now().epochSeconds))
            }
            let pushed = try await flow.post(OAuthServer.Path.par, form: try flow.test.parParameters(),
                                             headers: [FlowDriver.dpopHeader: try proof("POST", OAuthServer.Path.par)])
            #expect(pushed.status == .created, "PAR: \(pushed.bodyText)")
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let code = try #require(try await flow.authorizationResponse(requestURI: requestURI)["code"])
            let token = try await flow.token(try flow.tokenParameters(code: code), dpopKey: nil,
                                             dpopProof: try proof("POST", OAuthServer.Path.token))
            #expect(token.status == .ok, "token: \(token.bodyText)")
            let accessToken = try #require(token.json["access_token"]?.stringValue)
            #expect(try unverifiedClaims(accessToken)["cnf"]?["jkt"]?.stringValue == key.publicJWK.thumbprint())
            let userinfo = try await flow.get(OAuthServer.Path.userinfo, headers: [
                .authorization: "DPoP \(accessToken)", FlowDriver.dpopHeader: try proof("GET", OAuthServer.Path.userinfo, token: accessToken),
            ])
            #expect(userinfo.status == .ok, "userinfo: \(userinfo.bodyText)")
        }
    }

    @Test("fapi2-security-profile-final-check-dpop-proof-nbf-exp: proofs with extra nbf and exp claims are accepted at PAR, token and userinfo")
    func proofWithNbfAndExp() async throws {
        try await expectProofsAccepted { now in ["nbf": .int(now - 5), "exp": .int(now + 60)] }
    }

    @Test("fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-before-succeeds: iat 10 s old is accepted at PAR, token and userinfo")
    func proofTenSecondsOld() async throws {
        try await expectProofsAccepted { now in ["iat": .int(now - 10)] }
    }

    @Test("fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-after-succeeds: iat 8 s ahead is accepted at PAR, token and userinfo (SP 5.3.2.1-13)")
    func proofEightSecondsAhead() async throws {
        try await expectProofsAccepted { now in ["iat": .int(now + 8)] }
    }

    @Test("fapi2-security-profile-final-ensure-mismatched-dpop-jkt-fails: dpop_jkt of another key than the DPoP header's → PAR 400 invalid_request or invalid_dpop_proof, nothing stored")
    func mismatchedJKTAtPAR() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let before = conformance.rows
            let response = try await flow.par(["dpop_jkt": try dpopKey("a").publicJWK.thumbprint()], dpopKey: try dpopKey("b"))
            expectOAuthError(response, ["invalid_request", "invalid_dpop_proof"])
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-proof-jkt: DPoP key at PAR ≠ key at the token endpoint → 400 invalid_request, invalid_grant or invalid_dpop_proof, no token")
    func mismatchedProofKeyAtToken() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let code = try await flow.code(dpopKey: try dpopKey("par-key"))
            let before = conformance.rows
            expectOAuthError(try await flow.token(code: code, dpopKey: try dpopKey("token-key")), Self.tokenMismatchCodes)
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-jkt: dpop_jkt at PAR ≠ key at the token endpoint → 400 invalid_request, invalid_grant or invalid_dpop_proof, no token")
    func mismatchedJKTAtToken() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let code = try await flow.code(["dpop_jkt": try dpopKey("bound").publicJWK.thumbprint()])
            let before = conformance.rows
            expectOAuthError(try await flow.token(code: code, dpopKey: try dpopKey("other")), Self.tokenMismatchCodes)
            conformance.expectNoRowsCreated(since: before)
        }
    }

    @Test("fapi2-security-profile-final-ensure-dpopproof-at-par-endpoint-binding-success: a DPoP header at PAR and the same key at the token endpoint → 200, token bound to it")
    func proofAtPARBinding() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let key = try dpopKey()
            let response = try await flow.token(code: try await flow.code(dpopKey: key), dpopKey: key)
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.json["token_type"]?.stringValue == "DPoP")
            let accessToken = try #require(response.json["access_token"]?.stringValue)
            #expect(try unverifiedClaims(accessToken)["cnf"]?["jkt"]?.stringValue == key.publicJWK.thumbprint())
        }
    }

    @Test("fapi2-security-profile-final-ensure-dpop-auth-code-binding-success: dpop_jkt and a DPoP header of one key at PAR, that key at the token endpoint → 200")
    func authCodeBinding() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let key = try dpopKey()
            let code = try await flow.code(["dpop_jkt": key.publicJWK.thumbprint()], dpopKey: key)
            let response = try await flow.token(code: code, dpopKey: key)
            #expect(response.status == .ok, "\(response.bodyText)")
            let accessToken = try #require(response.json["access_token"]?.stringValue)
            #expect(try unverifiedClaims(accessToken)["cnf"]?["jkt"]?.stringValue == key.publicJWK.thumbprint())
        }
    }
}
