import Foundation
import HTTPTypes
import Hummingbird
import OAuthCore

extension Request {
    /// Largest form body Kura reads (PAR bodies with request objects and authorization details included).
    static let maxFormBytes = 64 * 1024

    /// Parses an `application/x-www-form-urlencoded` POST body (RFC 6749 §3.2, RFC 9126 §2.1).
    /// - Throws: `invalid_request` for another content type, an oversized body or repeated parameters.
    public func formParameters() async throws -> FormParameters {
        guard let type = headers[.contentType]?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded") else {
            throw OAuthError.invalidRequest("Content-Type must be application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: Self.maxFormBytes)
        } catch {
            throw OAuthError(.invalidRequest, "Request body too large", status: 413)
        }
        return try FormParameters(parsing: String(buffer: buffer))
    }

    /// The query string parsed as OAuth parameters (duplicates rejected).
    public func queryParameters() throws(OAuthError) -> FormParameters {
        try FormParameters(parsing: uri.query ?? "")
    }

    /// All values of a header field, e.g. every `DPoP` header (RFC 9449 §4.3 check 1 wants exactly one).
    public func headerValues(_ name: String) -> [String] {
        guard let field = HTTPField.Name(name) else { return [] }
        return headers[values: field]
    }

    /// The value of a cookie sent by the browser.
    public func cookieValue(_ name: String) -> String? {
        for header in headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == name { return String(kv[1]) }
            }
        }
        return nil
    }
}
