import OAuthCore

/// Reads the members of one authorization detail object strictly: RFC 9396 §5 refuses unknown fields, fields of the
/// wrong JSON type, invalid values and missing required fields.
struct DetailFields {
    let object: [String: JSONValue]
    /// `authorization_details[<index>]`, prefixed to every message.
    let path: String

    /// Every member must be one of `allowed`.
    func allowOnly(_ allowed: Set<String>) throws(BankDetailError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail("has an unknown field '\(unknown.prefix(64))'")
        }
    }

    /// A string member; nil when absent and not `required`.
    func string(_ name: String, required: Bool = false, maxLength: Int = 140) throws(BankDetailError) -> String? {
        guard let value = object[name] else {
            if required { throw fail("is missing \(name)") }
            return nil
        }
        guard let text = value.stringValue else { throw fail("\(name) must be a string") }
        try Self.checkText(text, name: name, maxLength: maxLength, path: path)
        return text
    }

    /// A non-empty array of distinct non-empty strings; nil when absent and not `required`.
    func strings(_ name: String, required: Bool = false, maxCount: Int = 20) throws(BankDetailError) -> [String]? {
        guard let value = object[name] else {
            if required { throw fail("is missing \(name)") }
            return nil
        }
        guard let array = value.arrayValue, !array.isEmpty, array.count <= maxCount else {
            throw fail("\(name) must be an array of 1 to \(maxCount) strings")
        }
        var items: [String] = []
        for item in array {
            guard let text = item.stringValue else { throw fail("\(name) must contain strings only") }
            try Self.checkText(text, name: name, maxLength: 256, path: path)
            guard !items.contains(text) else { throw fail("\(name) lists '\(text.prefix(64))' twice") }
            items.append(text)
        }
        return items
    }

    /// A nested object whose members are exactly strings named in `required` (all present) and `optional`.
    func object(_ name: String, required: [String]) throws(BankDetailError) -> [String: String]? {
        guard let value = object[name] else { return nil }
        guard let members = value.objectValue else { throw fail("\(name) must be an object") }
        let nested = DetailFields(object: members, path: "\(path).\(name)")
        try nested.allowOnly(Set(required))
        var result: [String: String] = [:]
        for member in required { result[member] = try nested.string(member, required: true) }
        return result
    }

    func fail(_ problem: String) -> BankDetailError { BankDetailError("\(path) \(problem)") }

    /// Non-empty, at most `maxLength` characters, no control characters.
    static func checkText(_ text: String, name: String, maxLength: Int, path: String) throws(BankDetailError) {
        guard !text.isEmpty, text.count <= maxLength else { throw BankDetailError("\(path) \(name) must be 1 to \(maxLength) characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw BankDetailError("\(path) \(name) must not contain control characters")
        }
    }
}
