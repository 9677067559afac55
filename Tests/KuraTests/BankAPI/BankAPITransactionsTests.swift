import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `GET /api/accounts/{id}/transactions`: newest first, cursor-paged and stable under concurrent inserts, limited to
/// the granted period.
@Suite("Bank API: transaction history is cursor-paged, newest first, and limited to the granted period")
struct BankAPITransactionsTests {
    static let path = "/api/accounts/\(BankAPIFixture.aliceOrdinary)/transactions"

    func ids(_ response: TestResponse) -> [String] {
        response.json["transactions"]?.arrayValue?.compactMap { $0["transactionId"]?.stringValue } ?? []
    }

    @Test("Pages follow nextCursor newest first; entries booked while paging neither repeat nor shift the pages")
    func paging() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 7)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            let first = try await api.call(.get, Self.path + "?limit=3", token: token, proofKey: dpop)
            #expect(first.status == .ok, "\(first.bodyText)")
            #expect(ids(first) == ["hist-\(BankAPIFixture.aliceOrdinary)-6-0", "hist-\(BankAPIFixture.aliceOrdinary)-5-0", "hist-\(BankAPIFixture.aliceOrdinary)-4-0"])
            let times = first.json["transactions"]?.arrayValue?.compactMap { $0["bookingDateTime"]?.stringValue } ?? []
            #expect(times == times.sorted(by: >))
            // A new booking arrives between pages: it belongs before page 1 and must not appear on later pages.
            fixture.test.clock.advance(by: 60)
            try await fixture.store.post(Booking(id: "late", bookedAt: fixture.test.clock.now(), legs: [
                .init(accountID: BankConfiguration.SystemAccount.funding.id(.jpy), amountMinor: -1, description: "late"),
                .init(accountID: BankAPIFixture.aliceOrdinary, amountMinor: 1, description: "late"),
            ]))
            var seen = ids(first)
            var cursor = first.json["nextCursor"]?.stringValue
            while let next = cursor {
                let page = try await api.call(.get, Self.path + "?limit=3&cursor=\(next)", token: token, proofKey: dpop)
                #expect(page.status == .ok, "\(page.bodyText)")
                seen += ids(page)
                cursor = page.json["nextCursor"]?.stringValue
            }
            let expected = (0..<7).reversed().map { "hist-\(BankAPIFixture.aliceOrdinary)-\($0)-0" } + ["open-\(BankAPIFixture.aliceOrdinary)-1"]
            #expect(seen == expected, "\(seen)")
        }
    }

    @Test("Debits and credits carry a positive amount, an indicator and the balance after")
    func entryShape() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 1)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let response = try await api.call(.get, Self.path + "?limit=1", token: try await api.token(dpopKey: dpop), proofKey: dpop)
            let entry = try #require(response.json["transactions"]?.arrayValue?.first, "\(response.bodyText)")
            #expect(entry["creditDebitIndicator"] == "debit")
            #expect(entry["amount"] == ["amount": "100", "currency": "JPY"])
            #expect(entry["balanceAfter"] == ["amount": "99900", "currency": "JPY"])
            #expect(entry["counterpartyName"] == "コンビニ")
        }
    }

    @Test("A page's JSON is canonical: members in code-point order and strings escaped exactly as JSONValue writes them")
    func canonicalPageJSON() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 2)
        fixture.test.clock.advance(by: 60)
        // Text that needs escaping, non-ASCII text and an absent counterparty, in the page the endpoint writes by hand.
        try await fixture.store.post(Booking(id: "odd", bookedAt: fixture.test.clock.now(), legs: [
            .init(accountID: BankConfiguration.SystemAccount.funding.id(.jpy), amountMinor: -5, description: "odd"),
            .init(accountID: BankAPIFixture.aliceOrdinary, amountMinor: 5, description: "say \"hi\" \\ tab\there\u{1} 日本語 🏦",
                  counterpartyName: "Ümit \"Q\"\n"),
        ]))
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            for path in [Self.path + "?limit=2", Self.path + "?limit=100"] {
                let response = try await api.call(.get, path, token: token, proofKey: dpop)
                #expect(response.status == .ok, "\(response.bodyText)")
                let sent = Array(response.bodyText.utf8)
                let parsed = try #require(try? JSONValue.parse(sent, rejectDuplicateNames: true, maximumDepth: 16))
                #expect(parsed.jsonBytes() == sent, "the page differs from JSONValue's canonical writing: \(response.bodyText.prefix(300))")
                #expect(parsed["transactions"]?.arrayValue?.first?["description"]?.stringValue == "say \"hi\" \\ tab\there\u{1} 日本語 🏦")
            }
        }
    }

    @Test("limit outside 1…500, a cursor this API did not issue, a malformed date, or from after to are 400")
    func badParameters() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            for query in ["limit=0", "limit=501", "limit=ten", "cursor=bm90LWEtY3Vyc29y", "from=2026-13-01", "from=yesterday",
                          "from=2026-11-02&to=2026-11-01"] {
                let response = try await api.call(.get, Self.path + "?" + query, token: token, proofKey: dpop)
                #expect(response.status == .badRequest && response.oauthError == "invalid_request", "\(query): \(response.bodyText)")
            }
        }
    }

    @Test("from/to filter by JST booking day, to inclusive")
    func dateWindow() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 5)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let token = try await api.token(dpopKey: dpop)
            let opening = fixture.test.clock.now().addingTimeInterval(-300 * 86_400)
            let day = JapanDate.day(of: opening)
            let response = try await api.call(.get, Self.path + "?from=\(day)&to=\(day)", token: token, proofKey: dpop)
            #expect(ids(response) == ["open-\(BankAPIFixture.aliceOrdinary)-1"], "\(response.bodyText)")
        }
    }

    @Test("A granted period (transactionsFrom/To) narrows every request: nothing outside it is returned")
    func grantedPeriod() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 3)
        try await fixture.withAPI { api in
            let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
            let today = JapanDate.day(of: fixture.test.clock.now())
            let details: JSONValue = [BankAPIDriver.accountInformation([BankAPIFixture.aliceOrdinary], from: today, to: today)]
            let token = try await api.token(scope: [], details: details, dpopKey: dpop)
            let all = try await api.call(.get, Self.path, token: token, proofKey: dpop)
            #expect(!ids(all).contains("open-\(BankAPIFixture.aliceOrdinary)-1"), "\(all.bodyText)")
            let old = JapanDate.day(of: fixture.test.clock.now().addingTimeInterval(-300 * 86_400))
            let outside = try await api.call(.get, Self.path + "?from=\(old)&to=\(old)", token: token, proofKey: dpop)
            #expect(outside.status == .ok && ids(outside).isEmpty, "\(outside.bodyText)")
        }
    }
}
