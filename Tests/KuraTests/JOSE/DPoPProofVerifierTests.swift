import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import Testing

@Suite("DPoP proof validation (RFC 9449 §4.3)")
struct DPoPProofVerifierTests {
    static let url = "https://as.example.com/token"
    let verifier = DPoPProofVerifier()
    let now = JOSEFixtures.now

    /// A valid proof for `POST url` at `now`, changed by `edit` (claims) and `editHeader`.
    func proof(
        key: JWSSigningKey = JOSEFixtures.es256, jwk: [String: JSONValue]? = nil, typ: String? = "dpop+jwt",
        _ edit: (inout [String: JSONValue]) -> Void = { _ in }
    ) throws -> String {
        var claims: [String: JSONValue] = [
            "jti": .string(UUID().uuidString), "htm": "POST", "htu": .string(Self.url), "iat": .int(now.epochSeconds),
        ]
        edit(&claims)
        return try JWT.sign(
            claims: claims, typ: typ, key: key, includeKid: false,
            extraHeader: ["jwk": .object(jwk ?? key.publicJWK.publicJSON)])
    }

    func verify(_ proof: String, method: String = "POST", url: String = url, accessToken: String? = nil)
        throws(OAuthError)
        -> VerifiedDPoPProof
    {
        try verifier.verify(headerValues: [proof], method: method, url: url, accessToken: accessToken, now: now)
    }

