import Foundation
import OAuthCore

extension KuraClient {
    /// The bank's resource API (`/api` on the issuer's origin unless `baseURL` says otherwise) called with
    /// `accessToken`: typed calls over `send(method:url:token:body:headers:)`, so each request is sender-constrained
    /// (DPoP with `ath` and nonce retry, RFC 9449 §7, §9; or the mTLS-bound certificate, RFC 8705 §3), signed with
    /// RFC 9421 and its response signature verified when `signsResourceRequests` is on (FAPI 2.0 HTTP Signatures).
    public nonisolated func bankAPI(accessToken: String, baseURL: URL? = nil) -> KuraBankAPI {
        KuraBankAPI(client: self, accessToken: accessToken, baseURL: baseURL ?? Self.defaultBankAPIBaseURL(issuer: configuration.issuer))
    }

    /// `scheme://host[:port]/api` of the issuer: where Kura serves the bank API when it runs as one platform.
    nonisolated static func defaultBankAPIBaseURL(issuer: URL) -> URL {
        var components = URLComponents()
        components.scheme = issuer.scheme
        components.host = issuer.host
        components.port = issuer.port
        components.path = "/api"
        return components.url ?? issuer.appendingPathComponent("api")
    }
}

/// Typed calls to the bank API (OpenAPI document at `GET /api/openapi.json`) for one access token.
///
/// Every call returns the decoded model or throws `KuraBankAPIError` with the HTTP status, the API's `error` code and
/// `error_description` (RFC 6749 §5.2 style body; RFC 6750 §3 / RFC 9449 §7.1 `WWW-Authenticate` for token errors)
/// and the `x-fapi-interaction-id` to quote to the bank. KuraClient's own failures (transport, signing, a response
/// signature that does not verify) stay `KuraClientError`s.
public struct KuraBankAPI: Sendable {
    public let client: KuraClient
    public let accessToken: String
    /// E.g. `https://bank.example/api`.
    public let baseURL: URL

    public init(client: KuraClient, accessToken: String, baseURL: URL) {
        self.client = client
        self.accessToken = accessToken
        self.baseURL = baseURL
    }

    /// `GET /accounts`: the customer's accounts the grant covers (the `accounts` scope, or the accounts the customer
    /// picked for an `account_information` detail, RFC 9396 §9.1).
    public func accounts() async throws -> [BankAccount] {
        struct List: Decodable { var accounts: [BankAccount] }
        return try await get(List.self, path: "accounts").accounts
    }

    /// `GET /accounts/{id}`.
    public func account(id: String) async throws -> BankAccount {
        try await get(BankAccount.self, path: "accounts/" + Self.segment(id))
    }

    /// `GET /accounts/{id}/balances` (datatype `balances`).
    public func balances(accountID: String) async throws -> BankBalances {
        try await get(BankBalances.self, path: "accounts/" + Self.segment(accountID) + "/balances")
    }

    /// `GET /accounts/{id}/transactions`: one page, newest first (datatype `transactions`).
    /// - Parameters:
    ///   - from: `YYYY-MM-DD` (JST, inclusive) or an RFC 3339 instant.
    ///   - to: `YYYY-MM-DD` (JST, inclusive) or an RFC 3339 instant (exclusive).
    ///   - limit: 1…500; the server's default (50) when nil.
    ///   - cursor: the previous page's `nextCursor`.
    public func transactions(accountID: String, from: String? = nil, to: String? = nil, limit: Int? = nil,
                             cursor: String? = nil) async throws -> BankTransactionPage {
        var query: [(String, String)] = []
        if let from { query.append(("from", from)) }
        if let to { query.append(("to", to)) }
        if let limit { query.append(("limit", String(limit))) }
        if let cursor { query.append(("cursor", cursor)) }
        return try await get(BankTransactionPage.self, path: "accounts/" + Self.segment(accountID) + "/transactions", query: query)
    }

