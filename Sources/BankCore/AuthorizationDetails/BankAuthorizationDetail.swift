import OAuthCore

/// One of the bank's RFC 9396 authorization detail types, parsed. The authorization server validates requests with it
/// (through `BankAuthorizationDetailsPolicy`) and the bank API enforces access tokens' `authorization_details` with it:
/// both read exactly the same shapes.
public enum BankAuthorizationDetail: Sendable, Hashable {
    case accountInformation(AccountInformationDetail)
    case paymentInitiation(PaymentInitiationDetail)

    /// The `type` values, in the order they are advertised.
    public static let types = [AccountInformationDetail.type, PaymentInitiationDetail.type]

    /// Parses an `authorization_details` array (RFC 9396 §2): 1 to 10 objects of the bank's types, at most one
    /// `payment_initiation` (a payment consent is a single-use grant of its own).
    /// - Throws: `BankDetailError` naming the first problem (RFC 9396 §5 cases: unknown type, unknown field, wrong JSON
    ///   type, invalid value, missing field).
    public static func parseAll(_ value: JSONValue) throws(BankDetailError) -> [BankAuthorizationDetail] {
        guard let array = value.arrayValue, !array.isEmpty, array.count <= 10 else {
            throw BankDetailError("authorization_details must be an array of 1 to 10 objects")
        }
        var details: [BankAuthorizationDetail] = []
        for (index, element) in array.enumerated() {
            guard let object = element.objectValue else { throw BankDetailError("authorization_details[\(index)] is not an object") }
            details.append(try parse(object, path: "authorization_details[\(index)]"))
        }
        if details.filter(\.isPayment).count > 1 {
            throw BankDetailError("authorization_details may contain only one payment_initiation")
        }
        return details
    }

    /// Parses one detail object by its `type`.
    public static func parse(_ object: [String: JSONValue], path: String = "authorization_details") throws(BankDetailError) -> BankAuthorizationDetail {
        switch object["type"]?.stringValue {
        case AccountInformationDetail.type?: .accountInformation(try AccountInformationDetail(json: object, path: path))
        case PaymentInitiationDetail.type?: .paymentInitiation(try PaymentInitiationDetail(json: object, path: path))
        case let other?: throw BankDetailError("\(path) has an unsupported type '\(other.prefix(64))'")
        case nil: throw BankDetailError("\(path) has no string type")
        }
    }

    /// The detail as a JSON object (what is stored in grants and tokens).
    public var json: [String: JSONValue] {
        switch self {
        case .accountInformation(let detail): detail.json
        case .paymentInitiation(let detail): detail.json
        }
    }

    /// RFC 9396 §2.2 `locations` of the detail, if given.
    public var locations: [String]? {
        switch self {
        case .accountInformation(let detail): detail.locations
        case .paymentInitiation(let detail): detail.locations
        }
    }

    var isPayment: Bool { if case .paymentInitiation = self { true } else { false } }
}
