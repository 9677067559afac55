import AuthorizationServer
import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// The FAPI 2.0 variants matrix end to end: every combination of private_key_jwt | tls_client_auth × DPoP | MTLS
/// binding × OpenID Connect | plain OAuth × unsigned | signed (JAR) request × plain | JARM response, as the OIDF
/// Security Profile and Message Signing test plans combine them. Each variant is a complete flow over real HTTPS with
/// KuraClient on its own live server (mutual TLS on, the test CA trusted for `tls_client_auth`):
/// PAR → login → consent → token → refresh → UserInfo.
@Suite("FAPI 2.0 variants matrix over HTTPS with KuraClient")
struct VariantsMatrixTests {
    @Test("FAPI 2.0 variant: PAR → login → consent → token → refresh → UserInfo, sender-constrained throughout",
          arguments: Variant.all)
    func fullFlow(_ variant: Variant) async throws {
        let fixture = try MutualTLSFixture()
        try await fixture.run { live in
            let party = try await VariantParty.register(variant, on: live, fixture: fixture)
            try await Self.withShutdown(party.client) {
                try await Self.flow(party, live)
            }
        }
    }

    @Test("FAPI2MS private_key_jwt + DPoP + OpenID Connect, JAR, JARM with DPoP server nonces: one retry at PAR, one at the token endpoint (RFC 9449 §8)")
    func fullFlowWithDPoPNonces() async throws {
        let variant = Variant(clientAuthentication: .privateKeyJWT, senderConstraint: .dpop, profile: .openIDConnect,
                              requestMethod: .signed, responseMode: .jarm)
        let fixture = try MutualTLSFixture()
        let mutualTLS = try fixture.configuration
        try await LiveServer.run(pki: fixture.pki, configure: { server in
            server.mutualTLS = mutualTLS
            server.dpopNonce = DPoPNonceConfiguration(requirement: .all)
        }) { live in
            let party = try await VariantParty.register(variant, on: live, fixture: fixture)
            let (pushed, response) = try await Self.withShutdown(party.client) {
                let pushed = try await party.client.pushAuthorizationRequest()
                let response = try await party.client.authorize(
                    pushed, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
                return (pushed, response)
            }
            let par = party.transport.exchanges(to: OAuthServer.Path.par)
            #expect(par.map(\.response.status) == [400, 201])
            #expect(par.first?.response.oauthError?.error == "use_dpop_nonce")
            let challenged = try #require(par.first?.response.headers["DPoP-Nonce"])
            let retriedProof = try unverifiedClaims(try #require(par.last?.request.headers["DPoP"]))
            #expect(retriedProof["nonce"]?.stringValue == challenged, "the retry carries the challenged nonce")
            #expect(par.last?.response.headers["DPoP-Nonce"] != nil, "a successful PAR supplies the next nonce")

            // Another instance of the partner's back end, with no nonce remembered, redeems the code and refreshes.
            let transport = try RecordingHTTPTransport(tls: party.client.configuration.tls)
            let redeemer = try KuraClient(configuration: party.client.configuration, transport: transport)
            let second = VariantParty(variant: variant, client: redeemer, transport: transport, signingKey: party.signingKey,
                                      dpopKey: party.dpopKey, certificate: party.certificate)
            try await Self.withShutdown(redeemer) {
                let tokens = try await redeemer.exchangeCode(response, for: pushed)
                #expect(transport.exchanges(to: OAuthServer.Path.token).map(\.response.status) == [400, 200])
                try await second.expectBinding(tokens, "code exchange")
                let idClaims = try await redeemer.verifyIDToken(try #require(tokens.idToken), nonce: pushed.nonce)
                let refreshed = try await redeemer.refresh(try #require(tokens.refreshToken))
                #expect(transport.exchanges(to: OAuthServer.Path.token).map(\.response.status) == [400, 200, 200],
                        "the refresh uses the nonce already held")
                try await second.expectBinding(refreshed, "refresh")
                let info = try await redeemer.userInfo(accessToken: refreshed.accessToken,
                                                       expectedSubject: try #require(idClaims["sub"]?.stringValue))
                #expect(info["sub"]?.stringValue == live.test.userID)
            }
        }
    }

    /// The flow of one variant, with every check the brief lists; see the suite comment.
    static func flow(_ party: VariantParty, _ live: LiveServer) async throws {
        let variant = party.variant, client = party.client
        let pushed = try await client.pushAuthorizationRequest()
        #expect(pushed.expiresIn > 0 && pushed.expiresIn < 600)

        // Front channel: JARM carries only `response`; a plain response carries code, state and iss (RFC 9207).
        let raw = try await client.makeBrowserSession().authorize(
            url: pushed.authorizationURL, username: TestServer.username, password: TestServer.password, otp: live.test.otp())
        switch variant.responseMode {
        case .jarm:
            let jwt = try #require(raw.response, "JARM: no response parameter")
            #expect(raw.code == nil && raw.state == nil && raw.iss == nil, "JARM: response must be the only parameter")
            let header = try CompactJWS.parse(jwt).header
            #expect(header["alg"]?.stringValue == live.test.server.configuration.signingAlgorithm.rawValue)
        case .plain:
            #expect(raw.response == nil)
            #expect(raw.code != nil && raw.iss == live.issuer && raw.state == pushed.state)
        }
        let response = try await client.verifiedAuthorizationResponse(raw) // JARM §2.4: signature, iss, aud, exp
        #expect(response.iss == live.issuer && response.state == pushed.state && response.code != nil)

        let tokens = try await client.exchangeCode(response, for: pushed)
        try await party.expectBinding(tokens, "code exchange")
        var subject = live.test.userID
        switch variant.profile {
        case .openIDConnect:
            let nonce = try #require(pushed.nonce)
            let idClaims = try await client.verifyIDToken(try #require(tokens.idToken, "OpenID Connect: no id_token"), nonce: nonce)
            #expect(idClaims["nonce"]?.stringValue == nonce && idClaims["aud"]?.stringValue == variant.clientID)
            subject = try #require(idClaims["sub"]?.stringValue)
            #expect(subject == live.test.userID)
        case .plainOAuth:
            #expect(pushed.nonce == nil)
            #expect(tokens.idToken == nil, "plain OAuth: an id_token was issued")
            #expect(!tokens.scopes.contains("openid"))
        }

        let refreshed = try await client.refresh(try #require(tokens.refreshToken, "no refresh token"))
        try await party.expectBinding(refreshed, "refresh")
        #expect(refreshed.accessToken != tokens.accessToken)
        if variant.profile == .plainOAuth { #expect(refreshed.idToken == nil) }

        switch variant.profile {
        case .openIDConnect:
            let info = try await client.userInfo(accessToken: refreshed.accessToken, expectedSubject: subject)
            #expect(info["sub"]?.stringValue == live.test.userID)
        case .plainOAuth: // The bound token is accepted, but UserInfo needs `openid` (OIDC Core §5.3; RFC 6750 §3.1).
            await #expect {
                _ = try await client.userInfo(accessToken: refreshed.accessToken, expectedSubject: subject)
            } throws: { error in
                guard case KuraClientError.server(let response) = error else { return false }
                return response.error == "insufficient_scope" && response.status == 403
            }
        }
        try expectWire(party)
    }

    /// What went over the wire: DPoP proofs only in DPoP variants (at PAR too, RFC 9449 §10), client assertions only
    /// with private_key_jwt, and with JAR nothing but client authentication and `request` in the PAR form (RFC 9126 §3).
    static func expectWire(_ party: VariantParty) throws {
        let variant = party.variant
        let backChannel = party.transport.exchanges.filter { [OAuthServer.Path.par, OAuthServer.Path.token].contains($0.request.url.path) }
        #expect(backChannel.count == 3, "one PAR, one code exchange, one refresh")
        for (request, _) in backChannel {
            #expect((request.headers["DPoP"] != nil) == (variant.senderConstraint == .dpop), "DPoP header at \(request.url.path)")
            #expect((request.formParameters["client_assertion"] != nil) == (variant.clientAuthentication == .privateKeyJWT),
                    "client_assertion at \(request.url.path)")
            #expect(request.formParameters["client_id"] == variant.clientID)
        }
        let par = try #require(party.transport.exchanges(to: OAuthServer.Path.par).first?.request.formParameters)
        let authentication: Set<String> = variant.clientAuthentication == .privateKeyJWT
            ? ["client_id", "client_assertion_type", "client_assertion"] : ["client_id"]
        switch variant.requestMethod {
        case .signed: #expect(Set(par.keys) == authentication.union(["request"]))
        case .unsigned: #expect(par["request"] == nil && par["response_type"] == "code")
        }
        #expect((par["response_mode"] == "jwt") == (variant.requestMethod == .unsigned && variant.responseMode == .jarm))
    }

    /// Runs `body`, then shuts `client` down whether or not `body` threw.
    static func withShutdown<Value: Sendable>(_ client: KuraClient, _ body: () async throws -> Value) async throws -> Value {
        do {
            let value = try await body()
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
