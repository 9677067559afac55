import Foundation
import HTTPMessageSignatures
import OAuthJOSE
import Testing

/// FAPI 2.0 HTTP Signatures, resource server as verifier of signed requests (FAPI2-CHECKLIST §C.5 items 14–21): one
/// negative test per rule, each failing with its own reason.
@Suite("HTTPSignatures: FAPI 2.0 request signature verification (C.5 items 14-21)")
struct HTTPSignatureFAPIRequestTests {
    static let key = try! JWSSigningKey.generate(.es256, kid: "client-sig-1")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    let keys = JWKSet(keys: [Self.key.publicJWK])

    static let baseRequest = HTTPSignatureRequest(
        method: "POST", targetURI: "https://bank.example/api/transfers?x=1",
        headers: [("Authorization", "DPoP token-123"), ("DPoP", "eyJ.proof.sig"), ("Content-Type", "application/json")],
        body: Array(#"{"amount":"10.00"}"#.utf8))

    /// `request` signed by `signRequest` (all FAPI components), with the headers added.
    func signed(_ request: HTTPSignatureRequest = baseRequest, created: Date = now, key: JWSSigningKey = key) throws -> HTTPSignatureRequest {
        var request = request
        request.headers += try FAPIHTTPSignatures.signRequest(request, key: key, created: created)
        return request
    }

    /// `request` (with Content-Digest) signed over `components` with `parameters`, bypassing the profile signer.
    func custom(_ components: [String], _ parameters: HTTPSignatureParameters, request: HTTPSignatureRequest = baseRequest) throws -> HTTPSignatureRequest {
        var request = request
        if !request.body.isEmpty { request.headers.append(("Content-Digest", ContentDigest.sha256(request.body))) }
        let signed = try HTTPMessageSigning.sign(
            .request(request), label: "sig", components: components.map { try HTTPSignatureComponent($0) },
            parameters: parameters, key: Self.key)
        request.headers += signed.fields
        return request
    }

    func fapi(created: Int64? = 1_800_000_000, keyID: String? = "client-sig-1", alg: String? = nil, tag: String? = "fapi-2-request") -> HTTPSignatureParameters {
        HTTPSignatureParameters(created: created, alg: alg, keyID: keyID, tag: tag)
    }

    let all = ["@method", "@target-uri", "authorization", "dpop", "content-digest"]

    func rejects(_ request: HTTPSignatureRequest, _ reason: String, now: Date = now) {
        #expect(throws: HTTPSignatureError(reason)) {
            try FAPIHTTPSignatures.verifyRequest(request, keys: keys, now: now)
        }
    }

    @Test("A request signed by signRequest verifies and reports label, keyid, created and coverage")
    func happy() throws {
        let request = try signed()
        #expect(request.headers.map(\.name).suffix(3) == ["Content-Digest", "Signature-Input", "Signature"])
        let verified = try FAPIHTTPSignatures.verifyRequest(request, keys: keys, now: Self.now.addingTimeInterval(30))
        #expect(verified.label == "sig")
        #expect(verified.keyID == "client-sig-1")
        #expect(verified.created == Self.now)
        #expect(verified.coveredComponents == all.map { "\"\($0)\"" })
        #expect(verified.signatureInput == #"("@method" "@target-uri" "authorization" "dpop" "content-digest");created=1800000000;keyid="client-sig-1";tag="fapi-2-request""#)
    }

    @Test("A GET without body and DPoP signs without content-digest and dpop; Ed25519 and RSA keys work")
    func variants() throws {
        let get = HTTPSignatureRequest(method: "GET", targetURI: "https://bank.example/api/accounts", headers: [("Authorization", "Bearer t")], body: [])
        for alg in [JWSAlgorithm.edDSA, .ps256] {
            let key = try JWSSigningKey.generate(alg, kid: "k-\(alg.rawValue)")
            let verified = try FAPIHTTPSignatures.verifyRequest(try signed(get, key: key), keys: JWKSet(keys: [key.publicJWK]), now: Self.now)
            #expect(verified.coveredComponents == [#""@method""#, #""@target-uri""#, #""authorization""#])
        }
    }

    @Test("item 16: a request without signature is rejected")
    func missing() { rejects(Self.baseRequest, "The request signature is missing or malformed: The message has no Signature-Input field") }

    @Test("item 17: a signature without tag fapi-2-request is rejected")
    func wrongTag() throws {
        rejects(try custom(all, fapi(tag: "other")), "The request has no signature with tag fapi-2-request")
        rejects(try custom(all, fapi(tag: nil)), "The request has no signature with tag fapi-2-request")
    }

    @Test("item 18: signatures missing @method, @target-uri or authorization are rejected")
    func coverage() throws {
        for missing in ["@method", "@target-uri", "authorization"] {
            rejects(try custom(all.filter { $0 != missing }, fapi()), "The signature does not cover \(missing)")
        }
    }

    @Test("item 20: a DPoP header present but not covered is rejected")
    func dpop() throws {
        rejects(try custom(all.filter { $0 != "dpop" }, fapi()), "The request has a DPoP field but the signature does not cover dpop")
    }

    @Test("item 21: a body without covered content-digest, or with a digest that does not match, is rejected")
    func digest() throws {
        rejects(try custom(all.filter { $0 != "content-digest" }, fapi()), "The message has a body but the signature does not cover content-digest")
        var tampered = try signed()
        tampered.body = Array(#"{"amount":"99.00"}"#.utf8)
        rejects(tampered, "The Content-Digest sha-256 does not match the body")
    }

    @Test("item 19: created missing, too old or in the future is rejected; expires is honoured")
    func created() throws {
        rejects(try custom(all, fapi(created: nil)), "The signature has no created parameter")
        rejects(try signed(), "The signature is too old", now: Self.now.addingTimeInterval(61))
        rejects(try signed(created: Self.now.addingTimeInterval(6)), "The signature created time is in the future")
        var expired = fapi()
        expired.expires = 1_800_000_010
        rejects(try custom(all, expired), "The signature has expired", now: Self.now.addingTimeInterval(11))
    }

    @Test("item 14: an unknown keyid or a missing keyid is rejected")
    func unknownKey() throws {
        let stranger = try JWSSigningKey.generate(.es256, kid: "stranger")
        rejects(try signed(key: stranger), "Unknown keyid stranger")
        rejects(try custom(all, fapi(keyID: nil)), "The signature has no keyid parameter")
    }

    @Test("The algorithm follows from the key: an alg parameter that disagrees is rejected, hmac-sha256 always")
    func algorithm() throws {
        _ = try FAPIHTTPSignatures.verifyRequest(try custom(all, fapi(alg: "ecdsa-p256-sha256")), keys: keys, now: Self.now)
        var request = try custom(all, fapi(alg: "ecdsa-p256-sha256"))
        request.headers = request.headers.map {
            $0.name == "Signature-Input" ? ($0.name, $0.value.replacingOccurrences(of: "ecdsa-p256-sha256", with: "ed25519")) : $0
        }
        rejects(request, "The alg parameter ed25519 does not match the key's algorithm ecdsa-p256-sha256")
        request.headers = request.headers.map {
            $0.name == "Signature-Input" ? ($0.name, $0.value.replacingOccurrences(of: "ed25519", with: "hmac-sha256")) : $0
        }
        rejects(request, "The algorithm hmac-sha256 is not allowed")
    }

    @Test("item 15: a tampered covered header or method fails signature verification")
    func tampered() throws {
        var request = try signed()
        request.headers = request.headers.map { $0.name == "Authorization" ? ($0.name, "DPoP other-token") : $0 }
        rejects(request, "The signature sig does not verify")
        var method = try signed()
        method.method = "PUT"
        rejects(method, "The signature sig does not verify")
    }

    @Test("Two signatures tagged fapi-2-request are rejected as ambiguous")
    func twoSignatures() throws {
        var request = try signed()
        request.headers += try HTTPMessageSigning.sign(
            .request(request), label: "sig2", components: all.map { try HTTPSignatureComponent($0) }, parameters: fapi(), key: Self.key
        ).fields
        rejects(request, "The request has more than one signature with tag fapi-2-request")
    }
}
