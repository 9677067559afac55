import AuthorizationServer
import BankCore
import Foundation
import KuraServer
import OAuthCore
import StorageSQLite
import Testing

/// The demo bank `kura demo` seeds: alice's accounts with six months of reproducible history, her OIDC4IDA verified
/// identity and payees, and bob as a transfer target.
@Suite("Demo bank seeding")
struct DemoBankTests {
    /// 2027-01-15T08:00:00Z, a Friday.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Seeded {
        let test: TestServer
        let bank: any BankStore
        let summary: DemoBankSummary
    }

    static func seeded(now: Date = now) async throws -> Seeded {
        let test = try await TestServer(clock: ManualClock(now))
        let bank = test.backend.bank
        try await BankConfiguration().ensureSystemAccounts(in: bank, now: now)
        let summary = try await DemoBank().seed(store: bank, users: test.server.stores.users,
                                                passwordHasher: test.server.passwordHasher, now: now)
        return Seeded(test: test, bank: bank, summary: summary)
    }

    /// Every entry of the account, newest first, following the cursors.
    static func entries(_ bank: any BankStore, _ accountID: String) async throws -> [LedgerEntry] {
        var all: [LedgerEntry] = []
        var page = try await bank.transactions(accountID: accountID, query: TransactionQuery(limit: TransactionQuery.maxLimit))
        all += page.entries
        while let next = page.next {
            page = try await bank.transactions(accountID: accountID, query: TransactionQuery(limit: TransactionQuery.maxLimit, after: next))
            all += page.entries
        }
        return all
    }

    @Test("SplitMix64 is deterministic and matches the reference sequence for seed 0")
    func splitMixDeterminism() {
        var zero = SplitMix64(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var a = SplitMix64(seed: DemoBank.historySeed), b = SplitMix64(seed: DemoBank.historySeed), c = SplitMix64(seed: 1)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test("alice gets a JPY ordinary and a savings account with katakana holder name and 3/7-digit numbers; bob one ordinary account")
    func accounts() async throws {
        let seeded = try await Self.seeded()
        #expect(seeded.summary.seeded)
        let accounts = seeded.summary.accounts.map(\.account)
        #expect(Set(accounts.map(\.kind)) == [.ordinary, .savings])
        #expect(accounts.allSatisfy { $0.currency == .jpy && $0.hasValidNumber && $0.branchCode != "000" })
        #expect(accounts.allSatisfy { $0.holderName == "エグザンプル アリス" && $0.userID == seeded.test.userID })
        let bob = try #require(try await seeded.test.server.stores.users.find(username: DemoBank.bobUsername))
        let bobAccounts = try await seeded.bank.accounts(ofUser: bob.id)
        #expect(bobAccounts.count == 1)
        #expect(bobAccounts.first?.account.kind == .ordinary)
        #expect(bobAccounts.allSatisfy { $0.balanceMinor > 0 })
    }

    @Test("The history spans at least five months up to now, with a monthly ¥285,000 salary, and balances never go below zero")
    func history() async throws {
        let seeded = try await Self.seeded()
        for balance in seeded.summary.accounts {
            #expect(balance.balanceMinor > 0)
            let entries = try await Self.entries(seeded.bank, balance.account.id)
            #expect(entries.allSatisfy { $0.balanceAfterMinor >= 0 && $0.bookedAt <= Self.now })
            #expect(entries.first?.balanceAfterMinor == balance.balanceMinor)
        }
        let ordinary = try #require(seeded.summary.accounts.first { $0.account.kind == .ordinary })
        let entries = try await Self.entries(seeded.bank, ordinary.account.id)
        let oldest = try #require(entries.last?.bookedAt), newest = try #require(entries.first?.bookedAt)
        #expect(newest.timeIntervalSince(oldest) >= 5 * 30 * 86_400)
        #expect(Self.now.timeIntervalSince(newest) < 14 * 86_400)
        let salaries = entries.filter { $0.amountMinor == 285_000 && $0.counterpartyName == "カブシキガイシャ クラテック" }
        #expect(salaries.count >= 5)
        #expect(entries.count > 60)
        #expect(entries.contains { $0.description.contains("家賃") && $0.amountMinor < 0 })
        #expect(entries.contains { $0.description.contains("貯蓄預金") && $0.amountMinor == -30_000 })
    }

    @Test("The seeded ledger passes the audit: balanced bookings, balances equal entries, nothing overdrawn")
    func audit() async throws {
        let seeded = try await Self.seeded()
        let audit = try await seeded.bank.audit()
        #expect(audit.isConsistent, "\(audit)")
        #expect(audit.balanceTotals["JPY"] == 0)
    }

    @Test("alice's verified identity is stored in the OIDC4IDA verified_claims shape")
    func identity() async throws {
        let seeded = try await Self.seeded()
        let identity = try #require(try await seeded.bank.identity(userID: seeded.test.userID))
        let claims = identity.verifiedClaims
        #expect(claims["verification"]?["trust_framework"]?.stringValue == "jp_aml")
        #expect(claims["verification"]?["time"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
        #expect(claims["verification"]?["verification_process"]?.stringValue?.count == 36)
        let evidence = try #require(claims["verification"]?["evidence"]?.arrayValue?.first)
        #expect(evidence["type"]?.stringValue == "document")
        #expect(evidence["method"]?.stringValue == "pipp")
        #expect(evidence["document_details"]?["type"]?.stringValue == "idcard")
        #expect(evidence["document_details"]?["issuer"]?["country"]?.stringValue == "JP")
        #expect(evidence["document_details"]?["document_number"]?.stringValue?.isEmpty == false)
        #expect(claims["claims"]?["given_name"]?.stringValue == "Alice")
        #expect(claims["claims"]?["family_name"]?.stringValue == "Example")
        #expect(claims["claims"]?["birthdate"]?.stringValue == "1990-04-12")
        #expect(claims["claims"]?["address"]?["postal_code"]?.stringValue == "150-0001")
    }

    @Test("alice has three well-formed payees: bob's account at this bank and two accounts at other banks")
    func payees() async throws {
        let seeded = try await Self.seeded()
        let payees = try await seeded.bank.payees(ofUser: seeded.test.userID)
        #expect(payees.count == 3)
        #expect(payees.allSatisfy { $0.account.isWellFormed })
        let ownBank = BankConfiguration().bankCode
        let local = payees.filter { $0.account.bankCode == ownBank }
        #expect(local.count == 1)
        let bob = try #require(try await seeded.test.server.stores.users.find(username: DemoBank.bobUsername))
        let target = try #require(try await seeded.bank.account(branchCode: local[0].account.branchCode, accountNumber: local[0].account.accountNumber))
        #expect(target.userID == bob.id)
    }

    @Test("Seeding twice changes nothing: the second run reports the existing accounts")
    func idempotent() async throws {
        let seeded = try await Self.seeded()
        let before = try await Self.entries(seeded.bank, seeded.summary.accounts[0].account.id)
        let again = try await DemoBank().seed(store: seeded.bank, users: seeded.test.server.stores.users,
                                              passwordHasher: seeded.test.server.passwordHasher, now: Self.now.addingTimeInterval(86_400))
        #expect(!again.seeded)
        #expect(again.accounts == seeded.summary.accounts)
        #expect(try await Self.entries(seeded.bank, seeded.summary.accounts[0].account.id) == before)
        #expect(try await seeded.bank.payees(ofUser: seeded.test.userID).count == 3)
        #expect(try await seeded.bank.audit().isConsistent)
    }

    @Test("The same seed and end date give the same statements in two fresh databases")
    func reproducible() async throws {
        func statement(_ seeded: Seeded) async throws -> [String] {
            var lines: [String] = []
            for balance in seeded.summary.accounts {
                lines += try await Self.entries(seeded.bank, balance.account.id)
                    .map { "\($0.bookedAt.timeIntervalSince1970) \($0.amountMinor) \($0.balanceAfterMinor) \($0.description)" }
            }
            return lines
        }
        let first = try await statement(try await Self.seeded())
        #expect(try await statement(try await Self.seeded()) == first)
        #expect(try await statement(try await Self.seeded(now: Self.now.addingTimeInterval(-40 * 86_400))) != first)
    }

    @Test("Every storage backend seeds the same demo statements and passes the audit", arguments: StorageTestBackend.underTest)
    func everyBackend(_ backend: StorageTestBackend) async throws {
        let reference = try await Self.seeded()
        let expected = try await Self.entries(reference.bank, reference.summary.accounts[0].account.id).map { "\($0.bookedAt) \($0.amountMinor) \($0.balanceAfterMinor)" }
        try await backend.run { database in
            let bank = try #require((database.backend as? any BankStoreProvider)?.bank)
            let users = database.backend.stores.users
            try await users.insert(UserRecord(id: "user-alice", username: DemoEnvironment.username, passwordHash: "unused",
                                              totpSecret: Data(count: 20), displayName: "Alice Example", createdAt: Self.now))
            let summary = try await DemoBank().seed(store: bank, users: users, passwordHasher: PasswordHasher(logN: 10), now: Self.now)
            #expect(summary.accounts.map(\.balanceMinor) == reference.summary.accounts.map(\.balanceMinor))
            let entries = try await Self.entries(bank, summary.accounts[0].account.id).map { "\($0.bookedAt) \($0.amountMinor) \($0.balanceAfterMinor)" }
            #expect(entries == expected)
            #expect(try await bank.audit().isConsistent)
        }
    }

    @Test("Seeding without the demo customer alice fails and writes nothing")
    func requiresAlice() async throws {
        let backend = try SQLiteBackend.inMemory()
        try await backend.migrate()
        await #expect(throws: ConfigurationError.self) {
            _ = try await DemoBank().seed(store: backend.bank, users: backend.stores.users, passwordHasher: PasswordHasher(logN: 10), now: Self.now)
        }
        #expect(try await backend.stores.users.find(username: DemoBank.bobUsername) == nil)
    }
}