    func expectRejected(
        _ proof: String, method: String = "POST", url: String = url, accessToken: String? = nil,
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: OAuthError(.invalidDPoPProof), comment, sourceLocation: sourceLocation) {
            try verify(proof, method: method, url: url, accessToken: accessToken)
        }
    }

    @Test(
        "A valid proof is accepted with each FAPI algorithm and yields the RFC 7638 jkt",
        arguments: JWSAlgorithm.allCases)
    func validAccepted(alg: JWSAlgorithm) throws {
        let key = JOSEFixtures.key(alg)
        let verified = try verify(
            try proof(key: key) {
                $0["jti"] = "proof-1"
                $0["nonce"] = "n-1"
            })
        #expect(verified.jkt == key.publicJWK.thumbprint())
        #expect(verified.jti == "proof-1" && verified.nonce == "n-1" && verified.issuedAt == now)
        #expect(verified.jwk.thumbprint() == verified.jkt)
    }

    @Test("Check 1: exactly one DPoP header; none or two are rejected")
    func exactlyOneHeader() throws {
        let p = try proof()
        for values in [[], [p, p]] {
            #expect(throws: OAuthError(.invalidDPoPProof)) {
                try verifier.verify(headerValues: values, method: "POST", url: Self.url, accessToken: nil, now: now)
            }
        }
    }

    @Test("Checks 2 and 4: the proof is a JWT with typ dpop+jwt")
    func typRequired() throws {
        expectRejected(try proof(typ: "JWT"))
        expectRejected(try proof(typ: nil))
        expectRejected("not.a.jwt")
        _ = try verify(try proof(typ: "application/dpop+jwt"))
    }

    @Test("Check 5: alg none, RS256 and HS256 are rejected")
    func weakAlgorithmsRejected() throws {
        let jwk = JOSEFixtures.es256.publicJWK.publicJSON
        let claims = JOSEFixtures.claimsData([
            "jti": "j", "htm": "POST", "htu": .string(Self.url), "iat": .int(now.epochSeconds),
        ])
        for alg: JSONValue in ["none", "RS256", "HS256"] {
            let token = JOSEFixtures.rawToken(
                header: ["alg": alg, "typ": "dpop+jwt", "jwk": .object(jwk)], payload: claims
            ) {
                Data(
                    HMAC<SHA256>.authenticationCode(
                        for: $0, using: SymmetricKey(data: JSONValue.object(jwk).jsonData())))
            }
            expectRejected(token, "alg \(alg)")
        }
    }

    @Test("Check 5: an algorithm outside the verifier's allowed set is rejected")
    func allowedSetEnforced() throws {
        let esOnly = DPoPProofVerifier(allowedAlgorithms: [.es256])
        #expect(throws: OAuthError(.invalidDPoPProof)) {
            try esOnly.verify(
                headerValues: [try proof(key: JOSEFixtures.edDSA)], method: "POST", url: Self.url, accessToken: nil,
                now: now)
        }
    }

    @Test("Checks 6–7: the jwk header must be present, public only, fit alg and verify the signature")
    func jwkRules() throws {
        expectRejected(try proof(jwk: JOSEFixtures.es256.privateJWKJSON), "private key in jwk")
        expectRejected(try proof(jwk: JOSEFixtures.otherES256.publicJWK.publicJSON), "another key")
        expectRejected(try proof(jwk: JOSEFixtures.edDSA.publicJWK.publicJSON), "key type does not fit ES256")
        let noJWK = try JWT.sign(
            claims: ["jti": "j", "htm": "POST", "htu": .string(Self.url), "iat": .int(now.epochSeconds)],
            typ: "dpop+jwt", key: JOSEFixtures.es256)
        expectRejected(noJWK, "no jwk header")
        var kidless = JOSEFixtures.es256.publicJWK.publicJSON
        kidless["kid"] = nil
        kidless["alg"] = nil
        kidless["use"] = nil
        _ = try verify(try proof(jwk: kidless))
    }

    @Test("Check 8: htm must equal the method, case-sensitively")
    func htmRules() throws {
        expectRejected(try proof(), method: "GET")
        expectRejected(try proof { $0["htm"] = "post" })
        expectRejected(try proof { $0["htm"] = nil })
    }

    @Test("Check 9: htu with a query or fragment is accepted; the request URL's query is ignored too")
    func htuIgnoresQuery() throws {
        _ = try verify(try proof { $0["htu"] = .string(Self.url + "?a=b#frag") })
        _ = try verify(try proof(), url: Self.url + "?x=1")
    }

    @Test("Check 9: host case and the default port are normalised (RFC 3986 §6.2.2–6.2.3)")
    func htuNormalised() throws {
        _ = try verify(try proof { $0["htu"] = "HTTPS://AS.Example.COM:443/token" })
        _ = try verify(try proof(), url: "https://as.example.com:443/token")
        _ = try verify(try proof { $0["htu"] = "https://as.example.com/./token" })
    }

    @Test("Check 9: another path, host, scheme or port is rejected")
    func htuMismatchRejected() throws {
        for htu in [
            "https://as.example.com/par", "https://as.example.com/token/", "https://as.example.com/TOKEN",
            "https://other.example.com/token", "http://as.example.com/token", "https://as.example.com:8443/token",
            "https://user@as.example.com/token", "as.example.com/token",
        ] {
            expectRejected(try proof { $0["htu"] = .string(htu) }, "htu \(htu)")
        }
        expectRejected(try proof { $0["htu"] = nil })
    }

    @Test("Check 11: iat −10 s and +8 s are accepted (SP §5.3.2.1-13)")
    func iatWindowAccepted() throws {
        for offset: Int64 in [-10, 8, -299] {
            _ = try verify(try proof { $0["iat"] = .int(now.epochSeconds + offset) })
        }
    }

    @Test("Check 11: iat ±1 h is rejected, and a missing iat too")
    func iatWindowRejected() throws {
        expectRejected(try proof { $0["iat"] = .int(now.epochSeconds + 3600) })
        expectRejected(try proof { $0["iat"] = .int(now.epochSeconds - 3600) })
        expectRejected(try proof { $0["iat"] = .int(now.epochSeconds + 11) })
        expectRejected(try proof { $0["iat"] = nil })
    }

    @Test("jti is required, non-empty and at most 256 characters")
    func jtiRules() throws {
        expectRejected(try proof { $0["jti"] = nil })
        expectRejected(try proof { $0["jti"] = "" })
        expectRejected(try proof { $0["jti"] = .string(String(repeating: "j", count: 257)) })
    }

    @Test("Check 12: with an access token, ath is required and must be its SHA-256 (RFC 9449 §4.3, §7)")
    func athRules() throws {
        let token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
        let ath = Base64URL.encode(SHA256.hash(data: Data(token.utf8)))
        _ = try verify(try proof { $0["ath"] = .string(ath) }, accessToken: token)
        expectRejected(try proof(), accessToken: token, "ath missing")
        expectRejected(
            try proof { $0["ath"] = .string(Base64URL.encode(SHA256.hash(data: Data("other".utf8)))) },
            accessToken: token)
        _ = try verify(try proof { $0["ath"] = "ignored without a token" })
    }

    @Test("Unknown claims such as nbf and exp are ignored")
    func extraClaimsIgnored() throws {
        _ = try verify(
            try proof {
                $0["nbf"] = .int(now.epochSeconds + 3600)
                $0["exp"] = .int(now.epochSeconds - 3600)
                $0["extra"] = ["nested": true]
            })
    }

    @Test("crit in a proof header is rejected (RFC 7515 §4.1.11)")
    func critRejected() throws {
        let key = JOSEFixtures.es256
        let token = try JWT.sign(
            claims: ["jti": "j", "htm": "POST", "htu": .string(Self.url), "iat": .int(now.epochSeconds)],
            typ: "dpop+jwt",
            key: key, includeKid: false, extraHeader: ["jwk": .object(key.publicJWK.publicJSON), "crit": ["x"], "x": 1])
        expectRejected(token)
    }
}
