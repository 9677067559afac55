import AuthorizationServer
import BankCore
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// Bank data for end-to-end flows against a `LiveServer` (which serves the whole platform): alice with a funded
/// ordinary account carrying `history` card payments and a savings account, bob with one account, and a saved payee of
/// alice at another bank. Written through `platform.bankAPI.store`, as an operator's `kura bank` commands would.
enum LiveBank {
    static let aliceOrdinary = "acc-live-alice-ordinary"
    static let aliceSavings = "acc-live-alice-savings"
    static let bobOrdinary = "acc-live-bob-ordinary"
    static let bobUserID = "user-live-bob"
    /// alice's opening deposit on her ordinary account, in yen.
    static let opening: Int64 = 300_000
    /// An external creditor (bank 0005): transfers to it are credited to the clearing account.
    static let creditor = BankAccountNumber(bankCode: "0005", branchCode: "123", accountNumber: "7654321")
    static let creditorName = "トウキョウ デンキ"

    /// Seeds the accounts and `history` card payments on alice's ordinary account, one an hour back from now.
    static func seed(_ live: LiveServer, history: Int = 12) async throws {
        let store = live.platform.bankAPI.store
        let now = live.test.clock.now()
        try await live.test.server.stores.users.insert(UserRecord(
            id: bobUserID, username: "bob", passwordHash: try live.test.server.passwordHasher.hash("bob's long password", random: SystemRandom()),
            totpSecret: Data("bob-totp-secret-0002".utf8), displayName: "Bob Example", createdAt: now))
        let opened = now.addingTimeInterval(-90 * 86_400)
        let accounts = [
            Account(id: aliceOrdinary, userID: live.test.userID, kind: .ordinary, currency: .jpy, branchCode: "001", accountNumber: "3000001",
                    name: "Ordinary deposit", holderName: "エグザンプル アリス", openedAt: opened),
            Account(id: aliceSavings, userID: live.test.userID, kind: .savings, currency: .jpy, branchCode: "001", accountNumber: "3000002",
                    name: "Savings", holderName: "エグザンプル アリス", openedAt: opened),
            Account(id: bobOrdinary, userID: bobUserID, kind: .ordinary, currency: .jpy, branchCode: "002", accountNumber: "4000001",
                    name: "Ordinary deposit", holderName: "エグザンプル ボブ", openedAt: opened),
        ]
        let funding = BankConfiguration.SystemAccount.funding.id(.jpy)
        for account in accounts {
            try await store.createAccount(account)
            try await store.post(Booking(id: "open-\(account.id)", bookedAt: opened.addingTimeInterval(60), legs: [
                .init(accountID: funding, amountMinor: -opening, description: "Opening deposit"),
                .init(accountID: account.id, amountMinor: opening, description: "Opening deposit"),
            ]))
        }
        for i in 0..<history {
            try await store.post(Booking(id: "live-hist-\(i)", bookedAt: now.addingTimeInterval(Double(i - history) * 3600), legs: [
                .init(accountID: aliceOrdinary, amountMinor: -Int64(100 + i), description: "Card payment \(i)", counterpartyName: "コンビニ"),
                .init(accountID: funding, amountMinor: Int64(100 + i), description: "Card settlement \(i)"),
            ]))
        }
        try await store.addPayee(Payee(id: "live-payee-1", userID: live.test.userID, account: BankAccountReference(
            bankCode: creditor.bankCode, branchCode: creditor.branchCode, accountNumber: creditor.accountNumber, name: creditorName),
            createdAt: now))
    }

    /// alice's ordinary account balance in yen, read from the ledger.
    static func balance(_ live: LiveServer, _ account: String = aliceOrdinary) async throws -> Int64 {
        try #require(try await live.platform.bankAPI.store.account(id: account)).balanceMinor
    }

    /// A ¥`amount` payment to the external creditor; the customer picks the debtor at consent.
    static func payment(amount: String = "5000", reference: String = "Invoice 77") -> BankTransferInstruction {
        BankTransferInstruction(instructedAmount: BankAmount(amount: amount, currency: "JPY"), creditorName: creditorName,
                                creditorAccount: creditor, remittanceInformation: reference)
    }

    /// A private_key_jwt + DPoP KuraClient for `clientID` over `transport` (a recording one by default).
    static func client(_ live: LiveServer, clientID: String, key: JWSSigningKey, scopes: [String] = ["openid"], signs: Bool = false,
                       dpopKey: JWSSigningKey? = nil, transport: RecordingHTTPTransport? = nil) throws -> (KuraClient, RecordingHTTPTransport) {
        var configuration = ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: clientID, signingKey: key, redirectURI: URL(string: TestServer.redirectURI)!,
            scopes: scopes, dpopKey: try dpopKey ?? JWSSigningKey.generate(.es256, kid: "dpop"),
            tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile)))
        configuration.signsResourceRequests = signs
        let recorder = try transport ?? RecordingHTTPTransport(tls: configuration.tls)
        return (try KuraClient(configuration: configuration, transport: recorder), recorder)
    }

    /// PAR with `details` → login as alice → tick `choosing` → approve → token.
    static func consent(_ client: KuraClient, _ live: LiveServer, details: JSONValue, choosing: Set<String>,
                        scope: [String]? = nil) async throws -> TokenResponse {
        let pushed = try await client.pushAuthorizationRequest(scope: scope, authorizationDetails: details)
        let response = try await client.authorize(pushed, username: TestServer.username, password: TestServer.password,
                                                  otp: live.test.otp(), choosing: choosing)
        return try await client.exchangeCode(response, for: pushed)
    }
}
