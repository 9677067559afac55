import Foundation
import HTTPMessageSignatures
import OAuthCore
import OAuthJOSE
import Testing

/// RFC 9421 Appendix B fixtures: the B.1 keys (as JWKs) and the B.2 `test-request` / `test-response` messages.
enum RFC9421Examples {
    /// B.1.2 `test-key-rsa-pss`.
    static let rsaPSS: [String: JSONValue] = [
        "kty": "RSA", "kid": "test-key-rsa-pss", "e": "AQAB",
        "n": "r4tmm3r20Wd_PbqvP1s2-QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct-Lh1GH45x28Rw3Ry53mm-oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHqgDsznjPFmTOtCEcN2Z1FpWgchwuYLPL-Wokqltd11nqqzi-bJ9cvSKADYdUAAN5WUtzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4aOT9v6d-nb4bnNkQVklLQ3fVAvJm-xdDOp9LCNCN48V2pnDOkFV6-U9nV5oyc6XI2w",
        "d": "lAfIqfpCYomVShfAKnwf2lD9I0wKjkHsCtZCif4kAlwQqqW6N-tIL3bdOR-VWf0Q1ZBIDtpO91UrG7pansyrPERbNrRJlPiYEyPTHkCT1nD-l2isuiyGLNBNnFoKfBgA4KAbPJZQatFIV9Cn34JSHnpN5-2ehreGBYHtkwHFtlmzeF3yu5bqRcqOhx8lkYmBzDAEUFyyXjknU5-WjAT9DzuG0MpOTkcU1EnjnIjyVBZLUB5Lxm8puyq8hH8B_E5LNC-1oc8j-tDy98UvRTTiYvZvs87cGCFxg0LijNhg7CE3g9piNqB6DzMgA9MHSOwcElVtfKdYfo4H3OHZXsSmEQ",
        "p": "5V-6ISI5yEaCFXm-fk1EM2xwAWekePVCAyvr9QbTlFOCZwt9WwjUjhtKRusi5Uq-IYZ_tq2WRE4As4b_FHEMtp2AER43IcvmXPqKFBoUktVDS7dThIHrsnRi1U7dHqVdwiMEMe5jxKNgnsKLpnq-4NyhoS6OeWu1SFozG9J9xQk",
        "q": "w-wIde17W5Y0Cphp3ZZ0uM8OUq1AkrV2IKauqYHaDxAT32EM4ci2MMER2nIUEo4g_42lW0zYouFFqONwv0-HyOsgPpdSqKRC5WLgn0VXabjaNcy6KhNPXeJ0AgtqdiDwPeJ2_L_eKwNWQ43RfdQBUquAwSd7SEmmQ8sViqB628M",
    ]
    /// B.1.3 `test-key-ecc-p256`.
    static let eccP256: [String: JSONValue] = [
        "kty": "EC", "crv": "P-256", "kid": "test-key-ecc-p256",
        "x": "qIVYZVLCrPZHGHjP17CTW0_-D9Lfw0EkjqF7xB4FivA", "y": "Mc4nN9LTDOBhfoUeg8Ye9WedFRhnZXZJA12Qp0zZ6F0",
        "d": "UpuF81l-kOxbjf7T4mNSv0r5tN67Gim7rnf6EFpcYDs",
    ]
    /// B.1.4 `test-key-ed25519`.
    static let ed25519: [String: JSONValue] = [
        "kty": "OKP", "crv": "Ed25519", "kid": "test-key-ed25519",
        "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", "d": "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU",
    ]
    /// B.1.5 `test-shared-secret`.
    static let sharedSecret = Data(base64Encoded: "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==")!

    static func publicJWK(_ json: [String: JSONValue]) throws -> JWK {
        try JWK(json: json.filter { !JWK.privateMemberNames.contains($0.key) })
    }

    static let requestBody = Array(#"{"hello": "world"}"#.utf8)
    static let responseBody = Array(#"{"message": "good dog"}"#.utf8)

    /// B.2 `test-request`: `POST /foo?param=Value&Pet=dog` to example.com.
    static let request = HTTPSignatureRequest(
        method: "POST", targetURI: "https://example.com/foo?param=Value&Pet=dog",
        headers: [
            ("Host", "example.com"), ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"), ("Content-Type", "application/json"),
            ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            ("Content-Length", "18"),
        ], body: requestBody)

    /// B.2 `test-response`: 200 with `{"message": "good dog"}`.
    static let response = HTTPSignatureResponse(
        status: 200,
        headers: [
            ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"), ("Content-Type", "application/json"),
            ("Content-Digest", "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"),
            ("Content-Length", "23"),
        ], body: responseBody)

    /// `message` with the RFC's `Signature-Input` member and `Signature` value for `label` added.
    static func signed(_ headers: [(name: String, value: String)], label: String, input: String, signature: String) -> [(name: String, value: String)] {
        headers + [("Signature-Input", "\(label)=\(input)"), ("Signature", "\(label)=:\(signature):")]
    }
}

/// Runs interop/http_signatures_tool.py (PyPI http-message-signatures 3.0.0). FAILS, never skips, when python3 or
/// the library is missing: scripts/test.sh installs it.
enum PythonHTTPSignatures {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("interop/http_signatures_tool.py").path

    static func message(_ request: HTTPSignatureRequest) -> JSONValue {
        .object([
            "method": .string(request.method), "url": .string(request.targetURI),
            "headers": .array(request.headers.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .string(Data(request.body).base64EncodedString()),
        ])
    }

    static func message(status: Int, headers: [(name: String, value: String)], body: [UInt8], request: HTTPSignatureRequest) -> JSONValue {
        .object([
            "status": .int(Int64(status)), "request": message(request),
            "headers": .array(headers.map { .array([.string($0.name), .string($0.value)]) }),
            "body": .string(Data(body).base64EncodedString()),
        ])
    }

    /// Runs one command and returns the tool's JSON answer.
    static func run(_ command: [String: JSONValue]) async throws -> [String: JSONValue] {
        let input = String(decoding: JSONValue.object(command).jsonData(), as: UTF8.self)
        let result = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runProcess("python3", [script], input: input) })
            }
        }
        try #require(result.status == 0, "python tool: \(result.output)")
        return try #require(JSONValue.parseObject(Data(result.output.utf8)), "python tool: \(result.output)")
    }
}
