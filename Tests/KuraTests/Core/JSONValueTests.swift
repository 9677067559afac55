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
