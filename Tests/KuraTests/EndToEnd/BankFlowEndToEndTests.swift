import AuthorizationServer
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// The bank flows a partner runs, over HTTPS against the whole platform (authorization server with the bank's RAR
/// policy + bank API), driven by KuraClient's typed bank calls: RFC 9396 consent with the customer's picks, what the
/// API then allows (RFC 9396 §9.1), a single-use payment consent with idempotent retries, FAPI 2.0 HTTP Signatures
/// both ways, and certificate-bound tokens (RFC 8705 §3).
@Suite("Bank flows end to end over HTTPS", .serialized)
struct BankFlowEndToEndTests {
    @Test("account_information without accounts: the customer picks one at consent, and balances and paged transactions of exactly that account are readable")
    func accountInformationConsentThenReads() async throws {
        try await LiveServer.run { live in
            try await LiveBank.seed(live, history: 12)
            let (client, _) = try LiveBank.client(live, clientID: live.test.clientID, key: live.test.clientKey)
            let detail = BankConsentDetails.accountInformation()
            let tokens = try await LiveBank.consent(client, live, details: [detail], choosing: [LiveBank.aliceOrdinary])
            let granted = try #require(tokens.authorizationDetails?.arrayValue?.first)
            #expect(granted["accounts"] == [.string(LiveBank.aliceOrdinary)], "the pick is what is granted: \(granted)")

            let api = client.bankAPI(accessToken: tokens.accessToken)
            let accounts = try await api.accounts()
            #expect(accounts.map(\.accountID) == [LiveBank.aliceOrdinary], "only the picked account is listed")
            #expect(accounts.first?.bankCode == "0999" && accounts.first?.accountNumber == "3000001")
            let balances = try await api.balances(accountID: LiveBank.aliceOrdinary)
            let expected = LiveBank.opening - (0..<12).reduce(0) { $0 + Int64(100 + $1) }
            #expect(balances.balance("current") == BankAmount(amount: String(expected), currency: "JPY"))
            #expect(balances.balance("available") != nil)

            var seen: [BankTransaction] = []
            var pages = 0
            var cursor: String?
            repeat {
                let page = try await api.transactions(accountID: LiveBank.aliceOrdinary, limit: 5, cursor: cursor)
                #expect(page.transactions.count <= 5)
                seen += page.transactions
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3 && seen.count == 13, "12 card payments and the opening deposit in pages of 5, 5, 3")
            #expect(Set(seen.map(\.transactionID)).count == seen.count, "no entry repeats across pages")
            #expect(seen.map(\.bookingDateTime) == seen.map(\.bookingDateTime).sorted(by: >), "newest first")
            #expect(seen.first?.description == "Card payment 11" && seen.first?.creditDebitIndicator == "debit")
            #expect(seen.last?.creditDebitIndicator == "credit")

            for forbidden in [LiveBank.aliceSavings, LiveBank.bobOrdinary] {
                let refused = await #expect(throws: KuraBankAPIError.self) { _ = try await api.balances(accountID: forbidden) }
                #expect(refused?.status == 403 && refused?.error == "insufficient_scope", "\(forbidden): \(String(describing: refused))")
            }
            await #expect(throws: KuraBankAPIError.self) { _ = try await api.identity() }
            try await client.shutdown()
        }
    }

