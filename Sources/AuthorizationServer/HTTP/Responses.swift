import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OAuthCore

/// The one place Kura writes JSON and OAuth error responses to the wire.
public enum Responses {
    /// `Cache-Control: no-store` for every response carrying tokens, codes or credentials
    /// (RFC 6749 §5.1, RFC 9126 §2.2).
    static let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]

    /// A JSON response, never cached.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = noStore
        fields[.contentType] = "application/json"
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: value.jsonData())))
    }

    /// An HTML page with the browser-facing protections: no framing (clickjacking), no caching,
    /// no MIME sniffing, no referrer leakage of codes or request_uris.
    public static func html(_ body: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = noStore
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'"
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A 303 See Other redirect (FAPI 2.0 SP §5.3.2.2-10/-11: never 307 after credentials, 303 recommended).
    public static func seeOther(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = noStore
        fields[.location] = location
        fields.append(contentsOf: headers)
        return Response(status: .seeOther, headers: fields)
    }
}

extension OAuthError: HTTPResponseError {
    /// The HTTP status (RFC 6749 §5.2: 400, or 401 for `invalid_client`).
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    /// RFC 6749 §5.2 JSON error response with `Cache-Control: no-store` and any headers the error carries.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var extra = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let n = HTTPField.Name(name) { extra[n] = value }
        }
        return Responses.json(.object(jsonMembers.mapValues(JSONValue.string)), status: status, headers: extra)
    }
}
