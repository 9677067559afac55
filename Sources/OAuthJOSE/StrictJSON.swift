import Foundation
import OAuthCore

/// JSON objects read the way RFC 7515 §5.2 step 4 and RFC 7519 §4 require: a member name that appears twice in
/// one object rejects the input.
///
/// Foundation's decoder silently keeps the *first* duplicate, while RFC 7515 only allows rejecting or keeping the
/// *last*; two parsers reading one token differently is how `alg` or `aud` confusion starts. So every object is
/// scanned for duplicate names (after resolving escapes such as `\u0061`) before it is decoded.
public enum StrictJSON {
    /// Nesting deeper than this is refused: no JOSE header or claims set Kura reads comes close.
    static let maximumDepth = 32

    /// Decodes `data` as a JSON object, refusing duplicate member names at any depth.
    public static func object(_ data: Data, what: String) throws(JOSEError) -> [String: JSONValue] {
        var scanner = DuplicateNameScanner(bytes: Array(data))
        guard (try? scanner.scanDocument()) != nil else {
            throw JOSEError("\(what) is not a JSON object without duplicate member names")
        }
        guard let object = JSONValue.parseObject(data) else { throw JOSEError("\(what) is not a JSON object") }
        return object
    }
}

/// Walks JSON text (RFC 8259) far enough to compare member names; decoding proper is left to Foundation.
private struct DuplicateNameScanner {
    struct Failure: Error {}

    let bytes: [UInt8]
    var index = 0

    mutating func scanDocument() throws(Failure) {
        try scanValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw Failure() }
    }

    private mutating func scanValue(depth: Int) throws(Failure) {
        guard depth <= StrictJSON.maximumDepth else { throw Failure() }
        skipWhitespace()
        guard index < bytes.count else { throw Failure() }
        switch bytes[index] {
        case UInt8(ascii: "{"): try scanObject(depth: depth + 1)
        case UInt8(ascii: "["): try scanArray(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try scanString()
        default:
            let start = index
            while index < bytes.count, !Self.isDelimiter(bytes[index]) { index += 1 }
            guard index > start else { throw Failure() }
        }
    }

    private mutating func scanObject(depth: Int) throws(Failure) {
        index += 1
        var names = Set<String>()
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure() }
            guard names.insert(try scanString()).inserted else { throw Failure() }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw Failure() }
            try scanValue(depth: depth)
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw Failure() }
    }

    private mutating func scanArray(depth: Int) throws(Failure) {
        index += 1
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return }
        repeat {
            try scanValue(depth: depth)
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw Failure() }
    }

    /// Reads a string token and returns its value with escapes resolved (RFC 8259 §7).
    private mutating func scanString() throws(Failure) -> String {
        index += 1
        var units: [UInt16] = []
        var raw: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                units += String(decoding: raw, as: UTF8.self).utf16
                return String(decoding: units, as: UTF16.self)
            case UInt8(ascii: "\\"):
                units += String(decoding: raw, as: UTF8.self).utf16
                raw.removeAll()
                units.append(try scanEscape())
            default:
                guard byte >= 0x20 else { throw Failure() }
                raw.append(byte)
            }
        }
        throw Failure()
    }

    private mutating func scanEscape() throws(Failure) -> UInt16 {
        guard index < bytes.count else { throw Failure() }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return UInt16(byte)
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            guard index + 4 <= bytes.count,
                let value = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw Failure() }
            index += 4
            return value
        default: throw Failure()
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(byte)
    }
}
