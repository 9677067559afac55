import Foundation
import OAuthCore

/// Header fields in order, with case-insensitive names and repeated fields kept apart (RFC 9110 §5.2–5.3):
/// `Set-Cookie` must never be folded into one line (RFC 6265 §3).
public struct HTTPHeaderFields: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field line.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// Appends a field line.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field `name` with one line.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        add(name, value)
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

/// An HTTP request as KuraClient hands it to an `HTTPTransport`.
public struct HTTPRequestMessage: Sendable, Hashable {
    public var method: String
    public var url: URL
    public var headers: HTTPHeaderFields
    public var body: Data?

    public init(method: String, url: URL, headers: HTTPHeaderFields = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A `application/x-www-form-urlencoded` POST (RFC 6749 Appendix B), as the PAR and token endpoints take.
    public static func form(_ url: URL, _ parameters: [(String, String)], headers: HTTPHeaderFields = [:]) -> HTTPRequestMessage {
        var request = HTTPRequestMessage(method: "POST", url: url, headers: headers, body: Data(FormURLEncoding.encode(parameters).utf8))
        request.headers.set("Content-Type", "application/x-www-form-urlencoded")
        if request.headers["Accept"] == nil { request.headers.add("Accept", "application/json") }
        return request
    }
}

/// An HTTP response, fully read. Redirects are never followed by the transport: `status` may be 3xx.
public struct HTTPResponseMessage: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: Data
    /// The URL of the request this answers.
    public var url: URL

    public init(status: Int, headers: HTTPHeaderFields = [:], body: Data = Data(), url: URL) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object, or nil.
    public func jsonObject() -> [String: JSONValue]? { JSONValue.parseObject(body) }

    /// The body as any JSON value, or nil.
    public func json() -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The RFC 6749 §5.2 error in the body, else the RFC 6750 §3 error in `WWW-Authenticate`, or nil.
    public var oauthError: OAuthErrorResponse? {
        OAuthErrorResponse(status: status, body: body)
            ?? headers["WWW-Authenticate"].flatMap { OAuthErrorResponse(status: status, wwwAuthenticate: $0) }
    }
}
