import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

@Suite("DPoP proofs the client sends (RFC 9449 §4.2, §7, §8)")
struct DPoPProofFactoryTests {
    let clock = ManualClock(ClientFixtures.now)
    var factory: DPoPProofFactory { DPoPProofFactory(key: ClientFixtures.dpopKey, clock: clock, random: SystemRandom()) }

    @Test("Header: typ dpop+jwt, the key's alg, and a public jwk without private members or kid; no kid header")
    func header() throws {
        let (header, _) = try ClientFixtures.decode(try factory.proof(method: "POST", url: URL(string: "https://as.kura.example/token")!))
        #expect(header["typ"] == "dpop+jwt")
        #expect(header["alg"] == "ES256")
        #expect(header["kid"] == nil)
        let jwk = try #require(header["jwk"]?.objectValue)
        #expect(Set(jwk.keys) == ["kty", "crv", "x", "y"])
        #expect(jwk.keys.allSatisfy { !JWK.privateMemberNames.contains($0) })
        #expect(try JWK(json: jwk).thumbprint() == factory.thumbprint)
    }

    @Test("Claims: htm, htu without query and fragment, iat from the clock, and a fresh jti per proof")
    func claims() throws {
        let url = URL(string: "https://as.kura.example:8443/token?x=1&y=2#frag")!
        let (_, first) = try ClientFixtures.decode(try factory.proof(method: "post", url: url))
        let (_, second) = try ClientFixtures.decode(try factory.proof(method: "POST", url: url))
        #expect(first["htm"] == "POST")
        #expect(first["htu"] == "https://as.kura.example:8443/token")
        #expect(first["iat"]?.intValue == ClientFixtures.now.epochSeconds)
        #expect((first["jti"]?.stringValue?.count ?? 0) >= 22)
        #expect(first["jti"] != second["jti"])
        #expect(first["ath"] == nil && first["nonce"] == nil)
    }

    @Test("With an access token the proof carries ath = base64url(SHA-256(token)) (§4.2, §7)")
    func ath() throws {
        let token = "eyJhbGciOiJFUzI1NiJ9.e30.sig"
        let (_, claims) = try ClientFixtures.decode(
            try factory.proof(method: "GET", url: URL(string: "https://bank.example/accounts?page=2")!, accessToken: token))
        #expect(claims["ath"]?.stringValue == CredentialHash.of(token))
        #expect(claims["ath"]?.stringValue?.count == 43)
        #expect(claims["htu"] == "https://bank.example/accounts")
    }

    @Test("A server-provided nonce goes into the nonce claim (§8)")
    func nonce() throws {
        let (_, claims) = try ClientFixtures.decode(
            try factory.proof(method: "POST", url: URL(string: "https://as.kura.example/par")!, nonce: "n-123"))
        #expect(claims["nonce"] == "n-123")
    }

    @Test("Proofs pass Kura's own DPoP verifier (§4.3), at the AS and with ath at the RS", arguments: [JWSAlgorithm.es256, .edDSA])
    func interop(alg: JWSAlgorithm) throws {
        let key = try JWSSigningKey.generate(alg, kid: "k")
        let factory = DPoPProofFactory(key: key, clock: clock)
        let url = "https://bank.example/accounts/1/transactions?from=2024"
        let proof = try factory.proof(method: "GET", url: URL(string: url)!, accessToken: "at-1")
        let verified = try DPoPProofVerifier().verify(headerValues: [proof], method: "GET", url: url, accessToken: "at-1", now: clock.now())
        #expect(verified.jkt == factory.thumbprint)
    }

    @Test("The nonce cache keys by origin and recognises AS (400) and RS (401) nonce challenges (§8, §9)")
    func nonceCache() {
        let url = URL(string: "https://as.kura.example/token")!
        var cache = DPoPNonceCache()
        cache.remember(.json(["error": "use_dpop_nonce"], status: 400, url: url, headers: ["DPoP-Nonce": "n1"]))
        #expect(cache.nonce(for: URL(string: "https://as.kura.example:443/par")!) == "n1")
        #expect(cache.nonce(for: URL(string: "https://bank.example/accounts")!) == nil)

        #expect(DPoPNonceCache.isNonceChallenge(.json(["error": "use_dpop_nonce"], status: 400, url: url, headers: ["DPoP-Nonce": "n"])))
        #expect(DPoPNonceCache.isNonceChallenge(HTTPResponseMessage(
            status: 401, headers: ["WWW-Authenticate": #"DPoP error="use_dpop_nonce", error_description="fresh""#, "DPoP-Nonce": "n"], url: url)))
        #expect(!DPoPNonceCache.isNonceChallenge(.json(["error": "use_dpop_nonce"], status: 400, url: url)), "no DPoP-Nonce header")
        #expect(!DPoPNonceCache.isNonceChallenge(.json(["error": "invalid_dpop_proof"], status: 400, url: url, headers: ["DPoP-Nonce": "n"])))
    }
}
