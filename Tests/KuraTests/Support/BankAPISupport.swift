import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPMessageSignatures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraServer
import NIOCore
import OAuthCore
import OAuthJOSE
import Testing

/// The bank API over the in-memory test server: `TestServer`'s database, clock, client and customer alice, with the
/// platform (authorization server with the bank's RAR policy, and the bank API) on top, a second customer bob, funded
/// accounts and a saved payee.
struct BankAPIFixture: Sendable {
    let test: TestServer
    let platform: KuraPlatform
    var store: any BankStore { platform.bankAPI.store }

    static let aliceOrdinary = "acc-alice-ordinary"
    static let aliceSavings = "acc-alice-savings"
    static let bobOrdinary = "acc-bob-ordinary"
    static let bobUserID = "user-bob"
    /// alice's saved payee at another bank.
    static let payee = BankAccountReference(bankCode: "0005", branchCode: "123", accountNumber: "7654321", name: "トウキョウ デンキ")
    static let opening: [String: Int64] = [aliceOrdinary: 100_000, aliceSavings: 500_000, bobOrdinary: 50_000]

    init(backend: (any StorageBackend & BankStoreProvider)? = nil, configure: (inout BankAPIConfiguration) -> Void = { _ in },
         server: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        test = try await TestServer(backend: backend, configure: server)
        var bank = BankAPIConfiguration(origin: KuraPlatform.origin(of: TestServer.issuer))
        configure(&bank)
        var logger = test.server.logger
        logger.logLevel = .warning
        platform = try KuraPlatform(backend: test.backend, configuration: test.server.configuration, bank: bank, clock: test.clock,
                                    passwordHasher: PasswordHasher(logN: 10), logger: logger)
        try await platform.prepare()
        let now = test.clock.now()
        try await test.server.stores.users.insert(UserRecord(
            id: Self.bobUserID, username: "bob", passwordHash: try test.server.passwordHasher.hash("bob's long password", random: SystemRandom()),
            totpSecret: Data("bob-totp-secret-0001".utf8), displayName: "Bob Example", createdAt: now))
        let accounts = [
            Account(id: Self.aliceOrdinary, userID: test.userID, kind: .ordinary, currency: .jpy, branchCode: "001", accountNumber: "1000001",
                    name: "Ordinary deposit", holderName: "エグザンプル アリス", openedAt: now.addingTimeInterval(-400 * 86_400)),
            Account(id: Self.aliceSavings, userID: test.userID, kind: .savings, currency: .jpy, branchCode: "001", accountNumber: "1000002",
                    name: "Savings", holderName: "エグザンプル アリス", openedAt: now.addingTimeInterval(-400 * 86_400)),
            Account(id: Self.bobOrdinary, userID: Self.bobUserID, kind: .ordinary, currency: .jpy, branchCode: "002", accountNumber: "2000001",
                    name: "Ordinary deposit", holderName: "エグザンプル ボブ", openedAt: now.addingTimeInterval(-400 * 86_400)),
        ]
        let funding = BankConfiguration.SystemAccount.funding.id(.jpy)
        for account in accounts {
            try await store.createAccount(account)
            try await store.post(Booking(id: "open-\(account.id)", bookedAt: now.addingTimeInterval(-300 * 86_400), legs: [
                .init(accountID: funding, amountMinor: -Self.opening[account.id]!, description: "Opening deposit"),
                .init(accountID: account.id, amountMinor: Self.opening[account.id]!, description: "Opening deposit"),
            ]))
        }
        try await store.addPayee(Payee(id: "payee-1", userID: test.userID, account: Self.payee, createdAt: now))
    }

    func withAPI<Value: Sendable>(_ body: @Sendable (BankAPIDriver) async throws -> Value) async throws -> Value {
        let router = KuraApplication.router(server: platform.server, bankAPI: platform.bankAPI)
        return try await Application(router: router).test(.router) { client in
            try await body(BankAPIDriver(fixture: self, flow: FlowDriver(test: test, client: client)))
        }
    }

    /// Books `count` small card payments on alice's ordinary account, one an hour back from now.
    func bookHistory(count: Int, account: String = BankAPIFixture.aliceOrdinary) async throws {
        let funding = BankConfiguration.SystemAccount.funding.id(.jpy)
        for i in 0..<count {
            try await store.post(Booking(id: "hist-\(account)-\(i)", bookedAt: test.clock.now().addingTimeInterval(Double(i - count) * 3600), legs: [
                .init(accountID: account, amountMinor: -Int64(100 + i), description: "Card payment \(i)", counterpartyName: "コンビニ"),
                .init(accountID: funding, amountMinor: Int64(100 + i), description: "Card settlement \(i)"),
            ]))
        }
    }
}

/// Drives the bank API as a partner would: tokens from the token endpoint, DPoP proofs with `ath`, optional RFC 9421
/// request signatures with the client's registered key, and response-signature checks with the server's JWKS.
struct BankAPIDriver: Sendable {
    let fixture: BankAPIFixture
    let flow: FlowDriver
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let interactionID = HTTPField.Name("x-fapi-interaction-id")!

