import Crypto
import Foundation
import HTTPMessageSignatures
import OAuthCore
import OAuthJOSE
import Testing

/// RFC 9421 Appendix B.2 examples: each signature base is reproduced byte for byte from the B.2 messages and the RFC's
/// `Signature-Input`, and the RFC's signature verifies with the B.1 key.
@Suite("HTTPSignatures: RFC 9421 Appendix B vectors")
struct HTTPSignatureRFC9421VectorTests {
    typealias Examples = RFC9421Examples

    /// Parses the one signature of `headers` added to the example message and returns it with its base.
    func example(_ message: HTTPSignedMessage) throws -> (HTTPMessageSignature, String) {
        let signature = try #require(try HTTPMessageSignature.all(in: message).first)
        return (signature, String(decoding: try signature.input.signatureBase(for: message), as: UTF8.self))
    }

    func request(label: String, input: String, signature: String) -> HTTPSignedMessage {
        var request = Examples.request
        request.headers = Examples.signed(request.headers, label: label, input: input, signature: signature)
        return .request(request)
    }

    @Test("B.2.1 minimal signature (rsa-pss-sha512): base, RFC signature verifies, own signature round-trips")
    func b21() throws {
        let message = request(
            label: "sig-b21", input: #"();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
            signature: "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==")
        let (signature, base) = try example(message)
        #expect(base == #""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#)
        let key = HTTPSignatureVerificationKey.jwk(try Examples.publicJWK(Examples.rsaPSS))
        try HTTPMessageSigning.verify(signature, in: message, key: key)
        // RSA-PSS is randomized: sign afresh with the private key and verify that.
        let signer = try JWSSigningKey(privateJWK: Examples.rsaPSS, alg: .ps256)
        let own = try signer.httpSignature(for: Data(base.utf8))
        #expect(key.verify(Array(own), over: Array(base.utf8)))
        #expect(!key.verify(Array(own), over: Array((base + " ").utf8)))
    }

    @Test("B.2.2 selective components with @query-param and tag (rsa-pss-sha512)")
    func b22() throws {
        let message = request(
            label: "sig-b22",
            input: #"("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
            signature: "LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==")
        let (signature, base) = try example(message)
        #expect(base == """
            "@authority": example.com
            "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
            "@query-param";name="Pet": dog
            "@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"
            """)
        try HTTPMessageSigning.verify(signature, in: message, key: .jwk(try Examples.publicJWK(Examples.rsaPSS)))
    }

    @Test("B.2.3 full coverage (rsa-pss-sha512)")
    func b23() throws {
        let message = request(
            label: "sig-b23",
            input: #"("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
            signature: "bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==")
        let (signature, base) = try example(message)
        #expect(base == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@query": ?param=Value&Pet=dog
            "@authority": example.com
            "content-type": application/json
            "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"
            """)
        try HTTPMessageSigning.verify(signature, in: message, key: .jwk(try Examples.publicJWK(Examples.rsaPSS)))
    }

    @Test("B.2.4 response (ecdsa-p256-sha256): base, RFC signature verifies, own signature round-trips")
    func b24() throws {
        var response = Examples.response
        response.headers = Examples.signed(
            response.headers, label: "sig-b24",
            input: #"("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256""#,
            signature: "wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==")
        let message = HTTPSignedMessage.response(response, request: nil)
        let (signature, base) = try example(message)
        #expect(base == """
            "@status": 200
            "content-type": application/json
            "content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:
            "content-length": 23
            "@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"
            """)
        let key = HTTPSignatureVerificationKey.jwk(try Examples.publicJWK(Examples.eccP256))
        try HTTPMessageSigning.verify(signature, in: message, key: key)
        let own = try JWSSigningKey(privateJWK: Examples.eccP256, alg: .es256).httpSignature(for: Data(base.utf8))
        #expect(key.verify(Array(own), over: Array(base.utf8)))
    }

    @Test("B.2.5 hmac-sha256 verifies (verification only) and a wrong secret does not")
    func b25() throws {
        let message = request(
            label: "sig-b25", input: #"("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#,
            signature: "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        let (signature, base) = try example(message)
        #expect(base == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@authority": example.com
            "content-type": application/json
            "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"
            """)
        try HTTPMessageSigning.verify(signature, in: message, key: .hmacSHA256(SymmetricKey(data: Examples.sharedSecret)))
        #expect(throws: HTTPSignatureError.self) {
            try HTTPMessageSigning.verify(signature, in: message, key: .hmacSHA256(SymmetricKey(data: Data(repeating: 1, count: 64))))
        }
    }

    @Test("B.2.6 ed25519: base, RFC signature verifies and Kura produces the exact same signature")
    func b26() throws {
        let rfcSignature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
        let input = #"("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#
        let message = request(label: "sig-b26", input: input, signature: rfcSignature)
        let (signature, base) = try example(message)
        #expect(base == """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@authority": example.com
            "content-type": application/json
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
            """)
        try HTTPMessageSigning.verify(signature, in: message, key: .jwk(try Examples.publicJWK(Examples.ed25519)))
        // Signing the same components and parameters reproduces the RFC's Signature-Input and signature exactly.
        let key = try JWSSigningKey(privateJWK: Examples.ed25519, alg: .edDSA)
        let signed = try HTTPMessageSigning.sign(
            .request(Examples.request), label: "sig-b26", components: signature.input.components,
            parameters: HTTPSignatureParameters(created: 1_618_884_473, keyID: "test-key-ed25519"), key: key)
        #expect(signed.fields.map(\.value) == ["sig-b26=\(input)", "sig-b26=:\(rfcSignature):"])
    }

    @Test("B.2.6 with a header changed no longer verifies")
    func tampered() throws {
        var request = Examples.request
        request.headers = Examples.signed(
            request.headers.map { $0.name == "Date" ? ($0.name, "Tue, 20 Apr 2021 02:07:56 GMT") : $0 }, label: "sig-b26",
            input: #"("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#,
            signature: "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==")
        let signature = try #require(try HTTPMessageSignature.all(in: .request(request)).first)
        #expect(throws: HTTPSignatureError("The signature sig-b26 does not verify")) {
            try HTTPMessageSigning.verify(signature, in: .request(request), key: .jwk(try Examples.publicJWK(Examples.ed25519)))
        }
    }

    @Test("RFC 9530: Content-Digest sha-256 and sha-512 of the RFC 9421 test messages; a mismatch is refused")
    func contentDigest() throws {
        #expect(ContentDigest.sha256(Examples.requestBody) == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
        #expect(ContentDigest.sha512(Examples.requestBody) == Examples.request.headers[3].value)
        #expect(ContentDigest.sha512(Examples.responseBody) == Examples.response.headers[2].value)
        try ContentDigest.verify(Examples.request.headers[3].value, body: Examples.requestBody)
        try ContentDigest.verify("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:AAAA:", body: Examples.requestBody)
        #expect(throws: HTTPSignatureError("The Content-Digest sha-512 does not match the body")) {
            try ContentDigest.verify(Examples.request.headers[3].value, body: Examples.responseBody)
        }
        #expect(throws: HTTPSignatureError("The Content-Digest has no sha-256 or sha-512 digest")) {
            try ContentDigest.verify("md5=:AAAA:", body: Examples.requestBody)
        }
        #expect(throws: HTTPSignatureError.self) { try ContentDigest.verify("sha-256=abc", body: Examples.requestBody) }
    }
}
