import AuthorizationServer
import BankCore
import Foundation
import OAuthCore

/// The demo bank's customer data: alice's ordinary and savings accounts with about six months of history, her verified
/// identity (OIDC4IDA `verified_claims`) and saved payees, and a second customer, bob, to transfer to.
///
/// Seeded once: when alice already has accounts, `seed` changes nothing and only reports them.
public struct DemoBank: Sendable {
    /// The second demo customer: a payee and transfer target. He has no known password, so he cannot log in.
    public static let bobUsername = "bob"
    public static let aliceHolderName = "エグザンプル アリス"
    public static let bobHolderName = "サンプル ボブ"
    /// The seed of the history generator: the same statements on every machine.
    public static let historySeed: UInt64 = 0x4B55_5241_4241_4E4B
    /// How far back the history goes.
    public static let historyMonths = 6

    /// Fixed demo numbers (branch 101, 203), so documentation and screenshots stay valid across installs.
    static let aliceOrdinary = (branch: "101", number: "3012457")
    static let aliceSavings = (branch: "101", number: "5082316")
    static let bobOrdinary = (branch: "203", number: "4417025")

    public let configuration: BankConfiguration

    public init(configuration: BankConfiguration = .init()) { self.configuration = configuration }

    /// Seeds with the standard history (`SplitMix64(seed: historySeed)`).
    public func seed(store: any BankStore, users: any UserStore, passwordHasher: PasswordHasher, now: Date,
                     random: any RandomSource = SystemRandom()) async throws -> DemoBankSummary {
        var history = SplitMix64(seed: Self.historySeed)
        return try await seed(store: store, users: users, passwordHasher: passwordHasher, now: now, random: random, history: &history)
    }

    /// Seeds the bank data unless alice already has accounts; returns alice's accounts either way.
    /// - Parameters:
    ///   - users: where alice (created by `DemoEnvironment.seed`) is found and bob is created.
    ///   - now: the end of the history; accounts are opened `historyMonths` before.
    ///   - random: identifiers, bob's unused password and TOTP secret, document number.
    ///   - history: amounts, days and hours of the history.
    /// - Throws: `ConfigurationError` when alice does not exist; `BankStoreError` from the store.
    public func seed(store: any BankStore, users: any UserStore, passwordHasher: PasswordHasher, now: Date,
                     random: any RandomSource = SystemRandom(), history: inout some RandomNumberGenerator) async throws -> DemoBankSummary {
        guard let alice = try await users.find(username: DemoEnvironment.username) else {
            throw ConfigurationError("the demo customer \(DemoEnvironment.username) does not exist; run DemoEnvironment.seed first")
        }
        let existing = try await store.accounts(ofUser: alice.id)
        guard existing.isEmpty else { return summary(alice: existing, seeded: false) }

        let openedAt = DemoBankHistory.calendar.date(byAdding: .month, value: -Self.historyMonths, to: now)!
        try await configuration.ensureSystemAccounts(in: store, now: openedAt)
        let bob = try await findOrCreateBob(users: users, passwordHasher: passwordHasher, now: openedAt, random: random)
        let bobAccount = try await bobsAccount(bob, store: store, openedAt: openedAt, random: random)
        let ordinary = try await open(.ordinary, "普通預金", for: alice.id, holder: Self.aliceHolderName, at: Self.aliceOrdinary,
                                      openedAt: openedAt, store: store, random: random)
        let savings = try await open(.savings, "貯蓄預金", for: alice.id, holder: Self.aliceHolderName, at: Self.aliceSavings,
                                     openedAt: openedAt, store: store, random: random)

        let plan = DemoBankHistory(
            accounts: .init(ordinary: ordinary.id, savings: savings.id, bob: bobAccount.id,
                            funding: BankConfiguration.SystemAccount.funding.id(.jpy),
                            clearing: BankConfiguration.SystemAccount.clearing.id(.jpy)),
            aliceHolder: Self.aliceHolderName, bobHolder: bobAccount.holderName)
        for booking in plan.bookings(openedAt: openedAt, now: now, random: &history, newID: { "bk_" + Base64URL.encode(random.bytes(16)) }) {
            try await store.post(booking)
        }
        try await store.saveIdentity(VerifiedIdentity(
            userID: alice.id, verifiedClaims: Self.aliceVerifiedClaims(verifiedAt: openedAt, random: random), updatedAt: openedAt))
        for (offset, account) in payees(bob: bobAccount).enumerated() {
            try await store.addPayee(Payee(id: "pye_" + Base64URL.encode(random.bytes(16)), userID: alice.id, account: account,
                                           createdAt: openedAt.addingTimeInterval(Double(offset + 1) * 86_400)))
        }
        return summary(alice: try await store.accounts(ofUser: alice.id), seeded: true)
    }

