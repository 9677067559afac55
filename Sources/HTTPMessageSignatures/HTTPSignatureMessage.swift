import Foundation

/// A request as RFC 9421 sees it (§1.1, §2): method, absolute target URI, header fields and content. It is also the
/// request half of a response signature, whose `;req` components (§2.4) read it.
public struct HTTPSignatureRequest: Sendable {
    /// The request method, e.g. `GET` (RFC 9110 §9), compared and signed exactly as given.
    public var method: String
    /// The absolute target URI (RFC 9110 §7.1), e.g. `https://bank.example/api/accounts?x=1`.
    public var targetURI: String
    /// Every header field line as received or sent, in order; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    /// The message content (after content coding, RFC 9530 §2).
    public var body: [UInt8]

    public init(method: String, targetURI: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.targetURI = targetURI
        self.headers = headers
        self.body = body
    }
}

/// A response as RFC 9421 sees it (§2): status, header fields and content.
public struct HTTPSignatureResponse: Sendable {
    /// The three-digit status code (RFC 9421 §2.2.9).
    public var status: Int
    /// Every header field line, in order.
    public var headers: [(name: String, value: String)]
    /// The message content.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The message a signature covers (RFC 9421 §1.1): a request, or a response with the request it answers so that
/// `;req` components (§2.4) can be resolved.
public enum HTTPSignedMessage: Sendable {
    case request(HTTPSignatureRequest)
    case response(HTTPSignatureResponse, request: HTTPSignatureRequest?)

    /// The header fields of this message.
    var headers: [(name: String, value: String)] {
        switch self {
        case .request(let request): request.headers
        case .response(let response, _): response.headers
        }
    }

    /// The values of every line of field `name` (case-insensitive, RFC 9110 §5.1), in order.
    func fieldLines(_ name: String) -> [String] {
        headers.filter { Self.sameFieldName($0.name, lowercased: name) }.map(\.value)
    }

    /// ASCII case-insensitive comparison of a field name with a lower-case one, without allocating.
    static func sameFieldName(_ candidate: String, lowercased name: String) -> Bool {
        var a = candidate.utf8.makeIterator(), b = name.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?) where (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) == y: continue
            default: return false
            }
        }
    }
}

/// Why a signature could not be made or was not accepted: a clear, client-facing reason (at most 200 characters),
/// e.g. "The signature does not cover authorization".
public struct HTTPSignatureError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = String(description.prefix(200))
    }
}
