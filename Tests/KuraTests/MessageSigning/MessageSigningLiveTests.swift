import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// FAPI 2.0 Message Signing end to end over HTTPS with KuraClient: signed request objects at PAR (MS §5.3) and JARM
/// responses verified against `jwks_uri` (MS §5.4), on a server that requires signed requests from every client.
@Suite("Message Signing over HTTPS with KuraClient", .serialized)
struct MessageSigningLiveTests {
    func client(_ live: LiveServer, signed: Bool = true, responseMode: ClientConfiguration.ResponseMode? = .jwt) throws -> KuraClient {
        var configuration = ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: live.test.clientID, signingKey: live.test.clientKey,
            redirectURI: URL(string: TestServer.redirectURI)!, scopes: ["openid", "accounts"],
            dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"), tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile)))
        configuration.requestObjectSigningKey = signed ? live.test.clientKey : nil
        configuration.responseMode = responseMode
        return try KuraClient(configuration: configuration)
    }

    @Test("Signed request + JARM: the code arrives in a verified response JWT and is exchanged for DPoP-bound tokens")
    func signedRequestAndJARM() async throws {
        try await LiveServer.run(configure: { $0.features.requireSignedRequestObjects = true }) { live in
            let client = try client(live)
            let metadata = try await client.discover()
            #expect(metadata.issuer == live.issuer)
            let pushed = try await client.pushAuthorizationRequest()
            let raw = try await client.makeBrowserSession().authorize(
                url: pushed.authorizationURL, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
            #expect(raw.response != nil && raw.code == nil && raw.iss == nil && raw.state == nil, "only the response parameter is in the query")
            let response = try await client.verifiedAuthorizationResponse(raw)
            #expect(response.iss == live.issuer && response.state == pushed.state)
            let tokens = try await client.exchangeCode(response, for: pushed)
            #expect(tokens.isDPoPBound)
            let idClaims = try await client.verifyIDToken(try #require(tokens.idToken), nonce: pushed.nonce)
            #expect(idClaims["sub"]?.stringValue == live.test.userID)
            try await client.shutdown()
        }
    }

    @Test("Signed request + JARM: a denial arrives as a verified access_denied response")
    func deniedWithJARM() async throws {
        try await LiveServer.run(configure: { $0.features.requireSignedRequestObjects = true }) { live in
            let client = try client(live)
            let pushed = try await client.pushAuthorizationRequest()
            await #expect(throws: KuraClientError.authorizationFailed(error: "access_denied", description: "The customer denied the request")) {
                _ = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                               otp: live.test.otp(), approve: false)
            }
            try await client.shutdown()
        }
    }

    @Test("The server requiring signed requests refuses KuraClient's unsigned PAR with invalid_request")
    func unsignedRefused() async throws {
        try await LiveServer.run(configure: { $0.features.requireSignedRequestObjects = true }) { live in
            let client = try client(live, signed: false, responseMode: nil)
            await #expect {
                _ = try await client.pushAuthorizationRequest()
            } throws: { error in
                guard case KuraClientError.server(let response) = error else { return false }
                return response.error == "invalid_request" && response.status == 400
            }
            try await client.shutdown()
        }
    }
}
