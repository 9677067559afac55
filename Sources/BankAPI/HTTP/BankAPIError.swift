import Foundation
import OAuthCore

/// An error of the bank API that is not about the access token: a JSON body `{"error", "error_description"}` in the
/// RFC 6749 §5.2 style partners already parse, with the status that says what went wrong. Token failures stay
/// `OAuthError`s with their RFC 6750 / RFC 9449 `WWW-Authenticate` challenge.
public struct BankAPIError: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let description: String
    public var headers: [String: String] = [:]

    public init(status: Int, code: String, _ description: String, headers: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.description = ErrorDescription(sanitizing: description).value
        self.headers = headers
    }

    /// 400: the request is malformed.
    public static func invalidRequest(_ description: String) -> BankAPIError { .init(status: 400, code: "invalid_request", description) }
    /// 401: the RFC 9421 request signature is missing or does not verify (FAPI 2.0 HTTP Signatures: "shall reject
    /// requests with missing or invalid signatures using HTTP status code 401").
    public static func invalidSignature(_ description: String) -> BankAPIError {
        .init(status: 401, code: "invalid_signature", description,
              headers: ["WWW-Authenticate": "Signature error=\"invalid_signature\""])
    }
    /// 403: the grant does not cover this account, data or payment (RFC 6750 §3.1 semantics).
    public static func forbidden(_ description: String) -> BankAPIError { .init(status: 403, code: "insufficient_scope", description) }
    /// 404.
    public static func notFound(_ description: String) -> BankAPIError { .init(status: 404, code: "not_found", description) }
    /// 422: well-formed, but cannot be carried out as asked.
    public static func unprocessable(_ code: String, _ description: String) -> BankAPIError { .init(status: 422, code: code, description) }

    public static func == (lhs: BankAPIError, rhs: BankAPIError) -> Bool { lhs.status == rhs.status && lhs.code == rhs.code }
}
