import Foundation
import OAuthCore

/// An error response from a back-channel endpoint: PAR (RFC 9126 §2.3), token (RFC 6749 §5.2), or a resource server
/// (RFC 6750 §3, RFC 9449 §7.1).
///
/// `error` keeps the server's code even when it is not one `OAuthErrorCode` knows, so nothing the server said is lost;
/// `code` and `oauthError` give the typed view.
public struct OAuthErrorResponse: Sendable, Hashable, CustomStringConvertible {
    /// The `error` member as sent.
    public var error: String
    /// The `error_description` member as sent (RFC 6749 §5.2).
    public var errorDescription: String?
    /// The `error_uri` member as sent (RFC 6749 §5.2).
    public var errorURI: String?
    /// The HTTP status of the response.
    public var status: Int

    public init(error: String, errorDescription: String? = nil, errorURI: String? = nil, status: Int) {
        self.error = error
        self.errorDescription = errorDescription
        self.errorURI = errorURI
        self.status = status
    }

    /// Reads an RFC 6749 §5.2 JSON error body; nil when the body is not a JSON object with a string `error`.
    public init?(status: Int, body: Data) {
        guard let object = JSONValue.parseObject(body), let error = object["error"]?.stringValue else { return nil }
        self.init(
            error: error, errorDescription: object["error_description"]?.stringValue,
            errorURI: object["error_uri"]?.stringValue, status: status)
    }

    /// Reads the `error` and `error_description` auth-params of a `WWW-Authenticate` challenge (RFC 6750 §3,
    /// RFC 9449 §7.1), e.g. `DPoP error="invalid_token", error_description="..."`.
    public init?(status: Int, wwwAuthenticate: String) {
        let params = Self.authParams(wwwAuthenticate)
        guard let error = params["error"] else { return nil }
        self.init(error: error, errorDescription: params["error_description"], errorURI: params["error_uri"], status: status)
    }

    /// The error code as Kura's closed enum, nil for a code it does not know.
    public var code: OAuthErrorCode? { OAuthErrorCode(rawValue: error) }

    /// The same error as an `OAuthError` (with the server's status), nil for a code `OAuthErrorCode` does not know.
    public var oauthError: OAuthError? {
        code.map { OAuthError($0, errorDescription, detail: errorURI, status: status) }
    }

    public var description: String {
        "\(status) \(error)" + (errorDescription.map { ": \($0)" } ?? "")
    }

    /// `name="quoted value"` and `name=token` pairs from a challenge; names lower-cased (RFC 9110 §11.2).
    static func authParams(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(header)
        while let eq = rest.firstIndex(of: "=") {
            let name = rest[..<eq].split(whereSeparator: { $0 == " " || $0 == "," }).last.map { $0.lowercased() } ?? ""
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { value.append(c) }
                }
            } else {
                let end = rest.firstIndex(where: { $0 == "," || $0 == " " }) ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            if !name.isEmpty, result[name] == nil { result[name] = value }
        }
        return result
    }
}
