import Foundation
import KuraClient
import KuraServer
import OAuthCore

extension Demo.Flow {
    /// The bank half of `kura demo flow`: what a budgeting or payment app does with the token.
    ///
    /// Account inquiry with the first token (`accounts` scope): the accounts, the first one's balances and its last five
    /// transactions. Then a payment, which needs the customer's consent to exactly that payment: a second PAR with an
    /// RFC 9396 `payment_initiation` detail (RFC 9396 §A.3) to the customer's second account (or a demo payee when
    /// there is only one), login again, tick the debtor account on the consent page, and `POST /api/transfers` with an
    /// `Idempotency-Key`, retried once with the same key to show that it books once.
    func bankSteps(_ client: KuraClient, tokens: TokenResponse, customer: DemoCredentials, totp: TOTP) async throws {
        guard tokens.scopes.contains("accounts") else {
            print("\nThe token has no accounts scope (--scope \(scope)): no account inquiry and no payment.")
            return
        }
        let reading = client.bankAPI(accessToken: tokens.accessToken)
        print("\n5. Bank API \(reading.baseURL.absoluteString) (every response RFC 9421-signed by the bank)")
        let accounts = try await reading.accounts()
        guard let first = accounts.first else {
            print("   GET /accounts: the customer has no accounts")
            return
        }
        print("   GET /accounts: \(accounts.count) account(s)")
        for account in accounts {
            print("     \(account.accountID)  \(account.name)  \(account.bankCode)-\(account.branchCode)-\(account.accountNumber)  \(account.currency)")
        }
        let balances = try await reading.balances(accountID: first.accountID)
        print("   GET /accounts/…/balances: current \(Self.money(balances.balance("current")))")
        let page = try await reading.transactions(accountID: first.accountID, limit: 5)
        print("   GET /accounts/…/transactions?limit=5: the last \(page.transactions.count)")
        for entry in page.transactions {
            let sign = entry.creditDebitIndicator == "debit" ? "-" : "+"
            print("     \(entry.bookingDateTime.formatted(.iso8601))  \(sign)\(Self.money(entry.amount))  \(entry.description)")
        }

        let payment = Self.payment(from: first, to: accounts.dropFirst().first)
        print("\n6. Payment consent: \(Self.money(payment.instructedAmount)) to \(payment.creditorName) "
            + "(\(payment.creditorAccount.bankCode)-\(payment.creditorAccount.branchCode)-\(payment.creditorAccount.accountNumber)), "
            + "the customer picks the account to pay from")
        let (pushed, response) = try await authorize(client, customer: customer, totp: totp, scope: ["openid"],
                                                     details: [payment.authorizationDetail], choosing: [first.accountID], step: 7)
        let paymentTokens = try await client.exchangeCode(response, for: pushed)
        print("9. Token for the payment: authorization_details as granted (debtor filled in by the customer's pick):")
        print(Self.pretty(paymentTokens.authorizationDetails ?? .array([])))
        let paying = client.bankAPI(accessToken: paymentTokens.accessToken)
        let key = UUID().uuidString.lowercased()
        let transfer = try await paying.createTransfer(payment.from(first.accountID), idempotencyKey: key)
        print("10. POST /transfers (Idempotency-Key \(key)): \(transfer.status) \(transfer.transferID), "
            + "\(Self.money(transfer.instructedAmount)) from \(transfer.debtorAccount.accountID)")
        let retry = try await paying.createTransfer(payment.from(first.accountID), idempotencyKey: key)
        print("    Retry with the same key: \(retry.isIdempotentReplay ? "the original transfer, not booked again" : "booked again!") (\(retry.transferID))")
        let after = try await reading.balances(accountID: first.accountID)
        print("11. Balance of \(first.accountID) now \(Self.money(after.balance("current")))")
    }

    /// ¥3,000 from `debtor` to the customer's `other` account, or to a demo payee (ミナト デンリョク, bank 0001) when the
    /// customer has a single account.
    static func payment(from debtor: BankAccount, to other: BankAccount?) -> BankTransferInstruction {
        let amount = BankAmount(amount: debtor.currency == "JPY" ? "3000" : "30.00", currency: debtor.currency)
        guard let other else {
            return BankTransferInstruction(
                instructedAmount: amount, creditorName: "ミナト デンリョク",
                creditorAccount: BankAccountNumber(bankCode: "0001", branchCode: "002", accountNumber: "7310058"),
                remittanceInformation: "Electricity (kura demo flow)")
        }
        return BankTransferInstruction(instructedAmount: amount, creditorName: other.holderName, creditorAccount: other.number,
                                       remittanceInformation: "To \(other.name) (kura demo flow)")
    }

    /// `3000 JPY` → `¥3,000`; other currencies as `30.00 USD`.
    static func money(_ amount: BankAmount?) -> String {
        guard let amount else { return "-" }
        guard amount.currency == "JPY", let yen = Int(amount.amount) else { return "\(amount.amount) \(amount.currency)" }
        var grouped = ""
        for (offset, digit) in String(abs(yen)).reversed().enumerated() {
            if offset > 0, offset % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (yen < 0 ? "-¥" : "¥") + String(grouped.reversed())
    }
}
