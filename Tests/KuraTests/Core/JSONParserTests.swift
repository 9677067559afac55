import Foundation
import OAuthCore
import OAuthJOSE
import Testing

/// The byte parser against `JSONDecoder().decode(JSONValue.self, from:)`: where the parser accepts, Foundation accepts
/// the same value; where only Foundation accepts, it is one of its documented leniencies (trailing commas, BOM); and
/// `parseObject` accepts exactly what Foundation accepts, with the same value.
@Suite("JSONValue.parse reads RFC 8259 text exactly as JSONDecoder does, or refuses it")
struct JSONParserDifferentialTests {
    static func foundation(_ text: [UInt8]) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text)) }
    static func parsed(_ text: [UInt8]) -> JSONValue? {
        try? JSONValue.parse(text, rejectDuplicateNames: false, maximumDepth: JSONValue.foundationMaximumDepth)
    }

    /// Checks one text; returns whether the parser accepted it.
    @discardableResult
    static func agree(_ text: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let shown = String(decoding: text, as: UTF8.self).debugDescription
        let reference = foundation(text)
        let mine = parsed(text)
        if let mine {
            #expect(reference.map { JSONCorpus.identical(mine, $0) } == true, "\(shown): \(mine) vs \(String(describing: reference))", sourceLocation: sourceLocation)
        } else if let reference {
            let strict = JSONCorpus.withoutFoundationLeniency(text)
            #expect(strict != text && parsed(strict).map { JSONCorpus.identical($0, reference) } == true,
                "only Foundation accepts \(shown)", sourceLocation: sourceLocation)
        }
        let object = JSONValue.parseObject(text).map(JSONValue.object)
        let referenceObject = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(text))).map(JSONValue.object)
        #expect(object.map { o in referenceObject.map { JSONCorpus.identical(o, $0) } == true } ?? (referenceObject == nil),
            "parseObject differs from JSONDecoder on \(shown)", sourceLocation: sourceLocation)
        return mine != nil
    }

    static let accepted: [(String, JSONValue)] = [
        ("1.0", .int(1)), ("1e2", .int(100)), ("1E+2", .int(100)), ("-0", .int(0)), ("-0.0", .int(0)), ("0e0", .int(0)),
        ("100e-2", .int(1)), ("1.00000000000000000001", .int(1)), ("1e-400", .int(0)), ("-2e-324", .int(0)),
        ("1.5", .double(1.5)), ("5e-1", .double(0.5)), ("4.9e-324", .double(.leastNonzeroMagnitude)), ("1e19", .double(1e19)),
        ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("9223372036854775808", .double(0x1p63)), ("-9223372036854775809", .double(-0x1p63)),
        ("9007199254740993.5", .int(9_007_199_254_740_993)), ("9223372036854775295.0", .int(9_223_372_036_854_775_295)),
        ("-9223372036854775808.0", .double(-0x1p63)), ("12345678901234567.89", .int(12_345_678_901_234_567)),
        ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)), ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        (#""\ud83d\ude00\u00e9\/\b\f\n\r\t\"\\""#, .string("😀é/\u{8}\u{c}\n\r\t\"\\")), (#""\u0000\uFFFF""#, .string("\u{0}\u{ffff}")),
        ("\"\u{7f}日\"", .string("\u{7f}日")), (" \t\r\n[ true , false,null ] ", [true, false, .null]), ("{}", [:]), ("[]", []),
        (#"{"a":1,"a":2}"#, ["a": 1]), (#"{"a":1,"\u0061":{"x":2}}"#, ["a": 1]), ("{\"\u{e9}\":1,\"e\u{301}\":2}", ["\u{e9}": 1]),
    ]

    @Test("Edge cases Foundation accepts read as the same value, down to .int for 1.0, 1e2 and -0.0")
    func acceptedEdgeCases() throws {
        for (text, expected) in Self.accepted {
            #expect(Self.agree(Array(text.utf8)), "\(text)")
            #expect(Self.parsed(Array(text.utf8)).map { JSONCorpus.identical($0, expected) } == true, "\(text)")
        }
        // Of canonically equivalent names the first one's bytes are kept, as Foundation does.
        let kept = try #require(Self.parsed(Array("{\"e\u{301}\":1,\"\u{e9}\":2}".utf8))?.objectValue)
        #expect(kept.keys.map { Array($0.utf8) } == [[0x65, 0xCC, 0x81]] && kept.values.first == 1)
    }

    static let refused: [String] = [
        "", " ", "01", "-01", "00", "+1", ".5", "1.", "1.e5", "-", "1e", "1e+", "1e400", "-1e400", "1.7976931348623159e308",
        "tru", "nul", "True", "NaN", "Infinity", "nan", "truex", "[1 2]", "{}x", "[1]]", "1 2", "[", "{\"a\"}", "{1:2}",
        "{'a':1}", "[01]", "[-]", "[1.5e]", "[,]", "[1,,2]", "{,}", "[,1]", "\u{c}{}", "{}\u{c}", "{\"a\":1}\u{0}",
        #""\ud83d""#, #""\ude00""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\U00e9""#, #""\x""#, #""\'""#, #""\u12""#,
        #""\u12g4""#, "\"a\tb\"", "\"abc", "//c\n{}", "/*x*/{}",
    ]

    @Test("Texts both refuse: bad numbers and literals, lone surrogates, raw control characters, trailing text")
    func refusedEdgeCases() {
        for text in Self.refused { #expect(!Self.agree(Array(text.utf8)), "\(text.debugDescription)") }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0x01, 0x22], Array("{\"".utf8) + [0xFF] + Array("\":1}".utf8)]
        {
            #expect(!Self.agree(bytes), "\(bytes)")
        }
    }

    @Test("Only Foundation accepts trailing commas, a byte order mark and UTF-16; parseObject still does")
    func foundationLeniencies() {
        for text in ["[1,]", "{\"a\":1,}", "[[1,],]", "\u{feff}{\"a\":[1,]}"] {
            #expect(Self.parsed(Array(text.utf8)) == nil && Self.foundation(Array(text.utf8)) != nil, "\(text)")
            Self.agree(Array(text.utf8))
        }
        let utf16: [UInt8] = [0xFF, 0xFE] + "{\"a\":1}".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(Self.parsed(utf16) == nil && JSONValue.parseObject(utf16) == ["a": 1])
        // Foundation never decodes the value under a repeated name; the parser refuses it, parseObject falls back.
        let skipped = Array(#"{"a":1,"a":1e400}"#.utf8)
        #expect(Self.parsed(skipped) == nil && JSONValue.parseObject(skipped) == ["a": 1])
    }

    @Test("Nesting: 512 levels parse and 513 do not, as in Foundation")
    func foundationDepth() {
        for depth in [511, 512, 513] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let objects = String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
            #expect(Self.agree(Array(arrays.utf8)) == (depth <= 512))
            #expect(Self.agree(Array(objects.utf8)) == (depth <= 512))
        }
    }

    @Test("400 random values as JSONEncoder writes them, each also cut, altered, shortened and lengthened")
    func generatedCorpus() throws {
        var corpus = JSONCorpus(seed: 0x4B55_5241)
        var accepted = 0, mutants = 0
        for _ in 0..<400 {
            let value = corpus.value()
            let text = try corpus.encoded(value)
            #expect(Self.agree(text))
            #expect(Self.parsed(text).map { JSONCorpus.identical($0, try! JSONDecoder().decode(JSONValue.self, from: Data(text))) } == true)
            for _ in 0..<4 {
                if Self.agree(corpus.mutated(text)) { mutants += 1 }
                accepted += 1
            }
        }
        // The mutations must exercise both sides of the comparison.
        #expect(mutants > 100 && mutants < accepted - 100, "\(mutants) of \(accepted) mutants accepted")
    }

    @Test("2000 random number tokens, in and out of RFC 8259's grammar, near 2^53, 2^63 and Double's limits")
    func generatedNumbers() {
        var corpus = JSONCorpus(seed: 0x6E75_6D62)
        var accepted = 0
        for _ in 0..<2000 {
            let text = corpus.numberText()
            if Self.agree(Array(text.utf8)), Self.agree(Array("[\(text)]".utf8)) { accepted += 1 }
        }
        #expect(accepted > 500 && accepted < 1900, "\(accepted) accepted")
    }

    @Test("Escaped strings: every \\u escape, surrogate pairs and lone surrogates")
    func generatedEscapes() {
        var corpus = JSONCorpus(seed: 0x6573_6361)
        for _ in 0..<500 {
            let units = (0..<1 + corpus.below(3)).map { _ in
                corpus.pick([UInt16(corpus.below(0x80)), UInt16(0xD800 + corpus.below(0x400)), UInt16(0xDC00 + corpus.below(0x400)),
                    UInt16(corpus.below(0x10000))])
            }
            let escaped = units.map { String(format: corpus.below(2) == 0 ? "\\u%04x" : "\\u%04X", $0) }.joined()
            Self.agree(Array("\"a\(escaped)é\"".utf8))
        }
    }

    @Test("Any collection of bytes parses, contiguous or not")
    func nonContiguousInput() throws {
        let text = Array(#"{"a":[1,"b",{"c":null}]}"#.utf8)
        let lazy = text.lazy.map { $0 }
        #expect(try JSONValue.parse(lazy, rejectDuplicateNames: true) == JSONValue.parse(text, rejectDuplicateNames: true))
        let slice = Data(#"xx{"a":1}"#.utf8)[2...]  // a Data slice whose indices do not start at 0
        #expect(try JSONValue.parse(slice, rejectDuplicateNames: true) == ["a": 1])
    }
}

@Suite("Strict JSON for JOSE refuses repeated member names and deep nesting in one pass (RFC 7515 §5.2, RFC 7519 §4)")
struct JSONParserStrictTests {
    static func reason(_ text: String, depth: Int = 32) -> JSONValue.ParseError.Reason? {
        do { _ = try JSONValue.parse(Array(text.utf8), rejectDuplicateNames: true, maximumDepth: depth); return nil }
        catch { return error.reason }
    }

    @Test("A member name repeated at any depth, also behind an escape or in another normalisation form, is refused")
    func duplicates() {
        for text in [#"{"a":1,"a":1}"#, #"{"alg":"ES256","\u0061lg":"none"}"#, #"{"x":[{"k":1,"k":2}]}"#,
            #"{"jwk":{"kty":"EC","kty":"RSA"}}"#, "{\"\u{e9}\":1,\"e\u{301}\":2}", #"{"a":{"a":{"b":1,"b":1}}}"#]
        {
            #expect(Self.reason(text) == .duplicateName, "\(text)")
        }
        #expect(Self.reason(#"{"a":{"a":1},"b":[{"a":1},{"a":2}],"A":1}"#) == nil)
    }

    @Test("32 levels of nesting parse, 33 do not, empty or not")
    func depth() {
        for (depth, nested) in [(32, "1"), (33, "1"), (33, "")] {
            let text = String(repeating: "[", count: depth - 1) + "[\(nested)]" + String(repeating: "]", count: depth - 1)
            #expect(Self.reason(text) == (depth <= 32 ? nil : .depth), "\(depth)")
        }
        #expect(Self.reason(String(repeating: "{\"a\":", count: 33) + "1" + String(repeating: "}", count: 33)) == .depth)
    }

    @Test("StrictJSON keeps its two messages: broken structure or repeated names, and bad values or no object")
    func strictJSONMessages() {
        func message(_ text: String) -> String? {
            do { _ = try StrictJSON.object(Data(text.utf8), what: "X"); return nil } catch { return error.reason }
        }
        for text in [#"{"a":1,"a":2}"#, #"{"a":1,}"#, #"{"a":}"#, "{\"a\":\"\u{1}\"}", #"{"a":1}x"#] {
            #expect(message(text) == "X is not a JSON object without duplicate member names", "\(text)")
        }
        for text in [#"{"a":tru}"#, #"{"a":01}"#, #"{"a":1e400}"#, #"{"a":"\ud800"}"#, "[1]", #""s""#] {
            #expect(message(text) == "X is not a JSON object", "\(text)")
        }
        #expect(message(#"{"s":"\u00e9\n","n":1.0}"#) == nil)
    }
}
