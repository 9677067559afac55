import Foundation
import HTTPMessageSignatures
import OAuthCore
import OAuthJOSE
import Testing

/// Interop with an independent RFC 9421 implementation, PyPI http-message-signatures 3.0.0 (via
/// interop/http_signatures_tool.py), both ways, for ed25519 and ecdsa-p256-sha256, requests and `;req` responses.
@Suite("HTTPSignatures: interop with PyPI http-message-signatures 3.0.0")
struct HTTPSignatureInteropTests {
    static let algorithms: [JWSAlgorithm] = [.edDSA, .es256]
    let request = HTTPSignatureRequest(
        method: "POST", targetURI: "https://bank.example/api/transfers?account=acc-1",
        headers: [("Authorization", "DPoP token-123"), ("DPoP", "eyJ.proof.sig"), ("Content-Type", "application/json")],
        body: Array(#"{"amount":"10.00"}"#.utf8))
    let requestComponents: [JSONValue] = ["@method", "@target-uri", "authorization", "dpop", "content-digest"]
    let responseBody = Array(#"{"status":"booked"}"#.utf8)

    /// Python's signatures check `created` against the real clock, so these tests use it too.
    var now: Date { Date() }

    func command(_ action: String, _ message: JSONValue, key: [String: JSONValue], components: [JSONValue], tag: String) -> [String: JSONValue] {
        ["action": .string(action), "message": message, "key": .object(key), "components": .array(components),
         "label": "sig", "tag": .string(tag), "created": .int(Int64(now.timeIntervalSince1970)), "max_age": 60]
    }

    @Test("Swift signs a FAPI request, Python verifies it", arguments: algorithms)
    func swiftSignsRequest(alg: JWSAlgorithm) async throws {
        let key = try JWSSigningKey.generate(alg, kid: "client-\(alg.rawValue)")
        var signed = request
        signed.headers += try FAPIHTTPSignatures.signRequest(request, key: key, created: now)
        let answer = try await PythonHTTPSignatures.run(command(
            "verify", PythonHTTPSignatures.message(signed), key: key.publicJWK.publicJSON, components: requestComponents,
            tag: FAPIHTTPSignatures.requestTag))
        #expect(answer["ok"] == true, "\(answer)")
        // And Python notices tampering.
        signed.headers[0].value = "DPoP other"
        let tampered = try await PythonHTTPSignatures.run(command(
            "verify", PythonHTTPSignatures.message(signed), key: key.publicJWK.publicJSON, components: requestComponents,
            tag: FAPIHTTPSignatures.requestTag))
        #expect(tampered["ok"] == false)
    }

    @Test("Python signs a FAPI request, Swift verifies it", arguments: algorithms)
    func pythonSignsRequest(alg: JWSAlgorithm) async throws {
        let key = try JWSSigningKey.generate(alg, kid: "client-\(alg.rawValue)")
        let answer = try await PythonHTTPSignatures.run(command(
            "sign", PythonHTTPSignatures.message(request), key: key.privateJWKJSON, components: requestComponents,
            tag: FAPIHTTPSignatures.requestTag))
        let headers = try #require(answer["headers"]?.arrayValue).compactMap { field -> (name: String, value: String)? in
            guard let pair = field.arrayValue, let name = pair[0].stringValue, let value = pair[1].stringValue else { return nil }
            return (name, value)
        }
        var signed = request
        signed.headers = headers
        let verified = try FAPIHTTPSignatures.verifyRequest(signed, keys: JWKSet(keys: [key.publicJWK]), now: now)
        #expect(verified.keyID == key.kid)
        #expect(verified.coveredComponents.contains(#""content-digest""#))
    }

    @Test("Swift signs a FAPI response with req components, Python verifies it", arguments: algorithms)
    func swiftSignsResponse(alg: JWSAlgorithm) async throws {
        let client = try JWSSigningKey.generate(.es256, kid: "client")
        let server = try JWSSigningKey.generate(alg, kid: "server-\(alg.rawValue)")
        var signedRequest = request
        signedRequest.headers += try FAPIHTTPSignatures.signRequest(request, key: client, created: now)
        let verified = try FAPIHTTPSignatures.verifyRequest(signedRequest, keys: JWKSet(keys: [client.publicJWK]), now: now)
        let headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        let added = try FAPIHTTPSignatures.signResponse(
            status: 201, headers: headers, body: responseBody, request: signedRequest, requestSignature: verified,
            key: server, created: now)
        let required: [JSONValue] = [
            "@status", "content-digest", #""@method";req"#, #""@target-uri";req"#, #""content-digest";req"#,
            #""signature";req;key="sig""#, #""signature-input";req;key="sig""#,
        ]
        let answer = try await PythonHTTPSignatures.run(command(
            "verify", PythonHTTPSignatures.message(status: 201, headers: headers + added, body: responseBody, request: signedRequest),
            key: server.publicJWK.publicJSON, components: required, tag: FAPIHTTPSignatures.responseTag))
        #expect(answer["ok"] == true, "\(answer)")
    }

    @Test("Python signs a FAPI response with req components, Swift verifies it", arguments: algorithms)
    func pythonSignsResponse(alg: JWSAlgorithm) async throws {
        let client = try JWSSigningKey.generate(.edDSA, kid: "client")
        let server = try JWSSigningKey.generate(alg, kid: "server-\(alg.rawValue)")
        var signedRequest = request
        signedRequest.headers += try FAPIHTTPSignatures.signRequest(request, key: client, created: now)
        let components: [JSONValue] = [
            "@status", "content-type", #""@method";req"#, #""@target-uri";req"#, #""content-digest";req"#,
            #""signature";req;key="sig""#, #""signature-input";req;key="sig""#,
        ]
        let answer = try await PythonHTTPSignatures.run(command(
            "sign",
            PythonHTTPSignatures.message(status: 200, headers: [("Content-Type", "application/json")], body: responseBody, request: signedRequest),
            key: server.privateJWKJSON, components: components, tag: FAPIHTTPSignatures.responseTag))
        let headers = try #require(answer["headers"]?.arrayValue).compactMap { field -> (name: String, value: String)? in
            guard let pair = field.arrayValue, let name = pair[0].stringValue, let value = pair[1].stringValue else { return nil }
            return (name, value)
        }
        let verified = try FAPIHTTPSignatures.verifyResponse(
            status: 200, headers: headers, body: responseBody, request: signedRequest, keys: JWKSet(keys: [server.publicJWK]), now: now)
        #expect(verified.keyID == server.kid)
        #expect(verified.coveredComponents.contains(#""signature";req;key="sig""#))
    }
}
