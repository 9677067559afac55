import Foundation

/// RFC 8259 JSON text read straight from UTF-8 bytes into `JSONValue` in one pass, optionally refusing duplicate
/// member names (RFC 7515 §5.2 step 4, RFC 7519 §4) — without `JSONDecoder`, which `kura bench` measured at 3–14 %
/// of server CPU on JWS headers and claims.
///
/// Every text this parser accepts, `JSONDecoder().decode(JSONValue.self, from:)` accepts too and reads as the same
/// value (Tests/KuraTests/Core/JSONParserTests.swift checks this differentially):
/// - a number with no fraction or exponent that fits `Int64` is `.int`; any other number whose `Double` value is a
///   whole number `Int64` holds is `.int` as well (`1.0`, `1e2`, `-0.0`, `1e-400` are all integers to Foundation);
///   the rest are `.double`, and a number beyond `Double`'s range is refused;
/// - of two member names that are equal as Swift strings (canonically equivalent), the first is kept.
///
/// It is stricter than Foundation where RFC 8259 is: no trailing commas (`[1,]`), no byte order mark, UTF-8 only
/// (Foundation also sniffs UTF-16 and UTF-32), and every value is checked, also one under a repeated name that
/// Foundation skips without decoding.
extension JSONValue {
    /// Why a JSON text was refused, and the byte offset where that was noticed.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {  // StrictJSON's two messages: `.value` vs. the rest
            /// Brackets, commas, colons, quotes, escapes or raw control characters break the grammar, or text trails.
            case structure
            /// A literal or number is malformed or out of `Double`'s range, or a string is not valid UTF-8 / UTF-16.
            case value
            /// A member name appears twice in one object (only when duplicates are refused).
            case duplicateName
            /// Objects and arrays nest deeper than allowed.
            case depth
        }

        public let reason: Reason
        public let offset: Int
        public var description: String { "invalid JSON (\(reason)) at byte \(offset)" }
    }

    /// How deep `JSONDecoder` lets objects and arrays nest: 512 levels parse, 513 do not.
    public static let foundationMaximumDepth = 512

    /// Parses one JSON text (RFC 8259) of any type. `maximumDepth` counts nested objects and arrays: `{}` is 1.
    public static func parse(
        _ bytes: some Collection<UInt8>, rejectDuplicateNames: Bool, maximumDepth: Int = 32
    ) throws(ParseError) -> JSONValue {
        func run(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, ParseError> {
            var parser = JSONTextParser(bytes: buffer, rejectDuplicateNames: rejectDuplicateNames, maximumDepth: maximumDepth)
            return Result { () throws(ParseError) in try parser.document() }
        }
        let result = bytes.withContiguousStorageIfAvailable(run) ?? Array(bytes).withUnsafeBufferPointer(run)
        return try result.get()
    }
}

/// The recursive-descent reader behind `JSONValue.parse`; `bytes` is only valid for the duration of one parse.
private struct JSONTextParser {
    typealias Failure = JSONValue.ParseError

    let bytes: UnsafeBufferPointer<UInt8>
    let rejectDuplicateNames: Bool
    let maximumDepth: Int
    var index = 0

