import Foundation

/// Parameters of an `application/x-www-form-urlencoded` body or a query string (WHATWG URL §5.1),
/// as OAuth 2.0 requires them: RFC 6749 §3.1 and §3.2 — "Request and response parameters MUST NOT be
/// included more than once" — so a repeated name is an error, never a silent first-or-last pick.
public struct FormParameters: Sendable, Equatable {
    public private(set) var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Parses `a=1&b=two+words&c=%2F`. Empty names are skipped; names and values are percent-decoded
    /// with `+` as space.
    /// - Throws: `OAuthError(.invalidRequest)` for a repeated parameter or malformed percent-encoding.
    public init(parsing body: some StringProtocol) throws(OAuthError) {
        // Split on bytes, not Characters: `&`, `=`, `+` and `%` are ASCII, and grapheme breaking was measurable.
        let bytes = Array(body.utf8)
        var result: [String: String] = [:]
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            let pair = bytes[start..<end]
            start = end + 1
            guard !pair.isEmpty else { continue }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let name = Self.decode(pair[pair.startIndex..<(equals ?? pair.endIndex)]),
                  let value = Self.decode(equals.map { pair[($0 + 1)...] } ?? [])
            else { throw .invalidRequest("Malformed form encoding") }
            if name.isEmpty { continue }
            guard result[name] == nil else {
                throw .invalidRequest("Parameter '\(Self.safeName(name))' is included more than once")
            }
            result[name] = value
        }
        values = result
    }

    public subscript(name: String) -> String? { values[name] }

    /// The value, treating an empty value as absent (RFC 6749 §3.1: "Parameters sent without a value MUST be
    /// treated as if they were omitted from the request").
    public func value(_ name: String) -> String? {
        guard let v = values[name], !v.isEmpty else { return nil }
        return v
    }

    /// A required parameter. - Throws: `invalid_request` naming it.
    public func required(_ name: String) throws(OAuthError) -> String {
        guard let v = value(name) else { throw .invalidRequest("Missing required parameter '\(name)'") }
        return v
    }

    public var names: Set<String> { Set(values.keys) }

    /// Serialises to `application/x-www-form-urlencoded`, names sorted (stable output).
    public var encoded: String {
        values.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
    }

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but the form-urlencoded safe set (`*-._` and alphanumerics); space as `+`.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func decode(_ part: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.count)
        var it = part.makeIterator()
        while let c = it.next() {
            switch c {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let h = it.next(), let l = it.next(), let hv = hexValue(h), let lv = hexValue(l) else { return nil }
                bytes.append(hv << 4 | lv)
            default: bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A parameter name made safe for an error description (names come from the client).
    static func safeName(_ name: String) -> String { String(name.prefix(64)) }
}