    @Test("payment_initiation: the customer picks the debtor, the transfer is booked once (201), a second one with the token is 403, a retry with the same Idempotency-Key returns the original")
    func paymentConsentIsSingleUse() async throws {
        try await LiveServer.run { live in
            try await LiveBank.seed(live, history: 0)
            let (client, _) = try LiveBank.client(live, clientID: live.test.clientID, key: live.test.clientKey)
            let payment = LiveBank.payment(amount: "5000")
            let tokens = try await LiveBank.consent(client, live, details: [payment.authorizationDetail], choosing: [LiveBank.aliceOrdinary])
            let granted = try #require(tokens.authorizationDetails?.arrayValue?.first)
            #expect(granted["debtorAccount"] == ["accountId": .string(LiveBank.aliceOrdinary)])

            let api = client.bankAPI(accessToken: tokens.accessToken)
            let before = try await LiveBank.balance(live)
            let transfer = try await api.createTransfer(payment.from(LiveBank.aliceOrdinary), idempotencyKey: "e2e-transfer-1")
            #expect(transfer.status == "booked" && !transfer.isIdempotentReplay)
            #expect(transfer.debtorAccount.accountID == LiveBank.aliceOrdinary && transfer.instructedAmount.amount == "5000")
            #expect(transfer.creditorAccount == LiveBank.creditor && transfer.consentID != nil)
            #expect(try await LiveBank.balance(live) == before - 5000)

            let second = await #expect(throws: KuraBankAPIError.self) {
                _ = try await api.createTransfer(payment.from(LiveBank.aliceOrdinary), idempotencyKey: "e2e-transfer-2")
            }
            #expect(second?.status == 403 && second?.error == "insufficient_scope", "\(String(describing: second))")
            #expect(second?.interactionID != nil)

            let retry = try await api.createTransfer(payment.from(LiveBank.aliceOrdinary), idempotencyKey: "e2e-transfer-1")
            #expect(retry.isIdempotentReplay && retry.transferID == transfer.transferID)
            let changed = await #expect(throws: KuraBankAPIError.self) {
                _ = try await api.createTransfer(LiveBank.payment(amount: "6000").from(LiveBank.aliceOrdinary), idempotencyKey: "e2e-transfer-1")
            }
            #expect(changed?.status == 422 && changed?.error == "idempotency_key_reused")
            #expect(try await LiveBank.balance(live) == before - 5000, "exactly one booking")
            #expect(try await api.transfer(id: transfer.transferID).transferID == transfer.transferID)
            try await client.shutdown()
        }
    }

    @Test("A client registered with require_http_message_signatures: signed requests succeed and KuraClient verifies every response signature against jwks_uri; unsigned ones get 401 invalid_signature")
    func signedRequestsAndVerifiedResponses() async throws {
        try await LiveServer.run { live in
            try await LiveBank.seed(live, history: 3)
            let clientID = "signing-partner"
            let key = try await live.test.registerOtherClient(id: clientID, extra: ["require_http_message_signatures": true])
            let (client, recorder) = try LiveBank.client(live, clientID: clientID, key: key, signs: true)
            let payment = LiveBank.payment(amount: "1200")
            let tokens = try await LiveBank.consent(
                client, live, details: [BankConsentDetails.accountInformation(), payment.authorizationDetail],
                choosing: [LiveBank.aliceOrdinary, LiveBank.aliceSavings])
            let api = client.bankAPI(accessToken: tokens.accessToken)
            #expect(Set(try await api.accounts().map(\.accountID)) == [LiveBank.aliceOrdinary, LiveBank.aliceSavings])
            _ = try await api.balances(accountID: LiveBank.aliceSavings)
            let page = try await api.transactions(accountID: LiveBank.aliceOrdinary, limit: 2)
            #expect(page.transactions.count == 2 && page.nextCursor != nil)
            // The radio takes the last ticked account of the group: savings pays.
            let transfer = try await api.createTransfer(payment.from(LiveBank.aliceSavings))
            #expect(transfer.debtorAccount.accountID == LiveBank.aliceSavings)
            await #expect(throws: KuraBankAPIError.self) { _ = try await api.balances(accountID: LiveBank.bobOrdinary) }

            let exchanges = recorder.exchanges.filter { $0.request.url.path.hasPrefix("/api/") }
            #expect(exchanges.count == 5, "accounts, balances, transactions, transfer, the refused balances")
            for (request, response) in exchanges {
                #expect(request.headers["Signature-Input"]?.contains(#"tag="fapi-2-request""#) == true, "\(request.url)")
                #expect(response.headers["Signature-Input"]?.contains(#"tag="fapi-2-response""#) == true, "\(request.url)")
                #expect(response.headers["Content-Digest"] != nil)
            }
            try await client.shutdown()

            // Same DPoP key (the token is bound to it), no RFC 9421 signature.
            let (unsigned, _) = try LiveBank.client(live, clientID: clientID, key: key, signs: false, dpopKey: client.configuration.dpopKey)
            let error = await #expect(throws: KuraBankAPIError.self) {
                _ = try await unsigned.bankAPI(accessToken: tokens.accessToken).accounts()
            }
            #expect(error?.status == 401 && error?.error == "invalid_signature", "\(String(describing: error))")
            try await unsigned.shutdown()
        }
    }

    @Test("tls_client_auth + certificate-bound token: the bank API accepts the token over the bound certificate only")
    func mutualTLSBoundTokenCallsTheAPI() async throws {
        let fixture = try MutualTLSFixture()
        try await fixture.run { live in
            try await LiveBank.seed(live, history: 2)
            let clientID = "mtls-bank-partner"
            try await MutualTLSFixture.registerTLSClient(
                live.test.server, id: clientID, subject: ["tls_client_auth_subject_dn": .string(MutualTLSFixture.subjectDN(cn: clientID))],
                extra: ["tls_client_certificate_bound_access_tokens": true])
            let certificate = try fixture.issue(cn: clientID)
            let client = try MutualTLSFixture.kuraClient(live, clientID: clientID, certificate: certificate, scopes: ["openid"])
            let tokens = try await LiveBank.consent(client, live, details: [BankConsentDetails.accountInformation(datatypes: ["balances"])],
                                                    choosing: [LiveBank.aliceSavings])
            #expect(tokens.tokenType == "Bearer")
            let api = client.bankAPI(accessToken: tokens.accessToken)
            #expect(try await api.accounts().map(\.accountID) == [LiveBank.aliceSavings])
            #expect(try await api.balances(accountID: LiveBank.aliceSavings).balance("current")?.amount == String(LiveBank.opening))
            let noTransactions = await #expect(throws: KuraBankAPIError.self) {
                _ = try await api.transactions(accountID: LiveBank.aliceSavings)
            }
            #expect(noTransactions?.status == 403, "only balances were consented")
            try await client.shutdown()

            let other = try MutualTLSFixture.kuraClient(live, clientID: clientID, certificate: try fixture.issue(cn: clientID), scopes: ["openid"])
            let stolen = await #expect(throws: KuraBankAPIError.self) {
                _ = try await other.bankAPI(accessToken: tokens.accessToken).accounts()
            }
            #expect(stolen?.status == 401, "another certificate, even of the same client, does not match cnf.x5t#S256")
            try await other.shutdown()
        }
    }
}