    var test: TestServer { fixture.test }

    /// A DPoP-bound access token for a grant with `scope` and granted `details` (stored as the consent step would).
    func token(scope: [String] = ["accounts"], details: JSONValue? = nil, userID: String? = nil, dpopKey: JWSSigningKey) async throws -> String {
        let code = try await test.insertCode(scope: scope, authorizationDetails: details, userID: userID)
        let response = try await flow.token(code: code, dpopKey: dpopKey)
        try #require(response.status == .ok, "token request failed: \(response.bodyText)")
        return try #require(response.json["access_token"]?.stringValue)
    }

    /// A bank API request. `proofKey` signs the DPoP proof (nil: none); `sign` adds an RFC 9421 signature made with
    /// `signingKey` (default: the client's registered key).
    func call(_ method: HTTPRequest.Method, _ pathAndQuery: String, token: String?, proofKey: JWSSigningKey?, body: JSONValue? = nil,
              idempotencyKey: String? = nil, headers extra: HTTPFields = [:], sign: Bool = false, signingKey: JWSSigningKey? = nil,
              tamper: (@Sendable (inout HTTPFields) -> Void)? = nil) async throws -> TestResponse {
        let origin = fixture.platform.bankAPI.configuration.origin
        let path = String(pathAndQuery.prefix { $0 != "?" })
        var headers = extra
        if let token { headers[.authorization] = "DPoP \(token)" }
        if let proofKey {
            headers[FlowDriver.dpopHeader] = try test.dpopProof(key: proofKey, method: method.rawValue, url: origin + path, accessToken: token)
        }
        if let idempotencyKey { headers[Self.idempotencyKey] = idempotencyKey }
        let bytes = body.map { Array($0.jsonData()) } ?? []
        if body != nil { headers[.contentType] = "application/json" }
        if sign {
            let request = HTTPSignatureRequest(method: method.rawValue, targetURI: origin + pathAndQuery,
                                               headers: headers.map { ($0.name.canonicalName, $0.value) }, body: bytes)
            for (name, value) in try FAPIHTTPSignatures.signRequest(request, key: signingKey ?? test.clientKey, created: test.clock.now()) {
                headers[HTTPField.Name(name)!] = value
            }
        }
        tamper?(&headers)
        return try await flow.client.execute(uri: pathAndQuery, method: method, headers: headers,
                                             body: body == nil ? nil : ByteBuffer(bytes: bytes))
    }

    /// Verifies the response's RFC 9421 signature (tag fapi-2-response) with the server's published keys.
    func verifySignature(of response: TestResponse, method: HTTPRequest.Method, _ pathAndQuery: String,
                         requestHeaders: HTTPFields = [:], requestBody: [UInt8] = []) async throws -> VerifiedHTTPSignature {
        let origin = fixture.platform.bankAPI.configuration.origin
        let request = HTTPSignatureRequest(method: method.rawValue, targetURI: origin + pathAndQuery,
                                           headers: requestHeaders.map { ($0.name.canonicalName, $0.value) }, body: requestBody)
        return try FAPIHTTPSignatures.verifyResponse(
            status: Int(response.status.code), headers: response.headers.map { ($0.name.canonicalName, $0.value) },
            body: Array(response.body.readableBytesView), request: request, keys: try await fixture.platform.server.keys.publishedKeys(),
            now: test.clock.now())
    }

    /// A `payment_initiation` detail (and transfer body) from alice's ordinary account.
    static func payment(amount: String = "5000", creditor: BankAccountReference = BankAPIFixture.payee, remittance: String? = "Invoice 42",
                        debtor: String? = BankAPIFixture.aliceOrdinary, type: Bool = true) -> JSONValue {
        var detail: [String: JSONValue] = [
            "instructedAmount": ["currency": "JPY", "amount": .string(amount)],
            "creditorName": .string(creditor.name),
            "creditorAccount": ["bankCode": .string(creditor.bankCode), "branchCode": .string(creditor.branchCode),
                                "accountNumber": .string(creditor.accountNumber)],
        ]
        if type { detail["type"] = "payment_initiation" }
        if let remittance { detail["remittanceInformationUnstructured"] = .string(remittance) }
        if let debtor { detail["debtorAccount"] = ["accountId": .string(debtor)] }
        return .object(detail)
    }

    /// A granted `account_information` detail.
    static func accountInformation(_ accounts: [String], datatypes: [String] = ["balances", "transactions"], from: String? = nil,
                                   to: String? = nil) -> JSONValue {
        var detail: [String: JSONValue] = [
            "type": "account_information", "actions": ["read"], "datatypes": .array(datatypes.map(JSONValue.string)),
            "accounts": .array(accounts.map(JSONValue.string)),
        ]
        if let from { detail["transactionsFrom"] = .string(from) }
        if let to { detail["transactionsTo"] = .string(to) }
        return .object(detail)
    }
}
