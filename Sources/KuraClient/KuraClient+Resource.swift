import Foundation
import OAuthCore

extension KuraClient {
    /// GET a protected resource with a sender-constrained access token.
    /// - Returns: the response whatever its status, so callers can check 401/403/404 themselves.
    public func get(_ url: URL, token: String, headers: HTTPHeaderFields = [:]) async throws -> HTTPResponseMessage {
        try await send(method: "GET", url: url, token: token, body: nil, headers: headers)
    }

    /// POST JSON to a protected resource with a sender-constrained access token.
    public func post(_ url: URL, token: String, json: JSONValue, headers: HTTPHeaderFields = [:]) async throws -> HTTPResponseMessage {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return try await send(method: "POST", url: url, token: token, body: json.jsonData(), headers: headers)
    }

    /// Calls a protected resource (RFC 6750 §2.1 header only, never the query; FAPI 2.0 SP §5.3.3).
    ///
    /// With a DPoP key: `Authorization: DPoP <token>` and a proof with `ath` (RFC 9449 §7.1), retried once when the
    /// resource server answers 401 `use_dpop_nonce` (§9). Without one (mTLS-bound, RFC 8705 §3):
    /// `Authorization: Bearer <token>`.
    public func send(method: String, url: URL, token: String, body: Data?, headers: HTTPHeaderFields = [:]) async throws -> HTTPResponseMessage {
        let scheme = dpop == nil ? "Bearer" : "DPoP"
        var sent: HTTPRequestMessage?
        let response = try await sendWithDPoP(method: method, url: url, accessToken: dpop == nil ? nil : token) {
            var request = HTTPRequestMessage(method: method, url: url, headers: headers, body: body)
            request.headers.set("Authorization", "\(scheme) \(token)")
            if request.headers["Accept"] == nil { request.headers.set("Accept", "application/json") }
            return request
        } sign: { request in
            try self.signResourceRequest(&request)
            sent = request
        }
        if let signed = sent { try await verifyResourceResponse(response, to: signed) }
        return response
    }
}
