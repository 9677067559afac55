import AuthorizationServer
import BankCore
import Foundation
import Testing

/// `BankStore.post(_:)` and `audit()`, checked against every backend.
@Suite("Ledger: a booking is balanced, in one currency, never overdraws a customer, and is all-or-nothing")
struct BankStoreConformanceBookingTests {
    /// Balances and entry counts of every account, to show that a rejected posting changed nothing.
    private func snapshot(_ bank: any BankStore, _ ids: [String]) async throws -> [String: [Int64]] {
        var state: [String: [Int64]] = [:]
        for id in ids {
            let balance = try #require(try await bank.account(id: id)).balanceMinor
            state[id] = [balance, Int64(try await BankFixture.allEntries(bank, id).count)]
        }
        return state
    }

    @Test("a balanced booking appends its entries in leg order with the balance each left, and updates the balances",
          arguments: StorageTestBackend.underTest)
    func balancedBooking(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [10_000, 0])
            let salary = Booking(id: "salary-nov", bookedAt: BankFixture.at(100), legs: [
                .init(accountID: BankFixture.fundingAccountID, amountMinor: -250_000, description: "Payroll"),
                .init(accountID: ids[0], amountMinor: 200_000, description: "Salary November", counterpartyName: "ACME K.K."),
                .init(accountID: ids[1], amountMinor: 50_000, description: "Salary November (savings)"),
            ])
            try await bank.post(salary)

            let first = try #require(try await bank.account(id: ids[0]))
            #expect(first.balanceMinor == 210_000)
            #expect(first.asOf == BankFixture.at(100))
            #expect(try await bank.account(id: ids[1])?.balanceMinor == 50_000)
            #expect(try await bank.account(id: BankFixture.fundingAccountID)?.balanceMinor == -260_000)

