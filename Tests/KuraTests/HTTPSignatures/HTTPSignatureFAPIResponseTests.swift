import Foundation
import HTTPMessageSignatures
import OAuthJOSE
import Testing

/// FAPI 2.0 HTTP Signatures, resource server as signer of responses (FAPI2-CHECKLIST §C.5 items 22–26) and the
/// client's check of them.
@Suite("HTTPSignatures: FAPI 2.0 response signatures (C.5 items 22-26)")
struct HTTPSignatureFAPIResponseTests {
    static let serverKey = try! JWSSigningKey.generate(.edDSA, kid: "rs-sig-1")
    static let now = HTTPSignatureFAPIRequestTests.now
    let keys = JWKSet(keys: [Self.serverKey.publicJWK])
    let body = Array(#"{"id":"t-1"}"#.utf8)
    let headers: [(name: String, value: String)] = [("Content-Type", "application/json")]

    func signedRequest() throws -> (HTTPSignatureRequest, VerifiedHTTPSignature) {
        let request = try HTTPSignatureFAPIRequestTests().signed()
        let verified = try FAPIHTTPSignatures.verifyRequest(
            request, keys: JWKSet(keys: [HTTPSignatureFAPIRequestTests.key.publicJWK]), now: Self.now)
        return (request, verified)
    }

    @Test("items 22-26: the response signature covers @status, content-type, content-digest and the request via req")
    func signsAndVerifies() throws {
        let (request, verified) = try signedRequest()
        let added = try FAPIHTTPSignatures.signResponse(
            status: 201, headers: headers, body: body, request: request, requestSignature: verified, key: Self.serverKey,
            created: Self.now)
        #expect(added.map(\.name) == ["Content-Digest", "Signature-Input", "Signature"])
        #expect(added[1].value == #"sig=("@status" "content-type" "content-digest" "@method";req "@target-uri";req "content-digest";req "signature";req;key="sig" "signature-input";req;key="sig");created=1800000000;keyid="rs-sig-1";tag="fapi-2-response""#)
        let response = try FAPIHTTPSignatures.verifyResponse(
            status: 201, headers: headers + added, body: body, request: request, keys: keys, now: Self.now)
        #expect(response.keyID == "rs-sig-1")
    }

    @Test("The client rejects a response without signature, with another status, body or request, or an unknown key")
    func clientChecks() throws {
        let (request, verified) = try signedRequest()
        let added = try FAPIHTTPSignatures.signResponse(
            status: 200, headers: headers, body: body, request: request, requestSignature: verified, key: Self.serverKey,
            created: Self.now)
        func rejects(_ reason: String, status: Int = 200, body: [UInt8]? = nil, headers extra: [(name: String, value: String)]? = nil,
                     request other: HTTPSignatureRequest? = nil, keys otherKeys: JWKSet? = nil) {
            #expect(throws: HTTPSignatureError(reason)) {
                try FAPIHTTPSignatures.verifyResponse(
                    status: status, headers: headers + (extra ?? added), body: body ?? self.body, request: other ?? request,
                    keys: otherKeys ?? keys, now: Self.now)
            }
        }
        rejects("The response signature is missing or malformed: The message has no Signature-Input field", headers: [])
        rejects("The signature sig does not verify", status: 500)
        rejects("The Content-Digest sha-256 does not match the body", body: Array("{}".utf8))
        var otherRequest = request
        otherRequest.targetURI = "https://bank.example/api/transfers?x=2"
        rejects("The signature sig does not verify", request: otherRequest)
        rejects("Unknown keyid rs-sig-1", keys: JWKSet(keys: []))
    }

    @Test("The client rejects a response signature that omits @status, the req link, or the request signature")
    func clientCoverage() throws {
        let (request, _) = try signedRequest()
        func signed(_ components: [HTTPSignatureComponent]) throws -> [(name: String, value: String)] {
            var response = HTTPSignatureResponse(status: 200, headers: headers, body: body)
            response.headers.append(("Content-Digest", ContentDigest.sha256(body)))
            return response.headers + (try HTTPMessageSigning.sign(
                .response(response, request: request), label: "sig", components: components,
                parameters: HTTPSignatureParameters(created: 1_800_000_000, keyID: "rs-sig-1", tag: "fapi-2-response"),
                key: Self.serverKey)).fields
        }
        let full: [HTTPSignatureComponent] = [
            try .init("@status"), try .init("content-digest"), try .init("@method", req: true),
            try .init("@target-uri", req: true), try .init("content-digest", req: true),
            try .init("signature", req: true, key: "sig"), try .init("signature-input", req: true, key: "sig"),
        ]
        _ = try FAPIHTTPSignatures.verifyResponse(status: 200, headers: try signed(full), body: body, request: request, keys: keys, now: Self.now)
        let cases: [(Int, String)] = [
            (0, "The response signature does not cover @status"),
            (1, "The message has a body but the signature does not cover content-digest"),
            (2, "The response signature does not cover @method;req"),
            (3, "The response signature does not cover @target-uri;req"),
            (4, "The response signature does not cover the request content-digest;req"),
            (5, #"The response signature does not cover the request signature;req;key="sig""#),
        ]
        for (index, reason) in cases {
            var components = full
            components.remove(at: index)
            #expect(throws: HTTPSignatureError(reason)) {
                try FAPIHTTPSignatures.verifyResponse(status: 200, headers: try signed(components), body: self.body, request: request, keys: keys, now: Self.now)
            }
        }
    }

    @Test("An unsigned bodiless request gets a response signature without request signature or digest links")
    func unsignedRequest() throws {
        let request = HTTPSignatureRequest(method: "GET", targetURI: "https://bank.example/api/accounts", headers: [], body: [])
        let added = try FAPIHTTPSignatures.signResponse(
            status: 404, headers: [], body: [], request: request, requestSignature: nil, key: Self.serverKey, created: Self.now)
        #expect(added.map(\.name) == ["Signature-Input", "Signature"])
        #expect(added[0].value.hasPrefix(#"sig=("@status" "@method";req "@target-uri";req);created="#))
        _ = try FAPIHTTPSignatures.verifyResponse(status: 404, headers: added, body: [], request: request, keys: keys, now: Self.now)
    }
}
