import Foundation

/// An ISO 4217 currency and its number of minor units (JPY has none, USD and EUR have two). Amounts are always held as
/// integer minor units, never as floating point, so that no rounding can create or destroy money.
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The alphabetic ISO 4217 code, e.g. `JPY`.
    public let code: String
    /// ISO 4217 minor units: the number of decimal places of the currency.
    public let minorUnits: Int

    public static let jpy = Currency(code: "JPY", minorUnits: 0)
    public static let usd = Currency(code: "USD", minorUnits: 2)
    public static let eur = Currency(code: "EUR", minorUnits: 2)
    /// The currencies this bank keeps accounts in.
    public static let supported: [Currency] = [.jpy, .usd, .eur]

    /// The supported currency with this ISO 4217 code (exact, upper case), or nil.
    public static func named(_ code: String) -> Currency? { supported.first { $0.code == code } }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard let currency = Currency.named(code) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Unsupported currency \(code)"))
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    private init(code: String, minorUnits: Int) {
        self.code = code
        self.minorUnits = minorUnits
    }
}

/// An amount of money: integer minor units of one currency.
public struct Money: Sendable, Hashable, Codable {
    /// The amount in minor units (yen for JPY, cents for USD). Negative only for debits in the ledger.
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal amount string as RFC 9396 §A.3 `instructedAmount.amount` and the bank API use it: digits, and
    /// for currencies with minor units optionally a point and at most that many decimals (`"5000"`, `"12.30"`).
    /// No sign, exponent, spaces or grouping; nil when malformed, when it has more decimals than the currency allows,
    /// or when it does not fit.
    public static func parse(_ text: String, currency: Currency) -> Money? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 15, whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        if parts.count == 2 {
            guard !fraction.isEmpty, fraction.count <= currency.minorUnits, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        fraction += String(repeating: "0", count: currency.minorUnits - fraction.count)
        guard let value = Int64(whole + fraction) else { return nil }
        return Money(minorUnits: value, currency: currency)
    }

    /// The decimal string of the amount with exactly the currency's minor units (`"5000"`, `"12.30"`, `"-3.05"`).
    public var decimalString: String {
        let digits = String(minorUnits.magnitude)
        let sign = minorUnits < 0 ? "-" : ""
        guard currency.minorUnits > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, currency.minorUnits + 1 - digits.count)) + digits
        return sign + padded.dropLast(currency.minorUnits) + "." + padded.suffix(currency.minorUnits)
    }
}