    /// alice's saved payees: bob at this bank, her landlord and her electricity company at other banks.
    func payees(bob: Account) -> [BankAccountReference] {
        [BankAccountReference(bankCode: configuration.bankCode, branchCode: bob.branchCode, accountNumber: bob.accountNumber,
                              name: bob.holderName),
         BankAccountReference(bankCode: "0009", branchCode: "123", accountNumber: "0482913", name: DemoBankHistory.landlord),
         BankAccountReference(bankCode: "0001", branchCode: "002", accountNumber: "7310058", name: DemoBankHistory.electricity)]
    }

    private func summary(alice accounts: [AccountBalance], seeded: Bool) -> DemoBankSummary {
        DemoBankSummary(bankCode: configuration.bankCode, bankName: configuration.bankName, accounts: accounts, seeded: seeded)
    }

    private func findOrCreateBob(users: any UserStore, passwordHasher: PasswordHasher, now: Date, random: any RandomSource) async throws -> UserRecord {
        if let bob = try await users.find(username: Self.bobUsername) { return bob }
        let bob = UserRecord(
            id: Base64URL.encode(random.bytes(16)), username: Self.bobUsername,
            passwordHash: try passwordHasher.hash(Base64URL.encode(random.bytes(24)), random: random),
            totpSecret: Data(random.bytes(20)), displayName: "Bob Sample", createdAt: now)
        try await users.insert(bob)
        return bob
    }

    /// bob's first JPY customer account (one an operator opened for him counts), else a new ordinary account.
    private func bobsAccount(_ bob: UserRecord, store: any BankStore, openedAt: Date, random: any RandomSource) async throws -> Account {
        if let account = try await store.accounts(ofUser: bob.id).map(\.account).first(where: { $0.currency == .jpy }) { return account }
        return try await open(.ordinary, "普通預金", for: bob.id, holder: Self.bobHolderName, at: Self.bobOrdinary,
                              openedAt: openedAt, store: store, random: random)
    }

    /// Opens a JPY account with the preferred number, or a random free one in the same branch when it is taken.
    private func open(_ kind: AccountKind, _ name: String, for userID: String, holder: String, at preferred: (branch: String, number: String),
                      openedAt: Date, store: any BankStore, random: any RandomSource) async throws -> Account {
        var number = preferred.number
        while try await store.account(branchCode: preferred.branch, accountNumber: number) != nil {
            number = String(format: "%07d", random.bytes(4).reduce(0) { $0 << 8 | UInt32($1) } % 10_000_000)
        }
        let account = Account(id: "acc_" + Base64URL.encode(random.bytes(16)), userID: userID, kind: kind, currency: .jpy,
                              branchCode: preferred.branch, accountNumber: number, name: name, holderName: holder, openedAt: openedAt)
        try await store.createAccount(account)
        return account
    }
}

/// What the demo bank holds for alice, for the `kura demo` banner.
public struct DemoBankSummary: Sendable {
    public var bankCode: String
    public var bankName: String
    /// alice's accounts with their balances.
    public var accounts: [AccountBalance]
    /// Whether this call created the data (false when it was already there).
    public var seeded: Bool
}
