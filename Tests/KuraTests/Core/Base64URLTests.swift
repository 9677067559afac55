import Foundation
import OAuthCore
import Testing

@Suite("Base64url (RFC 4648 §5, RFC 7515 §2)")
struct Base64URLTests {
    @Test("RFC 4648 §10 test vectors encode without padding and decode back",
          arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")])
    func vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Data(plain.utf8))
    }

    @Test("The URL-safe alphabet uses - and _ instead of + and /")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == Data([0xfb, 0xff, 0xbf]))
    }

    @Test("Padding, whitespace, standard-alphabet characters and impossible lengths are rejected",
          arguments: ["Zg==", "Zm 9v", "ab+c", "ab/c", "Z", "Zm9vY", "Zm9vé", "Zm\u{0}v", "Zm9vYmFy=", "Zm9vYmF."])
    func rejectsNonStrictInput(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("A substring decodes like the same text on its own")
    func substring() {
        let text = "xxZm9vYmFyxx"
        let inner = text.dropFirst(2).dropLast(2)
        #expect(Base64URL.decode(inner) == Data("foobar".utf8))
    }

    @Test("Random byte strings round-trip through encode and decode")
    func roundTrip() {
        let random = SystemRandom()
        for length in 0..<70 {
            let bytes = random.bytes(length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == Data(bytes))
        }
    }
}
