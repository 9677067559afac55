import Foundation
import OAuthJOSE

extension FAPIHTTPSignatures {
    /// Resource-server side (C.5 items 22–26): the header fields to ADD to the response: `Content-Digest` when the
    /// body is non-empty, `Signature-Input` and `Signature`.
    ///
    /// Covers `@status`, `content-type` (when present), `content-digest` (when there is a body), `"@method";req`,
    /// `"@target-uri";req`, `"content-digest";req` when the request had a body and a `Content-Digest` (item 23), and —
    /// when the request was signed — `"signature";req;key="<label>"` and `"signature-input";req;key="<label>"`
    /// (item 24, RFC 9421 §2.1.2, §2.4); parameters `created`, `keyid` and `tag` = `fapi-2-response` (item 25).
    public static func signResponse(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], request: HTTPSignatureRequest,
        requestSignature: VerifiedHTTPSignature?, key: JWSSigningKey, created: Date, label: String = "sig"
    ) throws -> [(name: String, value: String)] {
        var response = HTTPSignatureResponse(status: status, headers: headers, body: body)
        var added: [(name: String, value: String)] = []
        var components = [try HTTPSignatureComponent("@status")]
        if !HTTPSignedMessage.response(response, request: nil).fieldLines("content-type").isEmpty {
            components.append(try HTTPSignatureComponent("content-type"))
        }
        if !body.isEmpty {
            let existing = HTTPSignedMessage.response(response, request: nil).fieldLines("content-digest")
            if existing.isEmpty {
                added.append((name: "Content-Digest", value: ContentDigest.sha256(body)))
                response.headers.append(added[0])
            } else {
                try ContentDigest.verify(existing.joined(separator: ", "), body: body)
            }
            components.append(try HTTPSignatureComponent("content-digest"))
        }
        components.append(try HTTPSignatureComponent("@method", req: true))
        components.append(try HTTPSignatureComponent("@target-uri", req: true))
        let requestMessage = HTTPSignedMessage.request(request)
        if !request.body.isEmpty, !requestMessage.fieldLines("content-digest").isEmpty {
            components.append(try HTTPSignatureComponent("content-digest", req: true))
        }
        if let requestSignature {
            components.append(try HTTPSignatureComponent("signature", req: true, key: requestSignature.label))
            components.append(try HTTPSignatureComponent("signature-input", req: true, key: requestSignature.label))
        }
        let parameters = HTTPSignatureParameters(created: Int64(created.timeIntervalSince1970.rounded(.down)), keyID: key.kid, tag: responseTag)
        let signed = try HTTPMessageSigning.sign(
            .response(response, request: request), label: label, components: components, parameters: parameters, key: key)
        return added + signed.fields
    }

    /// Client side: verifies the one response signature tagged `fapi-2-response` against `keys` (the server's JWKS),
    /// with the same parameter, time and key rules as `verifyRequest`.
    ///
    /// It must cover `@status`, `"@method";req` and `"@target-uri";req` (items 23, 25); `content-digest` matching the
    /// body when there is one (item 26); `"content-digest";req` when the request had a body and a `Content-Digest`; and, when `request`
    /// carries a `fapi-2-request` signature, `"signature";req;key=` and `"signature-input";req;key=` with its label
    /// (item 24).
    public static func verifyResponse(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], request: HTTPSignatureRequest,
        keys: JWKSet, now: Date, maxAge: TimeInterval = 60
    ) throws(HTTPSignatureError) -> VerifiedHTTPSignature {
        let message = HTTPSignedMessage.response(HTTPSignatureResponse(status: status, headers: headers, body: body), request: request)
        let signature = try select(in: message, tag: responseTag, what: "response")
        let input = signature.input
        guard input.covers("@status") else { throw HTTPSignatureError("The response signature does not cover @status") }
        for required in ["@method", "@target-uri"] where !input.covers(required, request: true) {
            throw HTTPSignatureError("The response signature does not cover \(required);req")
        }
        try checkDigest(message, body: body, input: input)
        // Item 23 "(if applicable)": the request's digest can be covered only when the request carried one.
        if !request.body.isEmpty, !HTTPSignedMessage.request(request).fieldLines("content-digest").isEmpty,
           !input.covers("content-digest", request: true) {
            throw HTTPSignatureError("The response signature does not cover the request content-digest;req")
        }
        if let requestLabel = try? select(in: .request(request), tag: requestTag, what: "request").label {
            for field in ["signature", "signature-input"] {
                let linked = input.components.contains {
                    $0.name == field && $0.has("req") && $0.string("key") == requestLabel
                }
                guard linked else {
                    throw HTTPSignatureError("The response signature does not cover the request \(field);req;key=\"\(requestLabel.prefix(40))\"")
                }
            }
        }
        return try verify(signature, in: message, keys: keys, now: now, maxAge: maxAge)
    }
}
