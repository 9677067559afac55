import AuthorizationServer
import BankCore
import Foundation
import Testing

/// The ledger's invariants under contention, on every backend. On a file or PostgreSQL backend the calls really
/// overlap (a connection pool; up to 10 connections per PostgreSQL test).
@Suite("Ledger: concurrent transfers never overspend, never book a key or consent twice, and never unbalance the ledger")
struct BankStoreConformanceConcurrencyTests {
    static let contenders = 20

    /// Runs `operation` `contenders` times concurrently and returns the results.
    private func race<T: Sendable>(_ operation: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for attempt in 0..<Self.contenders { group.addTask { try await operation(attempt) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("20 concurrent requests with one Idempotency-Key and body: one .booked, 19 .replayed with it",
          arguments: StorageTestBackend.underTest)
    func concurrentSameKey(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [100_000, 0])
            let outcomes = try await race { attempt in
                try await bank.postTransfer(BankFixture.transfer("tr-\(attempt)", from: ids[0], to: ids[1], amount: 1_000, key: "key-A"))
            }
            let booked = outcomes.compactMap { if case .booked(let transfer) = $0 { transfer } else { nil } }
            #expect(booked.count == 1)
            let winner = try #require(booked.first)
            #expect(outcomes.filter { $0 == .replayed(winner) }.count == Self.contenders - 1)
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 99_000)
            #expect(try await BankFixture.allEntries(bank, ids[1]).count == 1)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("20 concurrent requests with one payment consent and distinct keys: one .booked, 19 .consentAlreadyUsed",
          arguments: StorageTestBackend.underTest)
    func concurrentSameConsent(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [100_000, 0])
            let outcomes = try await race { attempt in
                try await bank.postTransfer(BankFixture.transfer("tr-\(attempt)", from: ids[0], to: ids[1], amount: 1_000, consent: "grant-1"))
            }
            #expect(outcomes.filter { if case .booked = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { $0 == .consentAlreadyUsed }.count == Self.contenders - 1)
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 99_000)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("20 concurrent debits worth more than the balance: exactly as many as it covers are booked, it ends at zero",
          arguments: StorageTestBackend.underTest)
    func concurrentOverspend(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            let ids = try await BankFixture.fundedLedger(bank, stores, balances: [7_000, 0, 0])
            let outcomes = try await race { attempt in
                // Two creditors, so the contenders lock different pairs of accounts.
                let (from, to) = attempt.isMultiple(of: 2) ? (ids[0], ids[1]) : (ids[0], ids[2])
                return try await bank.postTransfer(BankFixture.transfer("tr-\(attempt)", from: from, to: to, amount: 1_000))
            }
            #expect(outcomes.filter { if case .booked = $0 { true } else { false } }.count == 7)
            #expect(outcomes.filter { $0 == .insufficientFunds }.count == Self.contenders - 7)
            #expect(try await bank.account(id: ids[0])?.balanceMinor == 0)
            #expect(try await bank.audit().isConsistent)
        }
    }
}
