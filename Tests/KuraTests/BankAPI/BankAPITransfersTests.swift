import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `POST /api/transfers`: a payment consent is single-use and authorizes exactly the transfer it describes; payee
/// transfers under the `transfers` scope; idempotency keys (same body → original, other body → 422); no overdraft.
@Suite("Bank API: transfers are consent-bound, idempotent and never overdraw")
struct BankAPITransfersTests {
    func key() throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: "dpop") }

    func balance(_ fixture: BankAPIFixture, _ id: String) async throws -> Int64 {
        try #require(try await fixture.store.account(id: id)).balanceMinor
    }

    @Test("The consented payment is booked once: 201, both balances move, the consent is consumed")
    func consentedPayment() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.payment()], dpopKey: dpop)
            let clearing = BankConfiguration.SystemAccount.clearing.id(.jpy)
            let clearingBefore = try await balance(fixture, clearing)
            let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(),
                                              idempotencyKey: "key-1")
            #expect(response.status == .created, "\(response.bodyText)")
            #expect(response.json["status"] == "booked" && response.json["instructedAmount"] == ["amount": "5000", "currency": "JPY"])
            let id = try #require(response.json["transferId"]?.stringValue)
            #expect(response.headers[.location] == "https://as.kura.test/api/transfers/\(id)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 95_000)
            #expect(try await balance(fixture, clearing) == clearingBefore + 5_000)
            let again = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(),
                                           idempotencyKey: "key-2")
            #expect(again.status == .forbidden, "a consumed consent must refuse a second payment: \(again.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 95_000)
            let shown = try await api.call(.get, "/api/transfers/\(id)", token: token, proofKey: dpop)
            #expect(shown.status == .ok && shown.json["transferId"]?.stringValue == id, "\(shown.bodyText)")
            #expect(try await fixture.store.audit().isConsistent)
        }
    }

    @Test("Any other transfer with a payment-consent token is refused: amount, creditor, name, reference or debtor differ → 403")
    func exactlyTheConsentedPayment() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.payment()], dpopKey: dpop)
            let other = BankAccountReference(bankCode: "0005", branchCode: "123", accountNumber: "7654320", name: "トウキョウ デンキ")
            let renamed = BankAccountReference(bankCode: "0005", branchCode: "123", accountNumber: "7654321", name: "ダレカ")
            let variants: [JSONValue] = [
                BankAPIDriver.payment(amount: "5001"), BankAPIDriver.payment(creditor: other), BankAPIDriver.payment(creditor: renamed),
                BankAPIDriver.payment(remittance: "Invoice 43"), BankAPIDriver.payment(remittance: nil),
                BankAPIDriver.payment(debtor: BankAPIFixture.aliceSavings),
            ]
            for (i, body) in variants.enumerated() {
                let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: body, idempotencyKey: "variant-\(i)")
                #expect(response.status == .forbidden, "\(body): \(response.bodyText)")
            }
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 100_000)
            let exact = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(), idempotencyKey: "exact")
            #expect(exact.status == .created, "the consent must still be unused: \(exact.bodyText)")
        }
    }

    @Test("Idempotency-Key: the same key and body return the original transfer; another body → 422; nothing is booked twice")
    func idempotency() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.payment()], dpopKey: dpop)
            let first = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(), idempotencyKey: "same")
            #expect(first.status == .created, "\(first.bodyText)")
            let retry = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(), idempotencyKey: "same")
            #expect(retry.status == .created && retry.json["transferId"] == first.json["transferId"], "\(retry.bodyText)")
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let quoted = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(), idempotencyKey: "\"same\"")
            #expect(quoted.json["transferId"] == first.json["transferId"], "an RFC 8941 sf-string key is the same key: \(quoted.bodyText)")
            let different = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(amount: "6000"),
                                               idempotencyKey: "same")
            #expect(different.status.code == 422 && different.oauthError == "idempotency_key_reused", "\(different.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 95_000)
        }
    }

    @Test("A missing, repeated or malformed Idempotency-Key is 400 and books nothing")
    func idempotencyKeyRequired() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["transfers"], dpopKey: dpop)
            let missing = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment())
            #expect(missing.status == .badRequest, "\(missing.bodyText)")
            let blank = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(), idempotencyKey: "a b")
            #expect(blank.status == .badRequest, "\(blank.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 100_000)
        }
    }

    @Test("The transfers scope pays saved payees and own accounts, but not a stranger (403)")
    func payeeTransfers() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["transfers"], dpopKey: dpop)
            let payee = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(amount: "1000"),
                                           idempotencyKey: "payee")
            #expect(payee.status == .created, "\(payee.bodyText)")
            let savings = BankAccountReference(bankCode: "0999", branchCode: "001", accountNumber: "1000002", name: "エグザンプル アリス")
            let own = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop,
                                         body: BankAPIDriver.payment(amount: "2000", creditor: savings), idempotencyKey: "own")
            #expect(own.status == .created, "\(own.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceSavings) == 502_000)
            let bob = BankAccountReference(bankCode: "0999", branchCode: "002", accountNumber: "2000001", name: "エグザンプル ボブ")
            let stranger = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop,
                                              body: BankAPIDriver.payment(amount: "3000", creditor: bob), idempotencyKey: "stranger")
            #expect(stranger.status == .forbidden, "\(stranger.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.bobOrdinary) == 50_000)
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 97_000)
        }
    }

    @Test("A consented payment to another customer of this bank credits that customer's account")
    func internalCreditor() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let bob = BankAccountReference(bankCode: "0999", branchCode: "002", accountNumber: "2000001", name: "エグザンプル ボブ")
            let payment = BankAPIDriver.payment(amount: "12345", creditor: bob)
            let token = try await api.token(scope: [], details: [payment], dpopKey: dpop)
            let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: payment, idempotencyKey: "to-bob")
            #expect(response.status == .created, "\(response.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.bobOrdinary) == 62_345)
        }
    }

    @Test("Insufficient funds is 422 and changes nothing; the consent stays unused")
    func insufficientFunds() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let payment = BankAPIDriver.payment(amount: "100001")
            let token = try await api.token(scope: [], details: [payment], dpopKey: dpop)
            let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: payment, idempotencyKey: "big")
            #expect(response.status.code == 422 && response.oauthError == "insufficient_funds", "\(response.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 100_000)
            #expect(try await fixture.store.audit().isConsistent)
        }
    }

    @Test("A debtor account that is not the customer's is 403; malformed bodies are 400; no grant for transfers is 403")
    func badRequests() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["transfers"], dpopKey: dpop)
            let foreign = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop,
                                             body: BankAPIDriver.payment(debtor: BankAPIFixture.bobOrdinary), idempotencyKey: "foreign")
            #expect(foreign.status == .forbidden, "\(foreign.bodyText)")
            for (i, body) in [BankAPIDriver.payment(amount: "1.5"), BankAPIDriver.payment(amount: "-5"), BankAPIDriver.payment(debtor: nil),
                              ["instructedAmount": ["currency": "JPY", "amount": "1"]]].enumerated() {
                let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: body, idempotencyKey: "bad-\(i)")
                #expect(response.status == .badRequest, "\(body): \(response.bodyText)")
            }
            let accountsOnly = try await api.token(scope: ["accounts"], dpopKey: dpop)
            let refused = try await api.call(.post, "/api/transfers", token: accountsOnly, proofKey: dpop, body: BankAPIDriver.payment(),
                                             idempotencyKey: "no-grant")
            #expect(refused.status == .forbidden, "\(refused.bodyText)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 100_000)
        }
    }

    @Test("Eight partners' retries racing on one consent book it once (API over SQLite)")
    func racingRetries() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.payment()], dpopKey: dpop)
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let response = try await api.call(.post, "/api/transfers", token: token, proofKey: dpop, body: BankAPIDriver.payment(),
                                                          idempotencyKey: "race-\(i % 2)")
                        return (Int(response.status.code), response.json["transferId"]?.stringValue)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let booked = Set(statuses.compactMap(\.1))
            #expect(booked.count == 1, "one transfer for one consent: \(statuses)")
            #expect(statuses.filter { $0.0 == 201 }.count == 4 && statuses.filter { $0.0 == 403 }.count == 4, "\(statuses)")
            #expect(try await balance(fixture, BankAPIFixture.aliceOrdinary) == 95_000)
        }
    }
}
