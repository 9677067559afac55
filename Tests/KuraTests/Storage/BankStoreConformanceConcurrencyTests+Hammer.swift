import AuthorizationServer
import BankCore
import Foundation
import Testing

/// The acceptance test of the ledger: many partners' transfers at once, with client retries.
///
/// Workers `w` and `w + 4` act for the same partner and send, for each index, a request under the same
/// `Idempotency-Key` drawn from the same seed — the same body, at about the same time, so the two race for the key.
/// Now and then the second one changes the amount (a different request hash under the key). A quarter of the requests
/// carry one of 50 payment consents shared by all partners. After each request a worker may retry it (same key and
/// body, as after a lost response). All draws come from `SeededGenerator`, so a failing run repeats its requests.
extension BankStoreConformanceConcurrencyTests {
    static let seed: UInt64 = 0x4B55_5241_4C45_4447
    static let workers = 8
    static let requestsPerWorker = 200
    static let accountCount = 5
    static let openingBalance: Int64 = 40_000

    /// One request and the store's answer; `previous` is the answer to the same request just before, for a retry.
    struct Exchange: Sendable {
        let request: Transfer
        let outcome: TransferOutcome
        let previous: TransferOutcome?
    }

    @Test("8 tasks × 200 transfers among 5 accounts with same-key retries and reused consents: total unchanged, none negative, audit consistent, each key and consent booked at most once, 2 entries per booking",
          arguments: StorageTestBackend.underTest)
    func hammer(_ backend: StorageTestBackend) async throws {
        try await backend.run { database in
            let bank = try #require((database.backend as? any BankStoreProvider)?.bank)
            // Where the database can be opened twice (a file, a server), workers 4–7 use a second backend: another
            // process or node, so the twins of a pair race across connection pools.
            let other = try database.openAnother?()
            let otherBank = try #require(((other ?? database.backend) as? any BankStoreProvider)?.bank)
            let accounts = try await BankFixture.fundedLedger(
                bank, database.backend.stores, balances: Array(repeating: Self.openingBalance, count: Self.accountCount))
            let exchanges = try await withThrowingTaskGroup(of: [Exchange].self) { group in
                for worker in 0..<Self.workers {
                    let node = worker < 4 ? bank : otherBank
                    group.addTask { try await Self.work(worker, bank: node, accounts: accounts) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            try await other?.shutdown()
            try await Self.verify(exchanges, bank: bank, accounts: accounts)
        }
    }

    /// One worker's requests, in order.
    private static func work(_ worker: Int, bank: any BankStore, accounts: [String]) async throws -> [Exchange] {
        var random = SeededGenerator(seed: seed &+ UInt64(worker))
        let pair = worker % 4
        var exchanges: [Exchange] = []
        for index in 0..<requestsPerWorker {
            // The body both workers of the pair send under this key.
            var shared = SeededGenerator(seed: seed ^ (UInt64(pair) << 32 | UInt64(index)))
            let debtor = Int.random(in: 0..<accounts.count, using: &shared)
            let creditor = (debtor + Int.random(in: 1..<accounts.count, using: &shared)) % accounts.count
            var amount = Int64.random(in: 1...15_000, using: &shared)
            let consent = Int.random(in: 0..<4, using: &shared) == 0 ? "consent-\(Int.random(in: 0..<50, using: &shared))" : nil
            if worker >= 4, Int.random(in: 0..<10, using: &random) == 0 { amount += 1 }
            var attempt = 0, previous: TransferOutcome?
            repeat {
                let request = Transfer(
                    id: "tr-\(worker)-\(index)-\(attempt)", clientID: "partner-\(pair)", userID: "user-1",
                    idempotencyKey: "key-\(index)", requestHash: "\(debtor)>\(creditor):\(amount):\(consent ?? "-")",
                    consentID: consent, debtorAccountID: accounts[debtor], creditedAccountID: accounts[creditor],
                    creditor: BankFixture.creditor, amount: Money(minorUnits: amount, currency: .jpy),
                    remittanceInformation: "Order \(index)", createdAt: BankFixture.at(Double(index)))
                let outcome = try await bank.postTransfer(request)
                exchanges.append(Exchange(request: request, outcome: outcome, previous: previous))
                previous = outcome
                attempt += 1
            } while Int.random(in: 0..<4, using: &random) == 0
        }
        return exchanges
    }

    private static func verify(_ exchanges: [Exchange], bank: any BankStore, accounts: [String]) async throws {
        let booked = exchanges.compactMap { if case .booked(let transfer) = $0.outcome { transfer } else { nil } }
        func key(_ transfer: Transfer) -> String { "\(transfer.clientID) \(transfer.idempotencyKey)" }
        let byKey = Dictionary(grouping: booked, by: key)
        let byConsent = Dictionary(grouping: booked.filter { $0.consentID != nil }) { $0.consentID! }
        #expect(byKey.values.allSatisfy { $0.count == 1 }, "an Idempotency-Key was booked twice")
        #expect(byConsent.values.allSatisfy { $0.count == 1 }, "a consent was booked twice")

        // Every answer is consistent with what was booked.
        for exchange in exchanges {
            let request = exchange.request
            switch exchange.outcome {
            case .booked: break
            case .replayed(let original):
                #expect(byKey[key(request)] == [original] && original.requestHash == request.requestHash, "\(request.id)")
            case .idempotencyKeyReused(let original):
                #expect(byKey[key(request)] == [original] && original.requestHash != request.requestHash, "\(request.id)")
            case .consentAlreadyUsed:
                #expect(request.consentID.flatMap { byConsent[$0] } != nil, "\(request.id)")
            case .insufficientFunds: break
            case .accountNotFound, .currencyMismatch: Issue.record("\(request.id): \(exchange.outcome)")
            }
            if case .booked(let original) = exchange.previous { #expect(exchange.outcome == .replayed(original), "\(request.id)") }
        }
        for transfer in booked { #expect(try await bank.transfer(id: transfer.id) == transfer) }

        // Money is neither created nor destroyed, and no customer account is overdrawn.
        let balances = try await BankFixture.balances(bank, accounts)
        #expect(balances.values.reduce(0, +) == Int64(accounts.count) * openingBalance)
        #expect(balances.values.allSatisfy { $0 >= 0 })
        let audit = try await bank.audit()
        #expect(audit == LedgerAudit(balanceTotals: ["JPY": 0], mismatchedAccounts: [], overdrawnAccounts: [], unbalancedBookings: []))

        // Exactly two entries per booked transfer (plus the funding), and each account's entries chain its balances.
        var entries: [LedgerEntry] = []
        for id in accounts + [BankFixture.fundingAccountID, BankFixture.clearingAccountID] {
            let chain = try await BankFixture.allEntries(bank, id).sorted { $0.sequence < $1.sequence }
            var running: Int64 = 0
            for entry in chain {
                running += entry.amountMinor
                #expect(entry.balanceAfterMinor == running, "\(entry.id)")
            }
            entries += chain
        }
        #expect(entries.count == 2 * booked.count + 2 * accounts.count)
        let byBooking = Dictionary(grouping: entries, by: \.bookingID)
        #expect(Set(byBooking.keys) == Set(booked.map(\.id) + (0..<accounts.count).map { "fund-\($0)" }))
        #expect(byBooking.values.allSatisfy { $0.count == 2 && $0[0].amountMinor == -$0[1].amountMinor })

        // The run went down every path it is meant to exercise.
        let answered = Set(exchanges.map { "\($0.outcome)".prefix { $0 != "(" } })
        #expect(answered == ["booked", "replayed", "idempotencyKeyReused", "consentAlreadyUsed", "insufficientFunds"])
        #expect(booked.count > 200)
    }
}