    /// `GET /identity`: the verified identity (scope `identity`).
    public func identity() async throws -> BankVerifiedIdentity {
        try await get(BankVerifiedIdentity.self, path: "identity")
    }

    /// `POST /transfers` with an `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header §2): books exactly the
    /// consented `payment_initiation` (once per consent), or a transfer to a saved payee under the `transfers` scope.
    ///
    /// Retrying with the same key and the same instruction returns the original transfer with `isIdempotentReplay`
    /// set; the same key with a different instruction is refused (422 `idempotency_key_reused`).
    /// - Parameter idempotencyKey: keep it to retry safely after a lost response; a fresh random key when nil.
    public func createTransfer(_ instruction: BankTransferInstruction, idempotencyKey: String? = nil) async throws -> BankTransfer {
        let key = idempotencyKey ?? client.random.token()
        var headers = HTTPHeaderFields()
        headers.set("Idempotency-Key", key)
        headers.set("Content-Type", "application/json")
        let url = url("transfers")
        let response = try await client.send(method: "POST", url: url, token: accessToken, body: instruction.json.jsonData(), headers: headers)
        guard response.status == 201 else { throw KuraBankAPIError(response) }
        var transfer = try Self.decode(BankTransfer.self, response)
        transfer.isIdempotentReplay = response.headers["Idempotent-Replayed"]?.lowercased() == "true"
        return transfer
    }

    /// `GET /transfers/{id}`: a transfer this client booked for this customer.
    public func transfer(id: String) async throws -> BankTransfer {
        try await get(BankTransfer.self, path: "transfers/" + Self.segment(id))
    }

    // MARK: - Machinery

    func get<Model: Decodable>(_ type: Model.Type, path: String, query: [(String, String)] = []) async throws -> Model {
        let response = try await client.get(url(path, query: query), token: accessToken)
        guard response.status == 200 else { throw KuraBankAPIError(response) }
        return try Self.decode(type, response)
    }

    func url(_ path: String, query: [(String, String)] = []) -> URL {
        var text = baseURL.absoluteString
        if !text.hasSuffix("/") { text += "/" }
        text += path
        if !query.isEmpty { text += "?" + FormURLEncoding.encode(query) }
        return URL(string: text)!
    }

    /// A path segment: RFC 3986 §3.3 unreserved characters kept, everything else percent-encoded.
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? value
    }

    static func decode<Model: Decodable>(_ type: Model.Type, _ response: HTTPResponseMessage) throws -> Model {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(type, from: response.body) } catch {
            throw KuraClientError.unexpectedResponse(status: response.status, body: "\(Model.self): \(error)")
        }
    }
}

/// A refusal by the bank API: the HTTP status, the `error` code (`insufficient_scope`, `invalid_token`,
/// `invalid_signature`, `insufficient_funds`, `idempotency_key_reused`, …) and its description, from the JSON body or
/// the `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9449 §7.1).
public struct KuraBankAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    /// The `error` member; `http_<status>` when the response carried none.
    public var error: String
    public var errorDescription: String?
    /// `x-fapi-interaction-id` of the exchange (FAPI 2.0 SP §5.3.4), for the bank's support.
    public var interactionID: String?

    public init(status: Int, error: String, errorDescription: String? = nil, interactionID: String? = nil) {
        self.status = status
        self.error = error
        self.errorDescription = errorDescription
        self.interactionID = interactionID
    }

    init(_ response: HTTPResponseMessage) {
        let server = response.oauthError
        self.init(status: response.status, error: server?.error ?? "http_\(response.status)",
                  errorDescription: server?.errorDescription ?? (server == nil ? String(response.text.prefix(300)) : nil),
                  interactionID: response.headers["x-fapi-interaction-id"])
    }

    public var description: String {
        "bank API \(status) \(error)" + (errorDescription.map { ": \($0)" } ?? "") + (interactionID.map { " [x-fapi-interaction-id \($0)]" } ?? "")
    }
}
