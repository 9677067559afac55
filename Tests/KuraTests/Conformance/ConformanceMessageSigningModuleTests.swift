import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Signed request objects at PAR (JAR, RFC 9101; FAPI 2.0 Message Signing §5.3.1; SP §5.3.2.1-13, §5.4.1-1): the
/// modules of FAPI2-CHECKLIST §E.3 that only `fapi2-message-signing-final-test-plan` runs
/// (`fapi_request_method=signed_non_repudiation`). A bad request object is refused at PAR with 400 and only
/// `invalid_request_object`; an unsigned request where signing is required with 400 and only `invalid_request`
/// (§E.4). Kura never stores a pushed request for either.
@Suite("Conformance modules: signed request objects (Message Signing plan)")
struct ConformanceMessageSigningModuleTests {
    /// PAR with the standard request object claims changed by `changes`.
    func push(_ flow: FlowDriver, _ changes: [String: JSONValue?]) async throws -> TestResponse {
        try await flow.parSigned(try flow.test.requestObject(flow.test.requestObjectClaims(changes)))
    }

    /// `request(flow)` is refused at PAR with 400 and one of `codes`, and no pushed request is stored.
    func expectRefused(_ codes: Set<String> = ["invalid_request_object"], configure: (inout ServerConfiguration) -> Void = { _ in },
                       arrange: (ConformanceServer) async throws -> Void = { _ in },
                       _ request: @escaping @Sendable (FlowDriver, Int64) async throws -> TestResponse) async throws {
        let conformance = try await ConformanceServer(configure: configure)
        try await arrange(conformance)
        try await conformance.withFlow { flow in
            let before = conformance.rows
            expectOAuthError(try await request(flow, conformance.clock.now().epochSeconds), codes)
            conformance.expectNoRowsCreated(since: before)
        }
    }

