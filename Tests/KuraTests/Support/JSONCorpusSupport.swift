import Foundation
import OAuthCore

/// A seeded generator of JSON texts for the differential tests of `JSONValue.parse` against `JSONDecoder`.
struct JSONCorpus {
    /// Deterministic, so a failing text can be reproduced from the seed.
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    static let characters: [String] = [
        "a", "b", "Z", "0", " ", "/", "\"", "\\", "\u{0}", "\u{8}", "\u{9}", "\u{a}", "\u{1f}", "\u{7f}", "é", "e\u{301}",
        "日", "😀", "\u{2028}", "\u{fffe}", "\u{ffff}", "\u{10ffff}",
    ]

    mutating func string() -> String { String((0..<below(8)).map { _ in pick(Self.characters) }.joined()) }

    mutating func number() -> JSONValue {
        switch below(6) {
        case 0: return .int(Int64(bitPattern: next()))
        case 1: return .int(Int64(below(2001)) - 1000)
        case 2: return .double(Double(Int64(bitPattern: next()) >> Int64(below(64))) / 8)
        case 3:
            let nice: [Double] = [0.1, 1.5, -2.25, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p53, 0x1p63]
            return .double(pick(nice))
        default:
            let bits = next() & ~(0x7FF << 52) | UInt64(below(0x7FF)) << 52  // any finite double
            return .double(Double(bitPattern: bits))
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch below(depth > 3 ? 4 : 7) {
        case 0: pick([.null, .bool(true), .bool(false)])
        case 1, 2: .string(string())
        case 3: number()
        case 4, 5:
            .object(Dictionary((0..<below(5)).map { _ in (string(), value(depth: depth + 1)) }, uniquingKeysWith: { a, _ in a }))
        default: .array((0..<below(5)).map { _ in value(depth: depth + 1) })
        }
    }

    /// `value` as JSONEncoder writes it, in one of its output styles.
    mutating func encoded(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pick([[], [.sortedKeys], [.prettyPrinted], [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]])
        return Array(try encoder.encode(value))
    }

    /// A number token from RFC 8259's grammar, or one just outside it, weighted towards Foundation's edge cases.
    mutating func numberText() -> String {
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(below(10))) }) }
        var text = pick(["", "", "-", "+"])
        switch below(5) {
        case 0: text += "0"
        case 1: text += pick(["9007199254740", "92233720368547758", "1844674407370955161", "1797693134862315"]) + digits(below(5))
        case 2: text += pick(["", "0", "1", "."])
        default: text += String(1 + below(9)) + digits(below(22))
        }
        if below(2) == 0 { text += "." + digits(below(4) == 0 ? 0 : 1 + below(20)) }
        if below(2) == 0 { text += pick(["e", "E"]) + pick(["", "+", "-"]) + digits(below(6) == 0 ? 0 : 1 + below(3)) }
        return text
    }

    /// `text` with one small damage: cut short, a byte replaced, removed or inserted.
    mutating func mutated(_ text: [UInt8]) -> [UInt8] {
        guard !text.isEmpty else { return text }
        var out = text
        let at = below(text.count)
        let bytes: [UInt8] = Array("\"\\,]}{[: 0-e.utn".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xED, 0xFF]
        switch below(4) {
        case 0: out.removeSubrange(at...)
        case 1: out[at] = pick(bytes)
        case 2: out.remove(at: at)
        default: out.insert(pick(bytes), at: at)
        }
        return out
    }

    /// The documented leniencies of `JSONDecoder` undone: a leading byte order mark and trailing commas removed.
    static func withoutFoundationLeniency(_ text: [UInt8]) -> [UInt8] {
        let bytes = text.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(text.dropFirst(3)) : text
        var out: [UInt8] = []
        var inString = false, escaped = false, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ",") {
                let next = bytes[index...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
                if next == UInt8(ascii: "]") || next == UInt8(ascii: "}") { continue }
            }
            out.append(byte)
        }
        return out
    }

    /// Same value, down to the bits of every double and the UTF-8 of every string and member name.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(identical)
        case let (.object(x), .object(y)):
            func sorted(_ o: [String: JSONValue]) -> [([UInt8], JSONValue)] {
                o.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            }
            let (xs, ys) = (sorted(x), sorted(y))
            return xs.count == ys.count && zip(xs, ys).allSatisfy { $0.0 == $1.0 && identical($0.1, $1.1) }
        default: return false
        }
    }
}
