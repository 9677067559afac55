import AuthorizationServer
import BankCore
import Foundation
import Testing

/// `BankStore.transactions(accountID:query:)`, checked against every backend.
@Suite("Ledger: transaction history pages newest first by keyset (from inclusive, until exclusive), stable while new entries are booked")
struct BankStoreConformanceHistoryTests {
    /// Books 30 deposits to `acc_0` at seconds `(k * 7) % 12` (out of order, with ties) and returns the entry ids in
    /// the expected newest-first order: booked_at descending, then booking order descending.
    private func seedHistory(_ bank: any BankStore, _ stores: Stores) async throws -> [(id: String, second: Int)] {
        try await BankFixture.fundedLedger(bank, stores, balances: [])
        try await bank.createAccount(BankFixture.account("acc_0", number: "0001000"))
        var booked: [(id: String, second: Int, order: Int)] = []
        for k in 0..<30 {
            let second = (k * 7) % 12
            try await bank.post(BankFixture.funding("dep-\(k)", to: "acc_0", amount: Int64(k + 1), at: BankFixture.at(Double(second))))
            booked.append(("dep-\(k)-1", second, k))
        }
        return booked.sorted { ($0.second, $0.order) > ($1.second, $1.order) }.map { ($0.id, $0.second) }
    }

    /// Every page of `query`'s range, following `next`.
    private func pages(_ bank: any BankStore, _ query: TransactionQuery) async throws -> [TransactionPage] {
        var pages: [TransactionPage] = [], query = query
        while true {
            let page = try await bank.transactions(accountID: "acc_0", query: query)
            pages.append(page)
            guard let next = page.next else { return pages }
            // Clients send the opaque token back; it must lead to the same position.
            query.after = try #require(TransactionCursor(token: next.token))
            #expect(query.after == next)
        }
    }

    @Test("pages of 7 list every entry once, newest first, ties by booking order; next is the last entry's position, nil at the end",
          arguments: StorageTestBackend.underTest)
    func newestFirstAcrossPages(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let expected = try await seedHistory(bank, stores)
            let pages = try await pages(bank, TransactionQuery(limit: 7))
            #expect(pages.map(\.entries.count) == [7, 7, 7, 7, 2])
            #expect(pages.flatMap(\.entries).map(\.id) == expected.map(\.id))
            for page in pages.dropLast() { #expect(page.next == TransactionCursor(after: page.entries.last!)) }
            #expect(pages.last?.next == nil)
            let all = pages.flatMap(\.entries)
            #expect(zip(all, all.dropFirst()).allSatisfy { ($0.bookedAt, $0.sequence) > ($1.bookedAt, $1.sequence) })
        }
    }

    @Test("from is inclusive and until exclusive on booked_at, also across pages", arguments: StorageTestBackend.underTest)
    func fromUntil(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let expected = try await seedHistory(bank, stores).filter { $0.second >= 3 && $0.second < 8 }
            let pages = try await pages(bank, TransactionQuery(from: BankFixture.at(3), until: BankFixture.at(8), limit: 4))
            #expect(pages.flatMap(\.entries).map(\.id) == expected.map(\.id))
            #expect(expected.count > 8)
            let empty = try await bank.transactions(accountID: "acc_0", query: TransactionQuery(from: BankFixture.at(5), until: BankFixture.at(5)))
            #expect(empty == TransactionPage(entries: [], next: nil))
        }
    }

    @Test("a page that ends exactly at the last entry has no next; an unknown account has an empty page; limit is clamped to 1...500",
          arguments: StorageTestBackend.underTest)
    func exactPageAndLimits(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let expected = try await seedHistory(bank, stores)
            let full = try await bank.transactions(accountID: "acc_0", query: TransactionQuery(limit: 30))
            #expect(full.entries.map(\.id) == expected.map(\.id))
            #expect(full.next == nil)
            let one = try await bank.transactions(accountID: "acc_0", query: TransactionQuery(limit: 0))
            #expect(one.entries.map(\.id) == [expected[0].id])
            #expect(one.next == TransactionCursor(after: one.entries[0]))
            #expect(TransactionQuery(limit: 10_000).limit == TransactionQuery.maxLimit)
            #expect(try await bank.transactions(accountID: "acc_missing", query: TransactionQuery()) == TransactionPage(entries: [], next: nil))
        }
    }

    @Test("entries booked between page fetches (newer, older, and at the cursor's instant) never duplicate or skip an original entry",
          arguments: StorageTestBackend.underTest)
    func stableWhileBooking(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let original = try await seedHistory(bank, stores).map(\.id)
            var seen: [String] = [], query = TransactionQuery(limit: 6), round = 0
            while true {
                let page = try await bank.transactions(accountID: "acc_0", query: query)
                seen += page.entries.map(\.id)
                guard let next = page.next else { break }
                query.after = next
                // New bookings: after everything, before everything, and at exactly the cursor's instant.
                round += 1
                let cursorSecond = next.bookedAt.timeIntervalSince(BankFixture.at(0))
                for (tag, second) in [("new", 100.0), ("old", -100.0 - Double(round)), ("tie", cursorSecond)] {
                    try await bank.post(BankFixture.funding("\(tag)-\(round)", to: "acc_0", amount: 1, at: BankFixture.at(second)))
                }
            }
            #expect(Set(seen).count == seen.count, "an entry was listed twice")
            #expect(seen.filter { original.contains($0) } == original)
            // Only backdated entries (older than the cursor) show up on later pages, and all of them do.
            #expect(round >= 4)
            #expect(seen.filter { !original.contains($0) } == (1...round).map { "old-\($0)-1" })
        }
    }
}
