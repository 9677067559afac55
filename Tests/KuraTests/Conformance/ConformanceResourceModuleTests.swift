import AuthorizationServer
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing
import _CryptoExtras

/// Protected-resource requests (RFC 6750 §2.1, §3; RFC 9449 §4.3, §7; RFC 8705 §3; FAPI 2.0 SP §5.3.4) with the
/// UserInfo endpoint as the resource: the resource-server conformance modules of FAPI2-CHECKLIST §E.3. Every DPoP
/// negative must be answered with 400 or 401 (§E.4).
@Suite("Conformance modules: the resource server (userinfo)")
struct ConformanceResourceModuleTests {
    /// A compact JWS with exactly `header` over `claims`, signed by `key`.
    func jws(_ header: [String: JSONValue], _ claims: [String: JSONValue], key: JWSSigningKey) throws -> String {
        try JWT.signCompact(header: header, payload: JSONValue.object(claims).jsonData(), key: key)
    }

    /// `header` and `claims` signed RS256 (RSASSA-PKCS1-v1_5) with the RSA key `key`.
    func rs256(_ header: [String: JSONValue], _ claims: [String: JSONValue], key: JWSSigningKey) throws -> String {
        let input = Base64URL.encode(JSONValue.object(header).jsonData()) + "." + Base64URL.encode(JSONValue.object(claims).jsonData())
        let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: try #require(key.pemPrivateKey))
        let signature = try rsa.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    @Test("fapi2-security-profile-final-access-token-type-header-case-sensitivity: dPOP and dpop for a DPoP-bound token, bEARER for a certificate-bound one → 200 (RFC 9110 11.1)")
    func schemeCaseInsensitive() async throws {
        try await ConformanceServer().withFlow { flow in
            let key = try dpopKey()
            let token = try #require(try await flow.tokens(dpopKey: key)["access_token"]?.stringValue)
            for scheme in ["dPOP", "dpop"] {
                let response = try await flow.userinfo(token, scheme: scheme, proofKey: key)
                #expect(response.status == .ok, "\(scheme): \(response.bodyText)")
            }
        }

        let fixture = try MutualTLSFixture()
        let mutualTLS = try await ConformanceServer.mutualTLSBehindProxy(fixture)
        try await mutualTLS.registerMutualTLSClient("mtls-partner")
        let certificate = try clientCertHeader(try fixture.issue(cn: "mtls-partner"))
        try await mutualTLS.withFlow(.live) { flow in
            let code = try await flow.mutualTLSCode(clientID: "mtls-partner", certificate: certificate)
            let form = flow.mutualTLSParameters(try flow.tokenParameters(code: code), clientID: "mtls-partner")
            let tokens = try await flow.post(OAuthServer.Path.token, form: form, headers: certificate)
            let token = try #require(tokens.json["access_token"]?.stringValue)
            #expect(tokens.json["token_type"]?.stringValue == "Bearer")
            for scheme in ["bEARER", "bearer"] {
                var headers = certificate
                headers[.authorization] = "\(scheme) \(token)"
                let response = try await flow.get(OAuthServer.Path.userinfo, headers: headers)
                #expect(response.status == .ok, "\(scheme): \(response.bodyText)")
                #expect(response.headers[.date] != nil, "resource responses carry Date")
            }
        }
    }

    @Test("fapi2-security-profile-final-dpop-negative-tests: every malformed, mismatched or missing proof → 400/401, a replayed jti too; DPOP header name, htu with query or fragment, host case, default port and extra members are accepted")
    func dpopNegatives() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let key = try JWSSigningKey.generate(.ps256, kid: "rsa-dpop")
            let token = try #require(try await flow.tokens(dpopKey: key)["access_token"]?.stringValue)
            let url = flow.url(OAuthServer.Path.userinfo)
            let now = conformance.clock.now().epochSeconds
            let header: [String: JSONValue] = ["typ": "dpop+jwt", "alg": "PS256", "jwk": .object(key.publicJWK.publicJSON)]
            func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
                var c: [String: JSONValue] = ["htm": "GET", "htu": .string(url), "iat": .int(now), "jti": .string(UUID().uuidString),
                                              "ath": .string(Base64URL.encode(Array(SHA256Digest.of(token))))]
                for (name, value) in changes { c[name] = value }
                return c
            }
            func headerWith(_ changes: [String: JSONValue?]) -> [String: JSONValue] {
                var h = header
                for (name, value) in changes { h[name] = value }
                return h
            }
            func request(_ proofs: [String], scheme: String = "DPoP", name: String = "DPoP") async throws -> TestResponse {
                var fields: HTTPFields = [.authorization: "\(scheme) \(token)"]
                for proof in proofs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: proof)) }
                return try await flow.get(OAuthServer.Path.userinfo, headers: fields)
            }
            let valid = { try jws(header, claims(), key: key) }
            let tampered = try valid().split(separator: ".").map(String.init)
            var signature = try #require(Base64URL.decode(tampered[2]))
            signature[7] ^= 0x01

            let negatives: [(String, [String], String)] = [
                ("two DPoP headers", [try valid(), try valid()], "DPoP"),
                ("a malformed JWT", ["not-a-jwt"], "DPoP"),
                ("no typ", [try jws(headerWith(["typ": nil]), claims(), key: key)], "DPoP"),
                ("no alg", [try jws(headerWith(["alg": nil]), claims(), key: key)], "DPoP"),
                ("no jwk", [try jws(headerWith(["jwk": nil]), claims(), key: key)], "DPoP"),
                ("no jti", [try jws(header, claims(["jti": nil]), key: key)], "DPoP"),
                ("no htm", [try jws(header, claims(["htm": nil]), key: key)], "DPoP"),
                ("no htu", [try jws(header, claims(["htu": nil]), key: key)], "DPoP"),
                ("no iat", [try jws(header, claims(["iat": nil]), key: key)], "DPoP"),
                ("no ath", [try jws(header, claims(["ath": nil]), key: key)], "DPoP"),
                ("typ JWT", [try jws(headerWith(["typ": "JWT"]), claims(), key: key)], "DPoP"),
                ("alg RS256", [try rs256(headerWith(["alg": "RS256"]), claims(), key: key)], "DPoP"),
                ("alg none", [Base64URL.encode(JSONValue.object(headerWith(["alg": "none"])).jsonData()) + "."
                    + Base64URL.encode(JSONValue.object(claims()).jsonData()) + "."], "DPoP"),
                ("a bad signature", [tampered[0] + "." + tampered[1] + "." + Base64URL.encode(signature)], "DPoP"),
                ("a private key in jwk", [try jws(headerWith(["jwk": .object(key.privateJWKJSON)]), claims(), key: key)], "DPoP"),
                ("htm POST", [try jws(header, claims(["htm": "POST"]), key: key)], "DPoP"),
                ("another htu", [try jws(header, claims(["htu": .string(flow.url("/other"))]), key: key)], "DPoP"),
                ("iat an hour ahead", [try jws(header, claims(["iat": .int(now + 3600)]), key: key)], "DPoP"),
                ("iat an hour ago", [try jws(header, claims(["iat": .int(now - 3600)]), key: key)], "DPoP"),
                ("a wrong ath", [try jws(header, claims(["ath": .string(Base64URL.encode(Array(SHA256Digest.of("other"))))]), key: key)], "DPoP"),
                ("another key than cnf.jkt", [try flow.test.dpopProof(key: try dpopKey("other"), method: "GET", url: url, accessToken: token)], "DPoP"),
                ("no DPoP header", [], "DPoP"),
                ("the Bearer scheme", [try valid()], "Bearer"),
            ]
            let before = conformance.rows
            for (description, proofs, scheme) in negatives {
                let response = try await request(proofs, scheme: scheme)
                #expect([400, 401].contains(response.status.code), "\(description): \(response.status) \(response.bodyText)")
                #expect(response.json["sub"] == nil, "\(description)")
            }
            let once = try valid()
            #expect(try await request([once]).status == .ok)
            #expect([400, 401].contains(try await request([once]).status.code), "a replayed jti (SHOULD)")
            conformance.expectNoRowsCreated(since: before)

            let accepted: [(String, String, String)] = [
                ("header name DPOP", try valid(), "DPOP"),
                ("htu with query and fragment", try jws(header, claims(["htu": .string(url + "?a=b#c")]), key: key), "DPoP"),
                ("extra claims and header members", try jws(headerWith(["x-extra": "1"]), claims(["extra": "1"]), key: key), "DPoP"),
                ("htu host in capitals", try jws(header, claims(["htu": .string(url.replacingOccurrences(of: "as.kura.test", with: "AS.KURA.TEST"))]), key: key), "DPoP"),
                ("htu with the default port", try jws(header, claims(["htu": .string(url.replacingOccurrences(of: "as.kura.test", with: "as.kura.test:443"))]), key: key), "DPoP"),
            ]
            for (description, proof, name) in accepted {
                let response = try await request([proof], name: name)
                #expect(response.status == .ok, "\(description): \(response.status) \(response.bodyText)")
            }
        }
    }

    @Test("fapi2-security-profile-final-brazil-ensure-bad-payment-signature-fails: not applicable (openbanking_brazil only; Kura has no payment-consent API); a signed message with a bad signature is refused: a tampered client assertion gets 401 invalid_client, nothing stored")
    func badSignature() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            let parts = try flow.test.clientAssertion().split(separator: ".").map(String.init)
            var signature = try #require(Base64URL.decode(parts[2]))
            signature[3] ^= 0x01
            let before = conformance.rows
            let response = try await flow.par(["client_assertion": parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)])
            expectOAuthError(response, ["invalid_client"], statuses: [401])
            conformance.expectNoRowsCreated(since: before)
        }
    }
}
