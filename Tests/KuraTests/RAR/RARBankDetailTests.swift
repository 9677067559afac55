import BankCore
import Foundation
import OAuthCore
import Testing

/// `BankAuthorizationDetail` (RFC 9396 §2, §5, §A.3 names): the shapes the authorization server grants and the bank API
/// enforces, parsed without HTTP.
@Suite("RAR bank detail types: account_information and payment_initiation parse strictly (RFC 9396 §5)")
struct RARBankDetailTests {
    @Test("A valid payment_initiation parses into Money, a creditor reference and the debtor account")
    func payment() throws {
        let details = try BankAuthorizationDetail.parseAll([RAR.payment(["debtorAccount": ["accountId": "acc_1"]])])
        guard case .paymentInitiation(let payment) = try #require(details.first) else { Issue.record("not a payment"); return }
        #expect(payment.instructedAmount == Money(minorUnits: 5000, currency: .jpy))
        #expect(payment.creditor == BankAccountReference(bankCode: "0999", branchCode: "001", accountNumber: "1234567", name: "ヤマダ タロウ"))
        #expect(payment.remittanceInformation == "Invoice 123")
        #expect(payment.debtorAccountID == "acc_1")
        #expect(payment.actions == ["initiate"])
    }

    @Test("USD amounts keep two decimals: 12.3 is 1230 cents and serialises as 12.30")
    func usdAmount() throws {
        let details = try BankAuthorizationDetail.parseAll([RAR.payment(["instructedAmount": ["currency": "USD", "amount": "12.3"]])])
        guard case .paymentInitiation(let payment) = try #require(details.first) else { Issue.record("not a payment"); return }
        #expect(payment.instructedAmount.minorUnits == 1230)
        #expect(payment.json["instructedAmount"] == ["currency": "USD", "amount": "12.30"])
    }

    @Test("account_information dates are inclusive JST days: from 00:00 JST, to the end of the last day (exclusive bound)")
    func accountInformationPeriod() throws {
        let details = try BankAuthorizationDetail.parseAll([RAR.accountInformation(["accounts": ["acc_1"], "actions": nil])])
        guard case .accountInformation(let info) = try #require(details.first) else { Issue.record("not account_information"); return }
        #expect(info.datatypes == [.balances, .transactions])
        #expect(info.actions == ["read"], "actions default to read")
        #expect(info.accounts == ["acc_1"])
        let from = try #require(ISO8601DateFormatter().date(from: "2025-12-31T15:00:00Z"))
        let end = try #require(ISO8601DateFormatter().date(from: "2026-11-30T15:00:00Z"))
        #expect(info.transactionsFrom == from && info.transactionsTo == end)
        #expect(info.covers(from) && !info.covers(from.addingTimeInterval(-1)))
        #expect(info.covers(end.addingTimeInterval(-1)) && !info.covers(end))
        #expect(info.allows(.balances, accountID: "acc_1") && !info.allows(.balances, accountID: "acc_2"))
    }

    @Test("json round-trips: parsing a detail's json gives the same detail, with the request's day strings")
    func roundTrip() throws {
        let details = try BankAuthorizationDetail.parseAll([RAR.accountInformation(["accounts": ["acc_1"]]), RAR.payment()])
        let again = try BankAuthorizationDetail.parseAll(.array(details.map { .object($0.json) }))
        #expect(again == details)
        #expect(details[0].json["transactionsFrom"] == "2026-01-01" && details[0].json["transactionsTo"] == "2026-11-30")
    }

    static let invalid: [(String, JSONValue)] = [
        ("not an array", RAR.payment()),
        ("empty array", []),
        ("unknown type", [["type": "crypto_trading"]]),
        ("missing type", [RAR.payment(["type": nil])]),
        ("unknown field", [RAR.accountInformation(["iban": "DE00"])]),
        ("identifier is not a field of these types", [RAR.payment(["identifier": "x"])]),
        ("fractional yen", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "1.5"]])]),
        ("negative amount", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "-1"]])]),
        ("exponent amount", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "1e3"]])]),
        ("zero amount", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "0"]])]),
        ("numeric amount", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": 5000]])]),
        ("extra amount member", [RAR.payment(["instructedAmount": ["currency": "JPY", "amount": "5", "fx": "1"]])]),
        ("unsupported currency", [RAR.payment(["instructedAmount": ["currency": "GBP", "amount": "5"]])]),
        ("short account number", [RAR.payment(["creditorAccount": ["bankCode": "0999", "branchCode": "001", "accountNumber": "12345"]])]),
        ("missing creditorName", [RAR.payment(["creditorName": nil])]),
        ("remittance over 140 characters", [RAR.payment(["remittanceInformationUnstructured": .string(String(repeating: "a", count: 141))])]),
        ("payment action other than initiate", [RAR.payment(["actions": ["read"]])]),
        ("two payment_initiation", [RAR.payment(), RAR.payment()]),
        ("missing datatypes", [RAR.accountInformation(["datatypes": nil])]),
        ("unknown datatype", [RAR.accountInformation(["datatypes": ["cards"]])]),
        ("write action", [RAR.accountInformation(["actions": ["write"]])]),
        ("from after to", [RAR.accountInformation(["transactionsFrom": "2026-12-01"])]),
        ("impossible date", [RAR.accountInformation(["transactionsTo": "2026-02-30"])]),
        ("date-time instead of date", [RAR.accountInformation(["transactionsFrom": "2026-01-01T00:00:00Z"])]),
        ("empty accounts", [RAR.accountInformation(["accounts": []])]),
        ("duplicate account", [RAR.accountInformation(["accounts": ["acc_1", "acc_1"]])]),
    ]

    @Test("Refused: each RFC 9396 §5 case (unknown type or field, wrong JSON type, invalid value, missing field)", arguments: invalid)
    func refused(_ name: String, _ details: JSONValue) {
        #expect(throws: BankDetailError.self, "\(name)") { try BankAuthorizationDetail.parseAll(details) }
    }
}
