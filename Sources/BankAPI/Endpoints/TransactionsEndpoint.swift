import BankCore
import Foundation
import OAuthCore

/// `GET /api/accounts/{id}/transactions?from=&to=&limit=&cursor=`: the account's booked entries, newest first,
/// cursor-paged.
///
/// Pages continue from a keyset position (`TransactionCursor`), never an offset, so entries booked while a partner
/// pages neither shift nor repeat what it sees. `from`/`to` are ISO 8601 dates (days in Japan Standard Time, `to`
/// inclusive) or RFC 3339 instants; the window is narrowed to the dates the customer granted (`account_information`
/// `transactionsFrom`/`transactionsTo`), so a partner can never read outside it.
struct TransactionsEndpoint: Sendable {
    let api: BankAPI
    static let defaultLimit = 50

    func list(_ request: APIRequest) async throws -> APIResult {
        let (account, access) = try await AccountsEndpoint(api: api).grantedAccount(request)
        guard access.transactions else { throw BankAPIError.forbidden("The grant does not cover this account's transactions") }
        let query = request.query
        let from = try query.value("from").map { try Self.instant($0, name: "from", endOfDay: false) }
        let to = try query.value("to").map { try Self.instant($0, name: "to", endOfDay: true) }
        if let from, let to, from >= to { throw BankAPIError.invalidRequest("from must be before to") }
        var limit = Self.defaultLimit
        if let raw = query.value("limit") {
            guard let value = Int(raw), (1...TransactionQuery.maxLimit).contains(value) else {
                throw BankAPIError.invalidRequest("limit must be an integer from 1 to \(TransactionQuery.maxLimit)")
            }
            limit = value
        }
        let cursor = try query.value("cursor").map { raw in
            guard let cursor = TransactionCursor(token: raw) else { throw BankAPIError.invalidRequest("cursor is not one this API issued") }
            return cursor
        }
        let window = TransactionQuery(from: Self.later(from, access.from), until: Self.earlier(to, access.until), limit: limit, after: cursor)
        let page: TransactionPage
        if let lower = window.from, let upper = window.until, lower >= upper {
            page = TransactionPage(entries: [], next: nil)  // the requested window lies outside the granted one
        } else {
            page = try await api.store.transactions(accountID: account.id, query: window)
        }
        var nextLink: String?
        if let next = page.next {
            var parameters = [("limit", String(limit)), ("cursor", next.token)]
            if let raw = query.value("from") { parameters.append(("from", raw)) }
            if let raw = query.value("to") { parameters.append(("to", raw)) }
            nextLink = api.configuration.origin + BankAPI.Path.transactions(account.id) + "?" + FormParameters.encode(parameters)
        }
        let body = BankJSON.transactionsPage(accountID: account.id, entries: page.entries, nextCursor: page.next?.token, nextLink: nextLink)
        return APIResult(status: 200, body: [:], encodedBody: body)
    }

    /// `YYYY-MM-DD` (start of that day in JST, or of the next day when `endOfDay`, so `to` is inclusive) or an RFC 3339
    /// instant.
    static func instant(_ text: String, name: String, endOfDay: Bool) throws -> Date {
        if text.utf8.count == 10, let day = JapanDate.startOfDay(text) {
            return endOfDay ? day.addingTimeInterval(86_400) : day
        }
        if text.utf8.count <= 40, let instant = try? Date.ISO8601FormatStyle().parse(text) { return instant }
        throw BankAPIError.invalidRequest("\(name) must be a date (YYYY-MM-DD) or an RFC 3339 date-time")
    }

    static func later(_ a: Date?, _ b: Date?) -> Date? { [a, b].compactMap { $0 }.max() }
    static func earlier(_ a: Date?, _ b: Date?) -> Date? { [a, b].compactMap { $0 }.min() }
}
