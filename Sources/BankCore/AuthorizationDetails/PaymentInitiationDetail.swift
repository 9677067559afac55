import Foundation
import OAuthCore

/// The bank's `payment_initiation` authorization detail, with the member names of RFC 9396 §A.3: consent to ONE
/// domestic (Zengin) payment of a fixed amount to a fixed creditor.
///
/// ```json
/// {"type": "payment_initiation", "actions": ["initiate"],
///  "instructedAmount": {"currency": "JPY", "amount": "5000"}, "creditorName": "ヤマダ タロウ",
///  "creditorAccount": {"bankCode": "0999", "branchCode": "001", "accountNumber": "1234567"},
///  "remittanceInformationUnstructured": "Invoice 123", "debtorAccount": {"accountId": "acc_…"}}
/// ```
/// The amount is a positive decimal string in a supported currency with at most its minor units (`Money.parse`); the
/// creditor must be well-formed (`BankAccountReference.isWellFormed`). Without `debtorAccount` the customer picks it at
/// consent, so a granted detail always has one. The grant is single use: one payment.
public struct PaymentInitiationDetail: Sendable, Hashable {
    /// The `type` value.
    public static let type = "payment_initiation"
    /// The only action: initiating the payment.
    public static let initiate = "initiate"
    /// Longest `remittanceInformationUnstructured` (the ISO 20022 unstructured remittance limit).
    public static let maximumRemittanceLength = 140

    /// Always `["initiate"]`.
    public var actions: [String]
    /// The amount to pay: positive.
    public var instructedAmount: Money
    /// Who is paid: `creditorAccount` numbers with `creditorName` as `name`.
    public var creditor: BankAccountReference
    /// `remittanceInformationUnstructured`: the reference the creditor sees.
    public var remittanceInformation: String?
    /// `debtorAccount.accountId`: the customer's account to pay from; nil in a request that leaves it to the customer,
    /// never nil in a granted detail.
    public var debtorAccountID: String?
    /// RFC 9396 §2.2 `locations`; nil when not given.
    public var locations: [String]?

    public init(instructedAmount: Money, creditor: BankAccountReference, remittanceInformation: String? = nil,
                debtorAccountID: String? = nil, locations: [String]? = nil) {
        actions = [Self.initiate]
        self.instructedAmount = instructedAmount
        self.creditor = creditor
        self.remittanceInformation = remittanceInformation
        self.debtorAccountID = debtorAccountID
        self.locations = locations
    }

    /// Parses and validates one detail object whose `type` is `payment_initiation`.
    /// - Parameter path: names the detail in error messages, e.g. `authorization_details[0]`.
    public init(json object: [String: JSONValue], path: String = "authorization_details") throws(BankDetailError) {
        let fields = DetailFields(object: object, path: path)
        try fields.allowOnly(["type", "actions", "instructedAmount", "creditorName", "creditorAccount",
                              "remittanceInformationUnstructured", "debtorAccount", "locations"])
        if let actions = try fields.strings("actions"), actions != [Self.initiate] {
            throw fields.fail("actions may only be [\"initiate\"]")
        }
        guard let amount = try fields.object("instructedAmount", required: ["currency", "amount"]) else {
            throw fields.fail("is missing instructedAmount")
        }
        guard let currency = Currency.named(amount["currency"] ?? "") else {
            throw fields.fail("instructedAmount.currency must be one of \(Currency.supported.map(\.code).joined(separator: ", "))")
        }
        guard let money = Money.parse(amount["amount"] ?? "", currency: currency), money.minorUnits > 0 else {
            throw fields.fail("instructedAmount.amount must be a positive decimal with at most \(currency.minorUnits) decimals")
        }
        let name = try fields.string("creditorName", required: true) ?? ""
        guard let account = try fields.object("creditorAccount", required: ["bankCode", "branchCode", "accountNumber"]) else {
            throw fields.fail("is missing creditorAccount")
        }
        let creditor = BankAccountReference(bankCode: account["bankCode"] ?? "", branchCode: account["branchCode"] ?? "",
                                            accountNumber: account["accountNumber"] ?? "", name: name)
        guard creditor.isWellFormed else {
            throw fields.fail("creditorAccount must have a 4-digit bankCode, 3-digit branchCode and 7-digit accountNumber")
        }
        let debtor = try fields.object("debtorAccount", required: ["accountId"])
        self.init(instructedAmount: money, creditor: creditor,
                  remittanceInformation: try fields.string("remittanceInformationUnstructured", maxLength: Self.maximumRemittanceLength),
                  debtorAccountID: debtor?["accountId"], locations: try fields.strings("locations"))
    }

    /// The detail as JSON, in the request's shape with `actions` filled in and the amount in canonical form.
    public var json: [String: JSONValue] {
        var json: [String: JSONValue] = [
            "type": .string(Self.type), "actions": .array(actions.map(JSONValue.string)),
            "instructedAmount": ["currency": .string(instructedAmount.currency.code), "amount": .string(instructedAmount.decimalString)],
            "creditorName": .string(creditor.name),
            "creditorAccount": ["bankCode": .string(creditor.bankCode), "branchCode": .string(creditor.branchCode),
                                "accountNumber": .string(creditor.accountNumber)],
        ]
        if let remittanceInformation { json["remittanceInformationUnstructured"] = .string(remittanceInformation) }
        if let debtorAccountID { json["debtorAccount"] = ["accountId": .string(debtorAccountID)] }
        if let locations { json["locations"] = .array(locations.map(JSONValue.string)) }
        return json
    }
}
