import Foundation
import OAuthCore

/// The bank's `account_information` authorization detail (RFC 9396 §2, after the §A.1-style example): read access to
/// balances and/or transactions of some of the customer's accounts, optionally limited to a booking period.
///
/// ```json
/// {"type": "account_information", "actions": ["read"], "datatypes": ["balances", "transactions"],
///  "accounts": ["acc_…"], "transactionsFrom": "2026-01-01", "transactionsTo": "2026-11-30",
///  "locations": ["https://api.bank.example"]}
/// ```
/// `datatypes` is required; `actions` may only be `["read"]` (added when absent); without `accounts` the customer picks
/// them at consent, so a granted detail always lists at least one; the dates are inclusive JST days.
public struct AccountInformationDetail: Sendable, Hashable {
    /// The `type` value.
    public static let type = "account_information"
    /// The only action: reading.
    public static let read = "read"

    /// What may be read.
    public enum Datatype: String, Sendable, Hashable, CaseIterable {
        case balances
        case transactions
    }

    /// Always `["read"]`.
    public var actions: [String]
    /// Distinct, in `Datatype.allCases` order, never empty.
    public var datatypes: [Datatype]
    /// The account IDs (`acc_…`) covered; nil in a request that leaves the choice to the customer. Never nil or empty
    /// in a granted detail (an access token's).
    public var accounts: [String]?
    /// First instant whose transactions may be read: 00:00 JST of the `transactionsFrom` day (inclusive); nil: no limit.
    public var transactionsFrom: Date?
    /// End of the readable period, EXCLUSIVE: 00:00 JST of the day after the `transactionsTo` day; nil: no limit.
    /// Use `covers(_:)` rather than comparing by hand.
    public var transactionsTo: Date?
    /// RFC 9396 §2.2 `locations`: the resource servers the detail is for; nil when not given.
    public var locations: [String]?

    public init(datatypes: [Datatype], accounts: [String]? = nil, transactionsFrom: Date? = nil, transactionsTo: Date? = nil,
                locations: [String]? = nil) {
        actions = [Self.read]
        self.datatypes = Datatype.allCases.filter(datatypes.contains)
        self.accounts = accounts
        self.transactionsFrom = transactionsFrom
        self.transactionsTo = transactionsTo
        self.locations = locations
    }

    /// Whether `datatype` of `accountID` may be read under this detail (a detail without `accounts` grants nothing).
    public func allows(_ datatype: Datatype, accountID: String) -> Bool {
        datatypes.contains(datatype) && (accounts?.contains(accountID) ?? false)
    }

    /// Whether a transaction booked at `date` lies inside the period (`transactionsFrom` ≤ date < `transactionsTo`).
    public func covers(_ date: Date) -> Bool {
        if let from = transactionsFrom, date < from { return false }
        if let end = transactionsTo, date >= end { return false }
        return true
    }

    /// Parses and validates one detail object whose `type` is `account_information`.
    /// - Parameter path: names the detail in error messages, e.g. `authorization_details[0]`.
    public init(json object: [String: JSONValue], path: String = "authorization_details") throws(BankDetailError) {
        let fields = DetailFields(object: object, path: path)
        try fields.allowOnly(["type", "actions", "datatypes", "accounts", "transactionsFrom", "transactionsTo", "locations"])
        if let actions = try fields.strings("actions"), actions != [Self.read] { throw fields.fail("actions may only be [\"read\"]") }
        var datatypes: [Datatype] = []
        for name in try fields.strings("datatypes", required: true) ?? [] {
            guard let datatype = Datatype(rawValue: name) else { throw fields.fail("datatypes contains unknown '\(name.prefix(64))'") }
            datatypes.append(datatype)
        }
        let accounts = try fields.strings("accounts", maxCount: 50)
        var from: Date?, end: Date?
        if let text = try fields.string("transactionsFrom", maxLength: 10) {
            guard let day = JapanDate.startOfDay(text) else { throw fields.fail("transactionsFrom must be a date YYYY-MM-DD") }
            from = day
        }
        if let text = try fields.string("transactionsTo", maxLength: 10) {
            guard let day = JapanDate.startOfDay(text) else { throw fields.fail("transactionsTo must be a date YYYY-MM-DD") }
            end = JapanDate.startOfNextDay(after: day)
        }
        if let from, let end, from >= end { throw fields.fail("transactionsFrom is after transactionsTo") }
        self.init(datatypes: datatypes, accounts: accounts, transactionsFrom: from, transactionsTo: end,
                  locations: try fields.strings("locations"))
    }

    /// The detail as JSON, in the request's shape with `actions` filled in.
    public var json: [String: JSONValue] {
        var json: [String: JSONValue] = [
            "type": .string(Self.type), "actions": .array(actions.map(JSONValue.string)),
            "datatypes": .array(datatypes.map { .string($0.rawValue) }),
        ]
        if let accounts { json["accounts"] = .array(accounts.map(JSONValue.string)) }
        if let transactionsFrom { json["transactionsFrom"] = .string(JapanDate.day(of: transactionsFrom)) }
        if let transactionsTo { json["transactionsTo"] = .string(JapanDate.day(of: transactionsTo.addingTimeInterval(-1))) }
        if let locations { json["locations"] = .array(locations.map(JSONValue.string)) }
        return json
    }
}
