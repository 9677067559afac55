import Foundation
import RawStructuredFieldValues

/// A component identifier (RFC 9421 §2): a lowercase field name or `@`-derived component name as an RFC 8941 String,
/// with parameters `sf`, `key`, `bs`, `req`, `tr` (§2.1) or `name` (§2.2.8).
///
/// It keeps the Structured Field item it was parsed from, so the identifier is serialized in the signature base with
/// its parameters in the order they were received (§2.5).
public struct HTTPSignatureComponent: Sendable, Hashable {
    let item: Item

    init(item: Item) throws(HTTPSignatureError) {
        guard case .string(let name) = item.rfc9651BareItem else {
            throw HTTPSignatureError("A component identifier must be a string")
        }
        guard !name.isEmpty, name == name.lowercased(), name != "@signature-params" else {
            throw HTTPSignatureError("The component name \(name.prefix(40)) is not allowed")
        }
        for (parameter, value) in item.rfc9651Parameters {
            switch parameter {
            case "sf", "bs", "req", "tr":
                guard case .bool(true) = value else { throw HTTPSignatureError("The \(parameter) flag must be true") }
            case "key", "name":
                guard case .string = value else { throw HTTPSignatureError("The \(parameter) parameter must be a string") }
            default:
                throw HTTPSignatureError("Unknown component parameter \(parameter.prefix(40))")
            }
        }
        self.item = item
    }

    /// A header field or derived component with flags, parameters in the order RFC 9421's examples use (`req` first,
    /// as in `"signature";req;key="sig1"`, §2.4).
    public init(_ name: String, req: Bool = false, key: String? = nil, sf: Bool = false, bs: Bool = false, queryParameterName: String? = nil) throws(HTTPSignatureError) {
        var parameters = OrderedMap<String, RFC9651BareItem>()
        if req { parameters["req"] = .bool(true) }
        if let key { parameters["key"] = .string(key) }
        if let queryParameterName { parameters["name"] = .string(queryParameterName) }
        if sf { parameters["sf"] = .bool(true) }
        if bs { parameters["bs"] = .bool(true) }
        try self.init(item: Item(bareItem: RFC9651BareItem.string(name), parameters: parameters))
    }

    /// The component name: a lowercase field name or a derived name such as `@method`.
    public var name: String {
        if case .string(let name) = item.rfc9651BareItem { return name }
        return ""
    }

    /// Whether the boolean flag `parameter` (`req`, `sf`, `bs`, `tr`) is set.
    public func has(_ flag: String) -> Bool {
        if case .bool(true) = item.rfc9651Parameters[flag] { return true }
        return false
    }

    /// The string parameter `key` or `name`, when present.
    public func string(_ parameter: String) -> String? {
        if case .string(let value) = item.rfc9651Parameters[parameter] { return value }
        return nil
    }

    /// The names of the parameters, in order.
    var parameterNames: [String] { item.rfc9651Parameters.map(\.0) }

    /// The serialized identifier, e.g. `"@query-param";name="Pet"` (RFC 9421 §2.5).
    public var identifier: String {
        var serializer = StructuredFieldValueSerializer()
        return (try? String(decoding: serializer.writeItemFieldValue(item), as: UTF8.self)) ?? ""
    }

    /// The identity for duplicate detection: name plus parameters regardless of their order (§2.5: no component
    /// identifier may occur twice).
    var identity: String {
        let parameters = item.rfc9651Parameters.map { name, _ in "\(name)=\(string(name) ?? "?1")" }.sorted()
        return ([name] + parameters).joined(separator: ";")
    }

    /// Whether this is the plain component `name`, possibly `;req` as required by `request`: no `key`, `bs`, `tr`
    /// or `name` narrowing it (`sf` only re-serializes the whole field, so it still covers all of it).
    func covers(_ name: String, request: Bool = false) -> Bool {
        self.name == name && has("req") == request && parameterNames.allSatisfy { $0 == "req" || $0 == "sf" }
    }
}