    /// The request object with `changes(now)` is accepted and its authorization completes with a code and tokens.
    func expectAccepted(_ changes: @escaping @Sendable (Int64) -> [String: JSONValue?]) async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let response = try await push(flow, changes(conformance.clock.now().epochSeconds))
            #expect(response.status == .created, "\(response.bodyText)")
            let requestURI = try #require(response.json["request_uri"]?.stringValue)
            let parameters = try await flow.authorizationResponse(requestURI: requestURI)
            #expect(parameters["state"] == "inner-state")
            let token = try await flow.token(code: try #require(parameters["code"]), dpopKey: try dpopKey())
            #expect(token.status == .ok, "\(token.bodyText)")
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-multiple-aud-succeeds: aud [issuer, other] → accepted, the flow completes (MS 5.3.1-2)")
    func multipleAudiences() async throws {
        try await expectAccepted { _ in ["aud": [.string(TestServer.issuer), "https://other.example"]] }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-nbf-8-seconds-in-the-future-is-accepted: nbf now + 8 s → accepted, the flow completes (SP 5.3.2.1-13)")
    func nbfEightSecondsAhead() async throws {
        try await expectAccepted { now in ["nbf": .int(now + 8), "iat": .int(now + 8), "exp": .int(now + 308)] }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-without-exp-fails: → PAR 400 invalid_request_object, nothing stored")
    func withoutExp() async throws {
        try await expectRefused { flow, _ in try await push(flow, ["exp": nil]) }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-without-nbf-fails: → PAR 400 invalid_request_object, nothing stored (MS 5.3.1-3)")
    func withoutNbf() async throws {
        try await expectRefused { flow, _ in try await push(flow, ["nbf": nil]) }
    }

    @Test("fapi2-security-profile-final-ensure-expired-request-object-fails: exp in the past → PAR 400 invalid_request_object, nothing stored")
    func expired() async throws {
        try await expectRefused { flow, now in try await push(flow, ["nbf": .int(now - 600), "iat": .int(now - 600), "exp": .int(now - 60)]) }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails: aud another server → PAR 400 invalid_request_object, nothing stored")
    func badAudience() async throws {
        try await expectRefused { flow, _ in try await push(flow, ["aud": "https://other-as.example"]) }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-exp-over-60-fails: exp 70 minutes after nbf → PAR 400 invalid_request_object, nothing stored (MS 5.3.1-4)")
    func lifetimeOverSixtyMinutes() async throws {
        try await expectRefused { flow, now in try await push(flow, ["nbf": .int(now), "exp": .int(now + 70 * 60)]) }
    }

    @Test("fapi2-security-profile-final-australia-connectid-ensure-request-object-with-exp-over-10-fails: not applicable (connectid_au only; Kura is plain_fapi): a 15-minute lifetime is accepted under MS 5.3.1-4, 61 minutes is refused")
    func connectIDLifetime() async throws {
        try await expectAccepted { now in ["nbf": .int(now), "exp": .int(now + 15 * 60)] }
        try await expectRefused { flow, now in try await push(flow, ["nbf": .int(now), "exp": .int(now + 61 * 60)]) }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-nbf-over-60-fails: nbf 70 minutes in the past → PAR 400 invalid_request_object, nothing stored (MS 5.3.1-3)")
    func nbfOverSixtyMinutesOld() async throws {
        try await expectRefused { flow, now in
            try await push(flow, ["nbf": .int(now - 70 * 60), "iat": .int(now - 70 * 60), "exp": .int(now + 300)])
        }
    }

    @Test("fapi2-security-profile-final-australia-connectid-ensure-request-object-with-nbf-over-15-fails: not applicable (connectid_au only; Kura is plain_fapi): nbf 20 minutes old is accepted under MS 5.3.1-3, 61 minutes is refused")
    func connectIDNotBefore() async throws {
        try await expectAccepted { now in ["nbf": .int(now - 20 * 60), "iat": .int(now - 20 * 60), "exp": .int(now + 300)] }
        try await expectRefused { flow, now in
            try await push(flow, ["nbf": .int(now - 61 * 60), "iat": .int(now - 61 * 60), "exp": .int(now + 300)])
        }
    }

    @Test("fapi2-security-profile-final-ensure-signed-request-object-with-RS256-fails: RS256 with the client's own RSA key → PAR 400 invalid_request_object, nothing stored (SP 5.4.1-1)")
    func rs256() async throws {
        let rsaKey = try JWSSigningKey.generate(.ps256, kid: "rsa-client-key")
        try await expectRefused(arrange: { try await TestServer.registerClient($0.test.server, id: "rsa-client", key: rsaKey) }) { flow, _ in
            let claims = flow.test.requestObjectClaims(clientID: "rsa-client")
            return try await flow.parSigned(try RS256.sign(claims: claims, key: rsaKey, typ: "oauth-authz-req+jwt"), clientID: "rsa-client", key: rsaKey)
        }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-signature-algorithm-is-not-none: alg none → PAR 400 invalid_request_object, nothing stored")
    func algNone() async throws {
        try await expectRefused { flow, _ in try await flow.parSigned(unsecuredJWT(claims: flow.test.requestObjectClaims())) }
    }

    @Test("fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails: a tampered signature → PAR 400 invalid_request_object, nothing stored")
    func invalidSignature() async throws {
        try await expectRefused { flow, _ in
            let parts = try flow.test.requestObject().split(separator: ".").map(String.init)
            var signature = try #require(Base64URL.decode(parts[2]))
            signature[5] ^= 0x01
            return try await flow.parSigned(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature))
        }
    }

    @Test("fapi2-security-profile-final-ensure-matching-key-in-authorization-request: client 1's request object signed with client 2's key → PAR 400 invalid_request or invalid_request_object, nothing stored")
    func otherClientsKey() async throws {
        let otherKey = try JWSSigningKey.generate(.es256, kid: "other-client-key")
        try await expectRefused(["invalid_request", "invalid_request_object"],
                                arrange: { try await TestServer.registerClient($0.test.server, id: "other-client", key: otherKey) }) { flow, _ in
            try await flow.parSigned(try flow.test.requestObject(key: otherKey))
        }
    }

    @Test("fapi2-security-profile-final-ensure-unsigned-request-at-par-endpoint-fails: signing required (advertised as require_signed_request_object) and plain form parameters → PAR 400 invalid_request, nothing stored (MS 5.3.1-1)")
    func unsignedRefused() async throws {
        try await expectRefused(["invalid_request"], configure: { $0.features.requireSignedRequestObjects = true }) { flow, _ in
            let metadata = try await flow.get(OAuthServer.Path.openIDConfiguration)
            #expect(metadata.json["require_signed_request_object"] == true)
            return try await flow.par()
        }
    }

    @Test("fapi2-security-profile-final-par-authorization-request-containing-request_uri: request_uri inside the request object → PAR 400 invalid_request_object, nothing stored")
    func requestURIInside() async throws {
        try await expectRefused { flow, _ in try await push(flow, ["request_uri": "urn:ietf:params:oauth:request_uri:abc"]) }
    }
}