    mutating func document() throws(Failure) -> JSONValue {
        let value = try value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail(.structure) }
        return value
    }

    private func fail(_ reason: Failure.Reason) -> Failure { Failure(reason: reason, offset: index) }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail(.structure) }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): throw fail(.structure)
        default: throw fail(.value)
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw fail(.depth) }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail(.structure) }
            let nameOffset = index
            let name = try string()
            let repeated = members[name] != nil
            if repeated, rejectDuplicateNames { throw Failure(reason: .duplicateName, offset: nameOffset) }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw fail(.structure) }
            let member = try value(depth: depth)
            // JSONDecoder keeps the first of two equal names; so do we.
            if !repeated { members[name] = member }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { throw fail(.structure) }
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw fail(.depth) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            elements.append(try value(depth: depth))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "]")) else { throw fail(.structure) }
            return .array(elements)
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count,
            memcmp(bytes.baseAddress! + index, word.utf8Start, length) == 0
        else { throw fail(.value) }
        index += length
        try requireTokenEnd()
    }

    /// A literal or number must end where the grammar allows the next token: whitespace, `,`, `]`, `}` or the end.
    private func requireTokenEnd() throws(Failure) {
        guard index < bytes.count else { return }
        switch bytes[index] {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return
        case let byte where Self.isWhitespace(byte): return
        default: throw fail(.value)
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        let negative = consume(UInt8(ascii: "-"))
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw fail(.value) }
        var magnitude: UInt64 = 0
        var overflow = false
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                magnitude = sum
                overflow = overflow || o1 || o2
                index += 1
            }
        }
        var integer = true
        if consume(UInt8(ascii: ".")) { integer = false; try digits() }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integer = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        try requireTokenEnd()
        if integer, !overflow, magnitude <= UInt64(Int64.max) + (negative ? 1 : 0) {
            return .int(negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude))
        }
        return try Self.numberSlowPath(UnsafeBufferPointer(rebasing: bytes[start..<index]), offset: start)
    }

    /// Numbers that are not plain `Int64` literals, read as `JSONDecoder` reads them into `JSONValue`: the `Int64`
    /// attempt wins when the `Double` value is a whole number below 2^53 (`1.0`, `1e2`); from 2^53 on Foundation
    /// re-reads the text as a `Decimal` and truncates, which only Foundation itself reproduces exactly — and such
    /// numbers (`9007199254740993.5`) never occur in Kura's messages, so that rare case asks it.
    private static func numberSlowPath(_ text: UnsafeBufferPointer<UInt8>, offset: Int) throws(Failure) -> JSONValue {
        guard let double = Double(String(decoding: text, as: UTF8.self)) else {
            throw Failure(reason: .value, offset: offset)
        }
        if let whole = Int64(exactly: double) {
            if double.magnitude < 0x1p53 { return .int(whole) }
            if let exact = try? JSONDecoder().decode(Int64.self, from: Data(text)) { return .int(exact) }
        }
        guard double.isFinite else { throw Failure(reason: .value, offset: offset) }
        return .double(double)
    }

    private mutating func digits() throws(Failure) {
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw fail(.value) }
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    /// RFC 8259 §7, with `index` on the opening quote. Unescaped runs are copied as they are and must be UTF-8.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if ascii { return String(decoding: run, as: UTF8.self) }
                guard let text = String(validating: run, as: UTF8.self) else { throw Failure(reason: .value, offset: start) }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw fail(.structure) }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw fail(.structure) }
        var units = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                // Escapes only add complete UTF-8 sequences, so a bad raw byte cannot be completed by one.
                guard let text = String(validating: units, as: UTF8.self) else { throw Failure(reason: .value, offset: start) }
                return text
            case UInt8(ascii: "\\"): try escape(into: &units)
            case 0..<0x20: index -= 1; throw fail(.structure)
            default: units.append(byte)
            }
        }
        throw fail(.structure)
    }

    /// One escape after its backslash; `\uD83D\uDE00` pairs become one scalar, and a lone surrogate is refused.
    private mutating func escape(into units: inout [UInt8]) throws(Failure) {
        guard index < bytes.count else { throw fail(.structure) }
        let byte = bytes[index]
        index += 1
        let scalar: UInt32
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): units.append(byte); return
        case UInt8(ascii: "b"): units.append(0x08); return
        case UInt8(ascii: "f"): units.append(0x0C); return
        case UInt8(ascii: "n"): units.append(0x0A); return
        case UInt8(ascii: "r"): units.append(0x0D); return
        case UInt8(ascii: "t"): units.append(0x09); return
        case UInt8(ascii: "u"):
            let unit = try hex4()
            switch unit {
            case 0xD800...0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw fail(.value) }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail(.value) }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF: throw fail(.value)
            default: scalar = unit
            }
        default: index -= 1; throw fail(.structure)
        }
        UTF8.encode(Unicode.Scalar(scalar)!) { units.append($0) }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail(.structure) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(.structure)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// RFC 8259 §2: space, tab, line feed and carriage return only.
    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
