import Foundation
import OAuthCore
import RawStructuredFieldValues

/// HTTP field component values (RFC 9421 §2.1): combined field lines, `sf` re-serialization (§2.1.1), dictionary
/// member selection with `key` (§2.1.2), `bs` byte-sequence wrapping (§2.1.3) and `req` (§2.4).
enum FieldComponents {
    /// Fields whose Structured Field type Kura knows, as RFC 9421 §2.1.1 requires for `sf`: Dictionaries.
    static let dictionaryFields: Set<String> = [
        "content-digest", "repr-digest", "want-content-digest", "want-repr-digest", "signature", "signature-input",
        "accept-signature", "priority",
    ]
    /// Fields of Structured Field type List.
    static let listFields: Set<String> = ["cache-status", "proxy-status"]

    /// The value of field `component` in `message` (or in its request, with `req`).
    static func value(_ component: HTTPSignatureComponent, in message: HTTPSignedMessage) throws(HTTPSignatureError) -> String {
        let name = component.name
        guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
            throw HTTPSignatureError("Invalid field name in the signature input")
        }
        guard component.string("name") == nil else { throw HTTPSignatureError("The name parameter is only for @query-param") }
        guard !component.has("tr") else { throw HTTPSignatureError("Trailer fields are not supported") }
        var source = message
        if component.has("req") {
            guard case .response(_, let request?) = message else {
                throw HTTPSignatureError("The req flag needs a response signature and its request")
            }
            source = .request(request)
        }
        let lines = source.fieldLines(name).map(trimmed)
        guard !lines.isEmpty else { throw HTTPSignatureError("The message has no \(name.prefix(60)) field") }
        if component.has("bs") {
            guard !component.has("sf"), component.string("key") == nil else {
                throw HTTPSignatureError("The bs flag cannot be combined with sf or key")
            }
            return lines.map { ":" + Data($0.utf8).base64EncodedString() + ":" }.joined(separator: ", ")
        }
        let combined = lines.joined(separator: ", ")
        if let key = component.string("key") {
            return try member(key, of: combined, field: name)
        }
        if component.has("sf") { return try reserialized(combined, field: name) }
        guard combined.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 }) else {
            throw HTTPSignatureError("The \(name.prefix(60)) field has characters that need the bs flag")
        }
        return combined
    }

    /// §2.1 steps 2–3: strip surrounding whitespace and replace obsolete line folding with one space.
    static func trimmed(_ value: String) -> String {
        let utf8 = value.utf8
        let isBlank = { (c: UInt8) in c == 0x20 || c == 0x09 }
        // The common case — one line, nothing to strip — without a regular expression or a copy.
        if !utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            guard let first = utf8.first, let last = utf8.last, isBlank(first) || isBlank(last) else { return value }
            return value.trimmingOWS()
        }
        let unfolded = value.replacingOccurrences(of: "\r?\n[ \t]*", with: " ", options: .regularExpression)
        return unfolded.trimmingOWS()
    }

    /// §2.1.2: the serialized value of dictionary member `key` (an Item or an Inner List, with its parameters).
    static func member(_ key: String, of value: String, field: String) throws(HTTPSignatureError) -> String {
        let dictionary = try parseDictionary(value, field: field)
        guard let member = dictionary[key] else {
            throw HTTPSignatureError("The \(field.prefix(60)) field has no member \(key.prefix(40))")
        }
        do {
            var serializer = StructuredFieldValueSerializer()
            switch member {
            case .item(let item): return String(decoding: try serializer.writeItemFieldValue(item), as: UTF8.self)
            case .innerList: return String(decoding: try serializer.writeListFieldValue([member]), as: UTF8.self)
            }
        } catch {
            throw HTTPSignatureError("The \(field.prefix(60)) member cannot be serialized")
        }
    }

    /// §2.1.1: parse with the field's known Structured Field type and serialize it canonically.
    static func reserialized(_ value: String, field: String) throws(HTTPSignatureError) -> String {
        do {
            var serializer = StructuredFieldValueSerializer()
            if dictionaryFields.contains(field) {
                return String(decoding: try serializer.writeDictionaryFieldValue(try parseDictionary(value, field: field)), as: UTF8.self)
            }
            if listFields.contains(field) {
                var parser = StructuredFieldValueParser(Array(value.utf8))
                return String(decoding: try serializer.writeListFieldValue(try parser.parseListFieldValue()), as: UTF8.self)
            }
        } catch let error as HTTPSignatureError {
            throw error
        } catch {
            throw HTTPSignatureError("The \(field.prefix(60)) field is not a valid structured field")
        }
        throw HTTPSignatureError("The structured type of the \(field.prefix(60)) field is unknown")
    }

    /// Parses a Dictionary Structured Field (RFC 8941 §4.2.2).
    static func parseDictionary(_ value: String, field: String) throws(HTTPSignatureError) -> OrderedMap<String, ItemOrInnerList> {
        do {
            var parser = StructuredFieldValueParser(Array(value.utf8))
            return try parser.parseDictionaryFieldValue()
        } catch {
            throw HTTPSignatureError("The \(field.prefix(60)) field is not a valid dictionary")
        }
    }
}
