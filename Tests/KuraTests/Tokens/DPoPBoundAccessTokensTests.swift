import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// RFC 9449 §5.2 `dpop_bound_access_tokens`: "If the value is true, the authorization server MUST reject token requests
/// from the client that do not contain the DPoP header" — even when a TLS client certificate could bind the token.
@Suite("dpop_bound_access_tokens: token requests without a DPoP proof are refused (RFC 9449 §5.2)", .serialized)
struct DPoPBoundAccessTokensTests {
    static let clientID = "dpop-only-partner"

    @Test("A dpop_bound_access_tokens client presenting only a certificate gets invalid_request at the token endpoint (code and refresh); the code survives and redeems with a proof")
    func proofRequiredDespiteCertificate() async throws {
        let fixture = try MutualTLSFixture()
        try await fixture.run { live in
            let signingKey = try await live.test.registerOtherClient(
                id: Self.clientID, extra: ["grant_types": ["authorization_code", "refresh_token"], "dpop_bound_access_tokens": true])
            // Without the registration this client would get a certificate-bound token (MutualTLSFlowTests).
            let certificateOnly = try MutualTLSFixture.kuraClient(
                live, clientID: Self.clientID, certificate: try fixture.issue(cn: "dpop-only"), signingKey: signingKey)
            let dpopKey = try JWSSigningKey.generate(.es256, kid: "dpop")
            let withProof = try MutualTLSFixture.kuraClient(live, clientID: Self.clientID, certificate: nil, signingKey: signingKey,
                                                           dpopKey: dpopKey)
            let pushed = try await certificateOnly.pushAuthorizationRequest()
            let response = try await certificateOnly.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                                               otp: live.test.otp())
            await #expect { _ = try await certificateOnly.exchangeCode(response, for: pushed) } throws: { error in
                guard case KuraClientError.server(let failure) = error else { return false }
                return failure.error == "invalid_request" && failure.status == 400
            }

            let tokens = try await withProof.exchangeCode(response, for: pushed)
            #expect(tokens.isDPoPBound)
            let refreshToken = try #require(tokens.refreshToken)
            await #expect { _ = try await certificateOnly.refresh(refreshToken) } throws: { error in
                (error as? KuraClientError)?.oauthCode == "invalid_request"
            }
            let refreshed = try await withProof.refresh(refreshToken)
            let claims = try await withProof.decodeAccessToken(refreshed.accessToken)
            #expect(claims["cnf"]?.objectValue == ["jkt": .string(dpopKey.publicJWK.thumbprint())])
            try await certificateOnly.shutdown()
            try await withProof.shutdown()
        }
    }
}
