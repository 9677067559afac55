import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// JSON columns decode through the one-pass parser exactly as through `JSONDecoder`, and fail the same way.
@Suite("StorageCoding: JSON columns decode as JSONDecoder decodes them")
struct StorageCodingTests {
    static let texts = [
        #"["openid","accounts"]"#, #"[]"#, #"["a",1]"#, #"{"jkt":"abc","x5t#S256":"d"}"#, #"{"a":1}"#, #"{}"#,
        #"{"type":"payment_initiation","instructedAmount":{"amount":"1.50","currency":"USD"},"n":1.0,"e":"\u00e9"}"#,
        #"[{"type":"account_information"}]"#, "not json", #"{"a":"b","a":"c"}"#, "[1,]",
    ]

    func same<T: Decodable & Equatable>(_ type: T.Type, _ text: String) {
        let expected = try? JSONDecoder().decode(type, from: Data(text.utf8))
        var actual: T?
        do {
            let value: T = try StorageCoding.decode(type, json: text, column: "c")
            actual = value
        } catch {
            actual = nil
        }
        #expect(actual == expected, "\(T.self) from \(text)")
    }

    @Test("[String], [String: String], [String: JSONValue] and JSONValue columns", arguments: texts)
    func columns(_ text: String) {
        same([String].self, text)
        same([String: String].self, text)
        same([String: JSONValue].self, text)
        same(JSONValue.self, text)
    }
}
