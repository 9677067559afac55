import AuthorizationServer
import BankCore
import Foundation
import Testing

/// `BankStore.postTransfer(_:)`, checked against every backend.
@Suite("Ledger: a transfer debits and credits in one transaction, at most once per Idempotency-Key and per consent")
struct BankStoreConformanceTransferTests {
    /// Balances and entries of the customer accounts and the clearing account.
    private func ledgerState(_ bank: any BankStore, _ ids: [String]) async throws -> [String: [LedgerEntry]] {
        var state: [String: [LedgerEntry]] = [:]
        for id in ids + [BankFixture.clearingAccountID] { state[id] = try await BankFixture.allEntries(bank, id) }
        return state
    }

    @Test("a booked transfer debits the debtor and credits the credited account: two entries (debit first), balances, the transfer row",
          arguments: StorageTestBackend.underTest)
    func transferBooked(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [10_000, 500])
            let transfer = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 2_500, at: BankFixture.at(30))
            #expect(try await bank.postTransfer(transfer) == .booked(transfer))
            #expect(try await bank.transfer(id: "tr-1") == transfer)

            let debtor = try #require(try await bank.account(id: ids[0]))
            #expect(debtor.balanceMinor == 7_500)
            #expect(debtor.asOf == BankFixture.at(30))
            #expect(try await bank.account(id: ids[1])?.balanceMinor == 3_000)
            let debit = try #require(try await BankFixture.allEntries(bank, ids[0]).first)
            let credit = try #require(try await BankFixture.allEntries(bank, ids[1]).first)
            #expect(debit == LedgerEntry(
                sequence: debit.sequence, id: "tr-1-0", bookingID: "tr-1", accountID: ids[0], amountMinor: -2_500, currency: .jpy,
                balanceAfterMinor: 7_500, bookedAt: BankFixture.at(30), description: "Transfer to スズキ ハナコ",
                counterpartyName: "スズキ ハナコ"))
            #expect(credit == LedgerEntry(
                sequence: credit.sequence, id: "tr-1-1", bookingID: "tr-1", accountID: ids[1], amountMinor: 2_500, currency: .jpy,
                balanceAfterMinor: 3_000, bookedAt: BankFixture.at(30), description: "Transfer from ヤマダ タロウ acc_0",
                counterpartyName: "ヤマダ タロウ acc_0"))
            #expect(debit.sequence < credit.sequence)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("the same Idempotency-Key with the same request hash is .replayed with the original; nothing is written",
          arguments: StorageTestBackend.underTest)
    func replayed(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [10_000, 0])
            let original = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 1_000, key: "key-A", consent: "grant-1")
            #expect(try await bank.postTransfer(original) == .booked(original))
            let before = try await ledgerState(bank, ids)
            let retry = BankFixture.transfer("tr-2", from: ids[0], to: ids[1], amount: 1_000, key: "key-A", consent: "grant-1",
                                             at: BankFixture.at(40))
            #expect(try await bank.postTransfer(retry) == .replayed(original))
            #expect(try await bank.postTransfer(retry) == .replayed(original))
            #expect(try await bank.transfer(id: "tr-2") == nil)
            #expect(try await ledgerState(bank, ids) == before)
        }
    }

    @Test("the same Idempotency-Key with a different request hash is .idempotencyKeyReused; another client's key is its own",
          arguments: StorageTestBackend.underTest)
    func keyReused(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [10_000, 0])
            let original = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 1_000, key: "key-A", hash: "h1")
            #expect(try await bank.postTransfer(original) == .booked(original))
            let before = try await ledgerState(bank, ids)
            let changed = BankFixture.transfer("tr-2", from: ids[0], to: ids[1], amount: 2_000, key: "key-A", hash: "h2")
            #expect(try await bank.postTransfer(changed) == .idempotencyKeyReused(original))
            #expect(try await bank.transfer(id: "tr-2") == nil)
            #expect(try await ledgerState(bank, ids) == before)

            let otherClient = BankFixture.transfer("tr-3", from: ids[0], to: ids[1], amount: 2_000, key: "key-A", hash: "h2",
                                                   client: "partner-2")
            #expect(try await bank.postTransfer(otherClient) == .booked(otherClient))
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 7_000)
        }
    }

    @Test("a payment consent is single use: a second transfer with it is .consentAlreadyUsed and writes nothing",
          arguments: StorageTestBackend.underTest)
    func consentSingleUse(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [10_000, 0])
            let first = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 1_000, consent: "grant-1")
            #expect(try await bank.postTransfer(first) == .booked(first))
            let before = try await ledgerState(bank, ids)
            let second = BankFixture.transfer("tr-2", from: ids[0], to: ids[1], amount: 1_000, consent: "grant-1")
            #expect(try await bank.postTransfer(second) == .consentAlreadyUsed)
            let otherClient = BankFixture.transfer("tr-3", from: ids[0], to: ids[1], amount: 1_000, consent: "grant-1", client: "partner-2")
            #expect(try await bank.postTransfer(otherClient) == .consentAlreadyUsed)
            #expect(try await ledgerState(bank, ids) == before)
            // Without a consent (the plain `transfers` scope) there is no such limit.
            for index in 4...5 {
                let plain = BankFixture.transfer("tr-\(index)", from: ids[0], to: ids[1], amount: 1_000)
                #expect(try await bank.postTransfer(plain) == .booked(plain))
            }
        }
    }

    @Test("insufficient funds is .insufficientFunds, changes nothing, and leaves the key unused", arguments: StorageTestBackend.underTest)
    func insufficientFunds(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000, 0])
            let before = try await ledgerState(bank, ids)
            let tooMuch = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 1_001, consent: "grant-1")
            #expect(try await bank.postTransfer(tooMuch) == .insufficientFunds)
            #expect(try await bank.transfer(id: "tr-1") == nil)
            #expect(try await ledgerState(bank, ids) == before)
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 1_000)

            // Neither key nor consent was consumed: once funded, the same request books.
            try await bank.post(BankFixture.funding("top-up", to: ids[0], amount: 1))
            #expect(try await bank.postTransfer(tooMuch) == .booked(tooMuch))
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 0)
        }
    }

    @Test("an account in another currency is .currencyMismatch; an unknown account is .accountNotFound; nothing is written",
          arguments: StorageTestBackend.underTest)
    func accountChecks(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000, 0])
            try await bank.createAccount(BankFixture.account("acc_usd", number: "0000777", currency: .usd))
            let before = try await ledgerState(bank, ids + ["acc_usd"])
            let cases: [(Transfer, TransferOutcome)] = [
                (BankFixture.transfer("t1", from: ids[0], to: "acc_usd", amount: 10), .currencyMismatch),
                (BankFixture.transfer("t2", from: "acc_usd", to: ids[0], amount: 10), .currencyMismatch),
                (BankFixture.transfer("t3", from: ids[0], to: ids[1], amount: 10, currency: .usd), .currencyMismatch),
                (BankFixture.transfer("t4", from: "acc_nope", to: ids[1], amount: 10), .accountNotFound("acc_nope")),
                (BankFixture.transfer("t5", from: ids[0], to: "acc_nope", amount: 10), .accountNotFound("acc_nope")),
            ]
            for (transfer, outcome) in cases {
                #expect(try await bank.postTransfer(transfer) == outcome, "\(transfer.id)")
                #expect(try await bank.transfer(id: transfer.id) == nil)
            }
            #expect(try await ledgerState(bank, ids + ["acc_usd"]) == before)
            await expectBankError(.invalid("")) { _ = try await bank.postTransfer(BankFixture.transfer("t6", from: ids[0], to: ids[1], amount: 0)) }
            await expectBankError(.invalid("")) { _ = try await bank.postTransfer(BankFixture.transfer("t7", from: ids[0], to: ids[1], amount: -5)) }
            await expectBankError(.invalid("")) { _ = try await bank.postTransfer(BankFixture.transfer("t8", from: ids[0], to: ids[0], amount: 5)) }
            #expect(try await ledgerState(bank, ids + ["acc_usd"]) == before)
        }
    }

    @Test("USD transfers move cents exactly; a transfer to another bank credits the clearing account",
          arguments: StorageTestBackend.underTest)
    func usdTransferToClearing(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await BankFixture.fundedLedger(bank, stores, balances: [], currency: .usd)
            try await bank.createAccount(BankFixture.account("acc_usd", number: "0000777", currency: .usd))
            let deposit = try #require(Money.parse("100.05", currency: .usd))
            try await bank.post(BankFixture.funding("usd-in", to: "acc_usd", amount: deposit.minorUnits))
            let amount = try #require(Money.parse("99.99", currency: .usd))
            let transfer = BankFixture.transfer("tr-usd", from: "acc_usd", to: BankFixture.clearingAccountID,
                                                amount: amount.minorUnits, currency: .usd)
            #expect(try await bank.postTransfer(transfer) == .booked(transfer))
            #expect(try await bank.transfer(id: "tr-usd")?.amount.decimalString == "99.99")
            #expect(try await bank.account(id: "acc_usd")?.balance.decimalString == "0.06")
            #expect(try await bank.account(id: BankFixture.clearingAccountID)?.balanceMinor == 9_999)
            #expect(try await bank.audit().balanceTotals == ["USD": 0])
        }
    }

    @Test("a transfer's createdAt is stored to the millisecond, so .booked equals a later .replayed",
          arguments: StorageTestBackend.underTest)
    func bookedEqualsReplayed(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [1_000, 0])
            let transfer = BankFixture.transfer("tr-1", from: ids[0], to: ids[1], amount: 5, at: BankFixture.at(12.345_678_9))
            guard case .booked(let booked) = try await bank.postTransfer(transfer) else {
                Issue.record("not booked")
                return
            }
            #expect(StorageCoding.millis(booked.createdAt) == 1_900_000_012_345)
            #expect(try await bank.postTransfer(transfer) == .replayed(booked))
            #expect(try await bank.transfer(id: "tr-1") == booked)
        }
    }
}
