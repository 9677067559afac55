import Foundation
import OAuthCore
import Testing

@Suite("JSONValue decoding keeps every JSON type distinct")
struct JSONValueTests {
    @Test("Strings, integers, doubles, booleans, null, arrays and objects decode to their own cases")
    func types() throws {
        let text = #"{"s":"1","i":1,"d":1.5,"t":true,"f":false,"n":null,"a":[1,"x",false],"o":{"k":"v"},"e":""}"#
        let value = try #require(JSONValue.parseObject(Data(text.utf8)))
        #expect(value["s"] == .string("1"))
        #expect(value["i"] == .int(1))
        #expect(value["d"] == .double(1.5))
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.int(1), .string("x"), .bool(false)]))
        #expect(value["o"] == .object(["k": .string("v")]))
        #expect(value["e"] == .string(""))
    }

    @Test("Encoding and decoding round-trip")
    func roundTrip() throws {
        let value: JSONValue = ["a": [1, "b", true, ["c": .null]], "n": .int(-7), "x": .double(0.25)]
        #expect(try JSONDecoder().decode(JSONValue.self, from: value.jsonData()) == value)
    }
}

@Suite("JSONValue writer matches JSONEncoder (sorted keys, slashes unescaped) byte for byte")
struct JSONValueWriterTests {
    static let samples: [JSONValue] = [
        .null, true, false, 0, -9_223_372_036_854_775_808, 9_223_372_036_854_775_807, .double(1.5), .double(1e20), .double(-0.0),
        "", "a/b", "\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}\"\\", "é 日本語 😀 \u{2028}",
        [], [:], [1, "x", [true, .null]],
        ["B": 1, "a": 2, "_": 3, "A": ["z": [], "a10": "x", "a2": .double(0.1)], "é": "ü", "": ""],
    ]

    @Test("Every sample serialises exactly as JSONEncoder does", arguments: samples)
    func sameBytes(_ value: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(value.jsonData() == (try encoder.encode(value)), "\(String(decoding: value.jsonData(), as: UTF8.self))")
        #expect(try JSONDecoder().decode(JSONValue.self, from: value.jsonData()) == value || value == .double(-0.0))
    }
}
