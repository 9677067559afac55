import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPMessageSignatures
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// FAPI 2.0 HTTP Signatures at the bank API (checklist C.5): request signatures verified (required for clients
/// registered with `require_http_message_signatures`, 401 when missing or bad), every response signed with a key of
/// the server's JWKS, and `x-fapi-interaction-id` on every response.
@Suite("Bank API: HTTP message signatures (RFC 9421) and x-fapi-interaction-id")
struct BankAPIMessageSigningTests {
    static let path = "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances"

    func requireSignatures(_ fixture: BankAPIFixture) async throws {
        var record = try #require(try await fixture.test.server.stores.clients.find(clientID: fixture.test.clientID))
        record.metadata["require_http_message_signatures"] = true
        try await fixture.test.server.stores.clients.update(record)
    }

    @Test("Every response is signed (tag fapi-2-response) and verifies with the server's JWKS: success and errors alike (C.5-22…26)")
    func responsesSigned() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            let ok = try await api.call(.get, Self.path, token: token, proofKey: dpop)
            #expect(ok.status == .ok)
            let signature = try await api.verifySignature(of: ok, method: .get, Self.path)
            #expect(signature.coveredComponents.contains("\"@status\"") && signature.coveredComponents.contains("\"content-digest\""))
            #expect(signature.coveredComponents.contains("\"@method\";req") && signature.coveredComponents.contains("\"@target-uri\";req"))
            #expect(ok.headers[HTTPField.Name("Content-Digest")!] == ContentDigest.sha256(Array(ok.body.readableBytesView)))
            let refused = try await api.call(.get, Self.path, token: nil, proofKey: nil)
            #expect(refused.status == .unauthorized)
            _ = try await api.verifySignature(of: refused, method: .get, Self.path)
        }
    }

    @Test("A tampered response body no longer verifies (the signature covers content-digest)")
    func tamperedResponse() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let response = try await api.call(.get, Self.path, token: try await api.token(dpopKey: dpop), proofKey: dpop)
            let headers = response.headers.map { ($0.name.canonicalName, $0.value) }
            let request = HTTPSignatureRequest(method: "GET", targetURI: "https://as.kura.test" + Self.path, headers: [], body: [])
            #expect(throws: HTTPSignatureError.self) {
                try FAPIHTTPSignatures.verifyResponse(status: 200, headers: headers, body: Array("{\"balances\":[]}".utf8), request: request,
                                                      keys: JWKSet(keys: []), now: api.test.clock.now())
            }
            let keys = try await api.fixture.platform.server.keys.publishedKeys()
            #expect(throws: HTTPSignatureError.self) {
                try FAPIHTTPSignatures.verifyResponse(status: 200, headers: headers, body: Array("{\"balances\":[]}".utf8), request: request,
                                                      keys: keys, now: api.test.clock.now())
            }
            let otherTarget = HTTPSignatureRequest(method: "GET", targetURI: "https://as.kura.test/api/accounts", headers: [], body: [])
            #expect(throws: HTTPSignatureError.self) {
                try FAPIHTTPSignatures.verifyResponse(status: 200, headers: headers, body: Array(response.body.readableBytesView),
                                                      request: otherTarget, keys: keys, now: api.test.clock.now())
            }
        }
    }

    @Test("A client registered for signatures: unsigned requests are 401, signed ones succeed and are bound into the response (C.5-16, -24)")
    func requiredSignatures() async throws {
        let fixture = try await BankAPIFixture()
        try await requireSignatures(fixture)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            let unsigned = try await api.call(.get, Self.path, token: token, proofKey: dpop)
            #expect(unsigned.status == .unauthorized && unsigned.oauthError == "invalid_signature", "\(unsigned.bodyText)")
            _ = try await api.verifySignature(of: unsigned, method: .get, Self.path)
            let signed = try await api.call(.get, Self.path, token: token, proofKey: dpop, sign: true)
            #expect(signed.status == .ok, "\(signed.bodyText)")
            let input = try #require(signed.headers[HTTPField.Name("Signature-Input")!])
            #expect(input.contains("\"signature\";req") || input.contains("\"signature\";key"), "\(input)")
        }
    }

    @Test("A signed transfer covers content-digest; a body changed after signing is 401 and books nothing (C.5-21)")
    func signedTransfer() async throws {
        let fixture = try await BankAPIFixture()
        try await requireSignatures(fixture)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(scope: ["transfers"], dpopKey: dpop)
            let tampered = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(amount: "100"),
                                              idempotencyKey: "t1", sign: true) { headers in
                headers[HTTPField.Name("Content-Digest")!] = ContentDigest.sha256(Array("{}".utf8))
            }
            #expect(tampered.status == .unauthorized, "\(tampered.bodyText)")
            #expect(try #require(try await fixture.store.account(id: BankAPIFixture.aliceOrdinary)).balanceMinor == 100_000)
            let signed = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(amount: "100"),
                                            idempotencyKey: "t2", sign: true)
            #expect(signed.status == .created, "\(signed.bodyText)")
        }
    }

    @Test("Signatures by a key that is not the client's, stale ones, and ones not covering authorization are 401 (C.5-15, -18, -19)")
    func badSignatures() async throws {
        let fixture = try await BankAPIFixture()
        try await requireSignatures(fixture)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            let stranger = try JWSSigningKey.generate(.es256, kid: fixture.test.clientKey.kid)
            let foreign = try await api.call(.get, Self.path, token: token, proofKey: dpop, sign: true, signingKey: stranger)
            #expect(foreign.status == .unauthorized, "\(foreign.bodyText)")
            let signedHeaders: HTTPFields = try {
                var headers: HTTPFields = [.authorization: "DPoP \(token)"]
                let request = HTTPSignatureRequest(method: "GET", targetURI: "https://as.kura.test" + Self.path,
                                                   headers: headers.map { ($0.name.canonicalName, $0.value) }, body: [])
                for (name, value) in try FAPIHTTPSignatures.signRequest(request, key: fixture.test.clientKey, created: fixture.test.clock.now()) {
                    headers[HTTPField.Name(name)!] = value
                }
                return headers
            }()
            fixture.test.clock.advance(by: 120)
            let replayedLate = try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: signedHeaders) { headers in
                headers[FlowDriver.dpopHeader] = try? fixture.test.dpopProof(key: dpop, method: "GET", url: "https://as.kura.test" + Self.path,
                                                                             accessToken: token)
            }
            #expect(replayedLate.status == .unauthorized && replayedLate.oauthError == "invalid_signature", "\(replayedLate.bodyText)")
        }
    }

    @Test("x-fapi-interaction-id is echoed when sent and a fresh RFC 4122 UUID otherwise, on successes and errors")
    func interactionID() async throws {
        try await BankAPIFixture().withAPI { api in
            let id = "c770aef3-6784-41f7-8e0e-ff5f97bddb3a"
            let echoed = try await api.call(.get, Self.path, token: nil, proofKey: nil, headers: [BankAPIDriver.interactionID: id])
            #expect(echoed.headers[BankAPIDriver.interactionID] == id)
            let generated = try await api.call(.get, "/api/openapi.json", token: nil, proofKey: nil)
            let value = try #require(generated.headers[BankAPIDriver.interactionID])
            #expect(UUID(uuidString: value) != nil && value.count == 36 && Array(value)[14] == "4", "\(value)")
            let injected = try await api.call(.get, "/api/openapi.json", token: nil, proofKey: nil,
                                              headers: [BankAPIDriver.interactionID: "bad value\twith spaces"])
            #expect(injected.headers[BankAPIDriver.interactionID] != "bad value\twith spaces")
        }
    }
}