            let entries = try await BankFixture.allEntries(bank, ids[0])
            #expect(entries.count == 2)
            let entry = try #require(entries.first)
            #expect(entry.id == "salary-nov-1")
            #expect(entry.bookingID == "salary-nov")
            #expect(entry.accountID == ids[0])
            #expect(entry.amountMinor == 200_000)
            #expect(entry.currency == .jpy)
            #expect(entry.balanceAfterMinor == 210_000)
            #expect(entry.bookedAt == BankFixture.at(100))
            #expect(entry.description == "Salary November")
            #expect(entry.counterpartyName == "ACME K.K.")
            #expect(entries[1].id == "fund-0-1" && entries[1].balanceAfterMinor == 10_000)
            var legs: [LedgerEntry?] = []
            for id in [BankFixture.fundingAccountID, ids[0], ids[1]] {
                legs.append(try await BankFixture.allEntries(bank, id).first { $0.bookingID == "salary-nov" })
            }
            #expect(legs.map { $0?.id } == ["salary-nov-0", "salary-nov-1", "salary-nov-2"])
            #expect(legs.map { $0?.counterpartyName } == [nil, "ACME K.K.", nil])
            // Entries are numbered in leg order.
            let sequences = legs.compactMap { $0?.sequence }
            #expect(sequences == sequences.sorted() && Set(sequences).count == 3)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("an unbalanced booking (sum not zero, one leg, a zero leg, an account twice) is invalid and changes nothing",
          arguments: StorageTestBackend.underTest)
    func unbalancedBookings(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000, 1_000])
            let all = ids + [BankFixture.fundingAccountID]
            let before = try await snapshot(bank, all)
            let f = BankFixture.fundingAccountID
            let bad: [[Booking.Leg]] = [
                [.init(accountID: f, amountMinor: -100, description: "x"), .init(accountID: ids[0], amountMinor: 99, description: "x")],
                [.init(accountID: ids[0], amountMinor: 0, description: "x"), .init(accountID: ids[1], amountMinor: 0, description: "x")],
                [.init(accountID: f, amountMinor: -100, description: "x"), .init(accountID: ids[0], amountMinor: 100, description: "x"),
                 .init(accountID: ids[1], amountMinor: 0, description: "x")],
                [.init(accountID: f, amountMinor: 0, description: "x")],
                [.init(accountID: ids[0], amountMinor: -100, description: "x"), .init(accountID: ids[0], amountMinor: 100, description: "x")],
                [.init(accountID: f, amountMinor: .min, description: "x"), .init(accountID: ids[0], amountMinor: .min, description: "x")],
            ]
            for (index, legs) in bad.enumerated() {
                await expectBankError(.invalid("")) { try await bank.post(Booking(id: "bad-\(index)", bookedAt: BankFixture.at(5), legs: legs)) }
            }
            #expect(try await snapshot(bank, all) == before)
        }
    }

    @Test("legs on accounts of different currencies are invalid and change nothing", arguments: StorageTestBackend.underTest)
    func currencyMismatch(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000])
            try await bank.createAccount(BankFixture.account("acc_usd", number: "0000777", currency: .usd))
            let all = ids + [BankFixture.fundingAccountID, "acc_usd"]
            let before = try await snapshot(bank, all)
            await expectBankError(.invalid("")) {
                try await bank.post(BankFixture.funding("mixed", to: "acc_usd", amount: 500))
            }
            #expect(try await snapshot(bank, all) == before)
        }
    }

    @Test("a booking that would overdraw a customer account is insufficientFunds and changes nothing; a system account may go negative",
          arguments: StorageTestBackend.underTest)
    func overdraftRejected(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000, 500])
            let all = ids + [BankFixture.fundingAccountID]
            let before = try await snapshot(bank, all)
            // The credit leg comes first, so it has been applied when the debit fails: all of it must roll back.
            let card = Booking(id: "card-1", bookedAt: BankFixture.at(20), legs: [
                .init(accountID: ids[1], amountMinor: 1_001, description: "Refund"),
                .init(accountID: ids[0], amountMinor: -1_001, description: "Card payment"),
            ])
            await expectBankError(.insufficientFunds(ids[0])) { try await bank.post(card) }
            #expect(try await snapshot(bank, all) == before)

            // Exactly the balance is fine, and leaves zero.
            try await bank.post(Booking(id: "card-2", bookedAt: BankFixture.at(21), legs: [
                .init(accountID: BankFixture.clearingAccountID, amountMinor: 1_000, description: "Card clearing"),
                .init(accountID: ids[0], amountMinor: -1_000, description: "Card payment"),
            ]))
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 0)
            #expect(try await bank.account(id: BankFixture.fundingAccountID)?.balanceMinor == -1_500)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("a booking on an unknown account is notFound and changes nothing; a reused booking id is duplicate",
          arguments: StorageTestBackend.underTest)
    func unknownAccountAndDuplicateBooking(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000])
            let all = ids + [BankFixture.fundingAccountID]
            let before = try await snapshot(bank, all)
            await expectBankError(.notFound("acc_missing")) { try await bank.post(BankFixture.funding("f-x", to: "acc_missing", amount: 5)) }
            await expectBankError(.notFound("acc_missing")) {
                try await bank.post(BankFixture.funding("f-y", to: ids[0], amount: 5, from: "acc_missing"))
            }
            await expectBankError(.duplicate("")) { try await bank.post(BankFixture.funding("fund-0", to: ids[0], amount: 5)) }
            #expect(try await snapshot(bank, all) == before)
        }
    }

    @Test("JPY (no minor unit) and USD (cents) amounts are exact integers of minor units", arguments: StorageTestBackend.underTest)
    func minorUnits(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await BankFixture.fundedLedger(bank, stores, balances: [])
            try await bank.createAccount(BankFixture.account("acc_jpy", number: "0000010"))
            try await bank.createAccount(BankFixture.account("acc_usd", number: "0000011", currency: .usd))
            try await bank.createAccount(BankFixture.system("acc_usd_funding", number: "0000012", currency: .usd))
            let yen = try #require(Money.parse("123456789012", currency: .jpy))
            let cents = try #require(Money.parse("1234567890.07", currency: .usd))
            try await bank.post(BankFixture.funding("jpy", to: "acc_jpy", amount: yen.minorUnits))
            try await bank.post(BankFixture.funding("usd", to: "acc_usd", amount: cents.minorUnits, from: "acc_usd_funding"))
            let jpy = try #require(try await bank.account(id: "acc_jpy"))
            let usd = try #require(try await bank.account(id: "acc_usd"))
            #expect(jpy.balance == Money(minorUnits: 123_456_789_012, currency: .jpy))
            #expect(jpy.balance.decimalString == "123456789012")
            #expect(usd.balance == Money(minorUnits: 123_456_789_007, currency: .usd))
            #expect(usd.balance.decimalString == "1234567890.07")
            #expect(try await BankFixture.allEntries(bank, "acc_usd").first?.currency == .usd)
            let audit = try await bank.audit()
            #expect(audit.balanceTotals == ["JPY": 0, "USD": 0])
            #expect(audit.isConsistent)
        }
    }

    @Test("after many bookings every balance equals the sum of its entries and each currency sums to zero",
          arguments: StorageTestBackend.underTest)
    func balancesEqualEntries(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [5_000, 5_000, 5_000])
            var random = SeededGenerator(seed: 7)
            for index in 0..<40 {
                let from = ids.randomElement(using: &random)!, to = ids.filter { $0 != from }.randomElement(using: &random)!
                let amount = Int64.random(in: 1...3_000, using: &random)
                try? await bank.post(Booking(id: "move-\(index)", bookedAt: BankFixture.at(Double(index)), legs: [
                    .init(accountID: from, amountMinor: -amount, description: "Move"),
                    .init(accountID: to, amountMinor: amount, description: "Move"),
                ]))
            }
            var total: Int64 = 0
            for id in ids + [BankFixture.fundingAccountID, BankFixture.clearingAccountID] {
                let balance = try #require(try await bank.account(id: id)).balanceMinor
                let entries = try await BankFixture.allEntries(bank, id, pageSize: 7)
                #expect(balance == entries.reduce(0) { $0 + $1.amountMinor }, "\(id)")
                #expect(balance == entries.max { $0.sequence < $1.sequence }?.balanceAfterMinor ?? 0, "\(id)")
                total += balance
            }
            #expect(total == 0)
            #expect(try await bank.audit() == LedgerAudit(
                balanceTotals: ["JPY": 0], mismatchedAccounts: [], overdrawnAccounts: [], unbalancedBookings: []))
        }
    }

    @Test("the audit reports a balance that differs from its entries and a booking whose entries do not sum to zero (PostgreSQL, tampered with raw SQL)",
          .enabled(if: StorageTestEnvironment.postgresURL != nil, "KURA_TEST_POSTGRES_URL is not set"))
    func auditFindsTampering() async throws {
        let url = try #require(StorageTestEnvironment.postgresURL)
        try await TamperablePostgresLedger.run(serverURL: url) { ledger in
            let bank = ledger.backend.bank
            let ids = try await BankFixture.fundedLedger(bank, ledger.backend.stores, balances: [1_000, 2_000])
            #expect(try await bank.audit().isConsistent)
            try await ledger.execute("UPDATE accounts SET balance_minor = balance_minor + 7 WHERE id = \(ids[0])")
            try await ledger.execute("UPDATE ledger_entries SET amount_minor = amount_minor - 1 WHERE id = 'fund-1-0'")
            let audit = try await bank.audit()
            #expect(!audit.isConsistent)
            #expect(audit.balanceTotals == ["JPY": 7])
            #expect(audit.mismatchedAccounts == [BankFixture.fundingAccountID, ids[0]].sorted())
            #expect(audit.unbalancedBookings == ["fund-1"])
            #expect(audit.overdrawnAccounts == [])
        }
    }
}
