import Foundation
import KuraClient
import Testing

@Suite("Authorization response at the redirect URI (RFC 6749 §4.1.2, RFC 9207 §2.4)")
struct AuthorizationResponseTests {
    let issuer = ClientFixtures.issuer

    func response(_ query: String) throws -> AuthorizationResponse {
        try AuthorizationResponse(redirectURL: URL(string: "https://partner.example/callback?\(query)")!)
    }

    @Test("code, state and iss are read from the query and percent-decoded")
    func success() throws {
        let r = try response("code=c%2Bd&state=s+1%20x&iss=https%3A%2F%2Fas.kura.example")
        #expect(r.code == "c+d")
        #expect(r.state == "s 1 x")
        #expect(r.iss == issuer)
        #expect(try r.authorizationCode(issuer: issuer, state: "s 1 x") == "c+d")
    }

    @Test("An iss other than the issuer is rejected (RFC 9207 §2.4: simple string comparison)")
    func issMismatch() throws {
        let r = try response("code=c&state=s&iss=https%3A%2F%2Fattacker.example")
        #expect(throws: KuraClientError.issuerMismatch(expected: issuer, actual: "https://attacker.example")) {
            try r.checkIssuer(issuer)
        }
        #expect(throws: KuraClientError.issuerMismatch(expected: issuer, actual: "https://attacker.example")) {
            _ = try r.authorizationCode(issuer: issuer, state: "s")
        }
    }

    @Test("A trailing-slash variant of the issuer is a mismatch, not normalised away")
    func issTrailingSlash() throws {
        let r = try response("code=c&state=s&iss=https%3A%2F%2Fas.kura.example%2F")
        #expect(throws: KuraClientError.self) { try r.checkIssuer(issuer) }
    }

    @Test("A response without iss is rejected (FAPI 2.0 SP §5.3.2.2-7 requires it)")
    func issMissing() throws {
        let r = try response("code=c&state=s")
        #expect(throws: KuraClientError.issuerMismatch(expected: issuer, actual: nil)) { try r.checkIssuer(issuer) }
    }

    @Test("A state other than the one sent is rejected (RFC 6749 §10.12)")
    func stateMismatch() throws {
        let r = try response("code=c&state=other&iss=\(issuer)")
        #expect(throws: KuraClientError.stateMismatch(expected: "mine", actual: "other")) {
            _ = try r.authorizationCode(issuer: issuer, state: "mine")
        }
    }

    @Test("An error response is parsed and, once iss and state check out, thrown as authorizationFailed")
    func errorResponse() throws {
        let r = try response("error=access_denied&error_description=The+customer+denied+the+request&state=s&iss=\(issuer)")
        #expect(r.code == nil)
        #expect(r.error == "access_denied")
        #expect(r.errorDescription == "The customer denied the request")
        #expect(throws: KuraClientError.authorizationFailed(error: "access_denied", description: "The customer denied the request")) {
            _ = try r.authorizationCode(issuer: issuer, state: "s")
        }
    }

    @Test("A parameter sent twice makes the response malformed (RFC 6749 §3.1)")
    func duplicates() {
        #expect(throws: KuraClientError.malformedAuthorizationResponse("parameter code appears more than once")) {
            _ = try response("code=a&code=b&iss=\(issuer)")
        }
    }

    @Test("A redirect with neither code nor error is malformed; a code in the fragment is not read")
    func neither() {
        #expect(throws: KuraClientError.self) { _ = try response("state=s&iss=\(issuer)") }
        #expect(throws: KuraClientError.self) {
            _ = try AuthorizationResponse(redirectURL: URL(string: "https://partner.example/callback#code=c&state=s")!)
        }
    }
}
