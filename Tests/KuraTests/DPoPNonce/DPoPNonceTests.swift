import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Server-provided DPoP nonces at the PAR and token endpoints (RFC 9449 §4.3 check 10, §8; FAPI 2.0 SP §5.3.2.1-10)
/// and the resource-server variant (§9). The conformance suite retries once and fails if `use_dpop_nonce` comes
/// without a `DPoP-Nonce` header (FAPI2-CHECKLIST item 49).
@Suite("DPoP server nonces")
struct DPoPNonceTests {
    static let window: TimeInterval = 300

    func server(_ requirement: DPoPNonceConfiguration.Requirement = .all) async throws -> TestServer {
        try await TestServer(configure: { $0.dpopNonce = DPoPNonceConfiguration(requirement: requirement, window: Self.window) })
    }

    func key() throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: "dpop") }

    /// A 400 `use_dpop_nonce` JSON error with a fresh nonce in `DPoP-Nonce` (RFC 9449 §8); returns that nonce.
    @discardableResult
    func expectNonceChallenge(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(response.status == .badRequest, "\(response.status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.oauthError == "use_dpop_nonce", "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl]?.contains("no-store") == true, sourceLocation: sourceLocation)
        return try #require(response.dpopNonce, "use_dpop_nonce without a DPoP-Nonce header", sourceLocation: sourceLocation)
    }

    // MARK: - Authorization server (§8)

    @Test("PAR: a proof without nonce gets 400 use_dpop_nonce with a DPoP-Nonce; the retry with it succeeds and gets a fresh one")
    func parChallengeAndRetry() async throws {
        let dpop = try key()
        try await server().withFlow { flow in
            let nonce = try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: nil))
            let retry = try await flow.par(dpopKey: dpop, nonce: nonce)
            #expect(retry.status == .created, "\(retry.bodyText)")
            #expect(retry.dpopNonce != nil, "successful responses carry a nonce for the next request (RFC 9449 8.2)")
        }
    }

    @Test("Token endpoint: a proof without nonce gets use_dpop_nonce; the retry succeeds and the code was not consumed by the first try")
    func tokenChallengeAndRetry() async throws {
        let dpop = try key()
        try await server().withFlow { flow in
            let nonce = try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: nil))
            let pushed = try await flow.par(dpopKey: dpop, nonce: nonce)
            let redirect = try await flow.completeInteraction(requestURI: try #require(pushed.json["request_uri"]?.stringValue))
            let code = try #require(redirect.redirectParameters?["code"])
            let fresh = try expectNonceChallenge(try await flow.token(code: code, dpopKey: dpop, nonce: nil))
            let tokens = try await flow.token(code: code, dpopKey: dpop, nonce: fresh)
            #expect(tokens.status == .ok, "\(tokens.bodyText)")
            #expect(tokens.json["token_type"]?.stringValue == "DPoP")
        }
    }

    @Test("A nonce minted by another Kura node on the same database is accepted (no per-process secret)")
    func sharedAcrossNodes() async throws {
        let test = try await server()
        let nodeB = test.secondNode()
        let dpop = try key()
        let nonceFromB = try await nodeB.withFlow(test: test) { flow in
            try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: nil))
        }
        try await test.withFlow { flowA in
            let response = try await flowA.par(dpopKey: dpop, nonce: nonceFromB)
            #expect(response.status == .created, "node A must accept node B's nonce: \(response.bodyText)")
            let nonceFromA = try #require(response.dpopNonce)
            let back = try await nodeB.withFlow(test: test) { flowB in try await flowB.par(dpopKey: dpop, nonce: nonceFromA) }
            #expect(back.status == .created, "and node B node A's: \(back.bodyText)")
        }
    }

    @Test("Key rotation: nonces minted with the old and the new key are accepted by nodes whose key caches disagree",
          arguments: [JWSAlgorithm.es256, .ps256, .edDSA])
    func acrossKeyRotation(_ alg: JWSAlgorithm) async throws {
        let test = try await TestServer(configure: {
            $0.dpopNonce = DPoPNonceConfiguration(requirement: .all, window: Self.window)
            $0.signingAlgorithm = alg
        })
        let nodeA = test.server
        let nodeB = test.secondNode()
        let beforeRotation = try await DPoPNonceCheck(server: nodeA).freshNonce()
        #expect(try await DPoPNonceCheck(server: nodeB).isValid(beforeRotation), "node B caches the same key")
        try await nodeA.keys.rotate()
        let afterRotation = try await DPoPNonceCheck(server: nodeA).freshNonce()
        #expect(afterRotation != beforeRotation)
        #expect(try await DPoPNonceCheck(server: nodeA).isValid(beforeRotation), "the retired key's nonces stay valid")
        #expect(try await DPoPNonceCheck(server: nodeB).isValid(afterRotation), "node B still signs with the old key")
    }

    @Test("A nonce from the previous window is accepted; one from two windows back gets a new challenge with a new nonce")
    func windows() async throws {
        let dpop = try key()
        let test = try await server()
        try await test.withFlow { flow in
            let nonce = try await DPoPNonceCheck(server: test.server).freshNonce()
            test.clock.advance(by: Self.window)
            #expect(try await flow.par(dpopKey: dpop, nonce: nonce).status == .created)
            test.clock.advance(by: Self.window)
            let fresh = try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: nonce))
            #expect(fresh != nonce)
            #expect(try await flow.par(dpopKey: dpop, nonce: fresh).status == .created)
        }
    }

    @Test("A nonce from the next window (a node whose clock runs ahead) is accepted; two windows ahead is not")
    func futureWindows() async throws {
        let test = try await server()
        let check = DPoPNonceCheck(server: test.server)
        test.clock.advance(by: Self.window)
        let ahead = try await check.freshNonce()
        test.clock.advance(by: Self.window)
        let twoAhead = try await check.freshNonce()
        test.clock.advance(by: -2 * Self.window)
        #expect(try await check.isValid(ahead))
        #expect(try await !check.isValid(twoAhead))
    }

    /// The last argument is the right length with window number 2^64 - 1 (all bits set): checked without overflow.
    @Test("Forged, tampered and malformed nonces get use_dpop_nonce",
          arguments: ["garbage", "", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tamper", "________________________________"])
    func forgedNonces(_ kind: String) async throws {
        let dpop = try key()
        let test = try await server()
        var nonce = kind
        if kind == "tamper" {
            var bytes = try #require(Base64URL.decode(try await DPoPNonceCheck(server: test.server).freshNonce()))
            bytes[bytes.count - 1] ^= 0x01
            nonce = Base64URL.encode(bytes)
        } else if kind == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" {
            // The right shape and the current window, but a zero tag.
            var bytes = try #require(Base64URL.decode(try await DPoPNonceCheck(server: test.server).freshNonce()))
            for i in 8..<bytes.count { bytes[i] = 0 }
            nonce = Base64URL.encode(bytes)
        }
        let forged = nonce
        try await test.withFlow { flow in
            _ = try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: forged))
        }
    }

    @Test("A resource-server nonce is not accepted at the authorization server (separate HKDF purposes)")
    func purposesSeparated() async throws {
        let dpop = try key()
        let test = try await server()
        let rsNonce = try await DPoPNonceCheck(server: test.server, purpose: .resourceServer).freshNonce()
        #expect(try await !DPoPNonceCheck(server: test.server).isValid(rsNonce))
        try await test.withFlow { flow in _ = try expectNonceChallenge(try await flow.par(dpopKey: dpop, nonce: rsNonce)) }
    }

    // MARK: - Configuration

    @Test("On for listed clients: only those clients are challenged; the others get no DPoP-Nonce")
    func listedClientsOnly() async throws {
        let dpop = try key()
        let test = try await server(.clients(["listed-client"]))
        let listedKey = try await test.registerOtherClient(id: "listed-client")
        try await test.withFlow { flow in
            let unlisted = try await flow.par(dpopKey: dpop, nonce: nil)
            #expect(unlisted.status == .created, "\(unlisted.bodyText)")
            #expect(unlisted.dpopNonce == nil)
            let nonce = try expectNonceChallenge(try await flow.par(forClient: "listed-client", key: listedKey, dpopKey: dpop, nonce: nil))
            let retry = try await flow.par(forClient: "listed-client", key: listedKey, dpopKey: dpop, nonce: nonce)
            #expect(retry.status == .created, "\(retry.bodyText)")
        }
    }

    @Test("Off (the default): no nonce is demanded or issued, and a nonce a client sends anyway is ignored")
    func offByDefault() async throws {
        let dpop = try key()
        try await TestServer().withFlow { flow in
            #expect(flow.server.configuration.dpopNonce.requirement == .off)
            let response = try await flow.par(dpopKey: dpop, nonce: nil)
            #expect(response.status == .created)
            #expect(response.dpopNonce == nil)
            #expect(try await flow.par(dpopKey: dpop, nonce: "made-up").status == .created)
        }
    }

    @Test("Requests without a DPoP proof are not challenged (nothing to carry a nonce)")
    func noProofNoChallenge() async throws {
        try await server().withFlow { flow in
            let response = try await flow.par()
            #expect(response.status == .created, "\(response.bodyText)")
        }
    }

    @Test("The operator spelling: off, on, all, clients:a,b; anything else is refused")
    func parsing() {
        #expect(DPoPNonceConfiguration(parsing: "off")?.requirement == .off)
        #expect(DPoPNonceConfiguration(parsing: "on")?.requirement == .all)
        #expect(DPoPNonceConfiguration(parsing: "all")?.requirement == .all)
        #expect(DPoPNonceConfiguration(parsing: "clients:a, b")?.requirement == .clients(["a", "b"]))
        for bad in ["yes", "clients:", "clients:a,,b"] { #expect(DPoPNonceConfiguration(parsing: bad) == nil, "\(bad)") }
    }

    // MARK: - Resource server (§9)

    @Test("Resource-server variant: 401 with WWW-Authenticate DPoP error=use_dpop_nonce and a DPoP-Nonce; its own nonce passes")
    func resourceServerVariant() async throws {
        let test = try await TestServer()
        let dpop = try key()
        let url = "https://api.kura.test/accounts"
        func proof(nonce: String?) throws -> VerifiedDPoPProof {
            let overrides: [String: JSONValue] = nonce.map { ["nonce": .string($0)] } ?? [:]
            let header = try test.dpopProof(key: dpop, method: "GET", url: url, accessToken: "at", overrides: overrides)
            return try DPoPProofVerifier().verify(headerValues: [header], method: "GET", url: url, accessToken: "at", now: test.clock.now())
        }
        let check = DPoPNonceCheck(server: test.server, purpose: .resourceServer)
        do {
            try await check.resourceServer(try proof(nonce: nil))
            Issue.record("a proof without nonce must be challenged")
        } catch let error as OAuthError {
            #expect(error.code == .useDPoPNonce && error.httpStatus == 401)
            #expect(error.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"use_dpop_nonce\"") == true)
            let nonce = try #require(error.headers["DPoP-Nonce"])
            try await check.resourceServer(try proof(nonce: nonce))
        }
        let asNonce = try await DPoPNonceCheck(server: test.server).freshNonce()
        await #expect(throws: OAuthError(.useDPoPNonce)) { try await check.resourceServer(try proof(nonce: asNonce)) }
    }
}
