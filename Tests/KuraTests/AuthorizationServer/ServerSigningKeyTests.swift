import AuthorizationServer
import Foundation
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// Server signing keys (FAPI 2.0 SP §5.4.1): generated on first use, ES256 by default, PS256 and EdDSA selectable;
/// every token names its key by `kid` and verifies against `jwks_uri`; rotation keeps old tokens verifiable.
@Suite("Server signing keys")
struct ServerSigningKeyTests {
    @Test("Each selectable algorithm signs ID and access tokens that verify against jwks_uri", arguments: JWSAlgorithm.allCases)
    func selectableAlgorithms(alg: JWSAlgorithm) async throws {
        try await TestServer(configure: { $0.signingAlgorithm = alg }).withFlow { flow in
            let tokens = try await flow.tokens(dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            let keys = try await flow.publishedKeys()
            for name in ["access_token", "id_token"] {
                let jws = try CompactJWS.parse(try #require(tokens[name]?.stringValue))
                #expect(jws.algorithm == alg)
                #expect(jws.kid != nil)
                let key = try jws.verify(with: keys, allowed: [alg])
                #expect(key.kid == jws.kid)
            }
        }
    }

    @Test("Rotation: a token signed before `kura keys rotate` still verifies, new tokens use the new kid")
    func rotationKeepsOldKeysPublished() async throws {
        try await TestServer().withFlow { flow in
            let before = try await flow.tokens(dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop"))
            let newKID = try await flow.test.server.keys.rotate()
            flow.test.clock.advance(by: 31)
            let after = try await flow.tokens(dpopKey: try JWSSigningKey.generate(.es256, kid: "dpop2"))
            let keys = try await flow.publishedKeys()
            let old = try CompactJWS.parse(try #require(before["access_token"]?.stringValue))
            let new = try CompactJWS.parse(try #require(after["access_token"]?.stringValue))
            #expect(new.kid == newKID)
            #expect(old.kid != newKID)
            _ = try old.verify(with: keys, allowed: [.es256])
            _ = try new.verify(with: keys, allowed: [.es256])
            let records = try await flow.test.server.stores.keys.list()
            #expect(records.filter { $0.status == .active }.map(\.kid) == [newKID])
        }
    }

    @Test("The JWKS never contains private key members")
    func noPrivateMembers() async throws {
        try await TestServer(configure: { $0.signingAlgorithm = .ps256 }).withFlow { flow in
            _ = try await flow.test.server.keys.signingKey()
            let response = try await flow.get("/jwks")
            let text = String(buffer: response.body)
            for member in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""] {
                #expect(!text.contains(member), "JWKS leaks \(member)")
            }
        }
    }

    @Test("A kid rotated in by another node is found before the cache interval ends (reload on unknown kid)")
    func reloadOnUnknownKID() async throws {
        let test = try await TestServer()
        let otherNode = ServerKeyRing(store: test.server.stores.keys, algorithm: .es256, clock: test.clock, random: SystemRandom())
        let before = try await test.server.keys.publishedKeys()
        let newKID = try await otherNode.rotate()
        #expect(before.keys(withKID: newKID).isEmpty)
        #expect(try await test.server.keys.publishedKeys(including: newKID).keys(withKID: newKID).isEmpty,
                "no reload within the minimum interval")
        test.clock.advance(by: 6)
        #expect(try await test.server.keys.publishedKeys(including: newKID).keys(withKID: newKID).count == 1)
    }
}
