/// A small, forgiving HTML tokenizer: enough of WHATWG HTML §13.2.5 to read forms from server-rendered pages.
///
/// It yields start tags (lower-cased names, attributes in any order, double-, single- or un-quoted values, entities
/// decoded), end tags and text. Comments, doctypes and processing instructions are skipped; the contents of
/// `script`, `style`, `textarea` and `title` are read as raw text up to their end tag.
struct HTMLScanner {
    enum Token: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    static let rawTextElements: Set<String> = ["script", "style", "textarea", "title"]

    let scalars: [Unicode.Scalar]
    var index = 0
    /// Set after the start tag of a raw-text element: the next token is its contents.
    var rawTextElement: String?

    init(_ html: String) { scalars = Array(html.unicodeScalars) }

    /// All tokens of the document, in order.
    static func tokens(_ html: String) -> [Token] {
        var scanner = HTMLScanner(html)
        var tokens: [Token] = []
        while let token = scanner.next() { tokens.append(token) }
        return tokens
    }

    mutating func next() -> Token? {
        if let element = rawTextElement {
            rawTextElement = nil
            let raw = rawText(until: element)
            if !raw.isEmpty { return .text(element == "script" || element == "style" ? raw : HTMLEntities.decode(raw)) }
        }
        while index < scalars.count {
            if scalars[index] == "<" {
                if starts(with: "<!--") {
                    skip(past: "-->")
                    continue
                }
                if starts(with: "<!") || starts(with: "<?") {
                    skip(past: ">")
                    continue
                }
                if index + 1 < scalars.count, scalars[index + 1] == "/" {
                    index += 2
                    let name = readName()
                    skip(past: ">")
                    if name.isEmpty { continue }
                    return .end(name: name)
                }
                if index + 1 < scalars.count, scalars[index + 1].properties.isAlphabetic {
                    index += 1
                    return startTag()
                }
            }
            return .text(HTMLEntities.decode(readText()))
        }
        return nil
    }

    mutating func startTag() -> Token {
        let name = readName()
        var attributes: [String: String] = [:]
        var selfClosing = false
        while index < scalars.count {
            skipWhitespace()
            guard index < scalars.count else { break }
            let c = scalars[index]
            if c == ">" { index += 1; break }
            if c == "/" { selfClosing = true; index += 1; continue }
            let attribute = readAttributeName()
            if attribute.isEmpty { index += 1; continue }
            selfClosing = false
            skipWhitespace()
            var value = ""
            if index < scalars.count, scalars[index] == "=" {
                index += 1
                skipWhitespace()
                value = HTMLEntities.decode(readAttributeValue())
            }
            if attributes[attribute] == nil { attributes[attribute] = value }  // §13.2.5.33: first one wins
        }
        if Self.rawTextElements.contains(name), !selfClosing { rawTextElement = name }
        return .start(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    /// The contents of a raw-text element, up to (not including) its end tag.
    mutating func rawText(until element: String) -> String {
        let start = index
        while index < scalars.count {
            if scalars[index] == "<", starts(with: "</" + element, caseInsensitive: true) { break }
            index += 1
        }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    mutating func readName() -> String {
        let start = index
        while index < scalars.count, !isWhitespace(scalars[index]), scalars[index] != "/", scalars[index] != ">" { index += 1 }
        return String(String.UnicodeScalarView(scalars[start..<index])).lowercased()
    }

    mutating func readAttributeName() -> String {
        let start = index
        while index < scalars.count, !isWhitespace(scalars[index]), !["/", ">", "="].contains(scalars[index]) { index += 1 }
        return String(String.UnicodeScalarView(scalars[start..<index])).lowercased()
    }

    mutating func readAttributeValue() -> String {
        guard index < scalars.count else { return "" }
        let quote = scalars[index]
        if quote == "\"" || quote == "'" {
            index += 1
            let start = index
            while index < scalars.count, scalars[index] != quote { index += 1 }
            defer { if index < scalars.count { index += 1 } }
            return String(String.UnicodeScalarView(scalars[start..<index]))
        }
        let start = index
        while index < scalars.count, !isWhitespace(scalars[index]), scalars[index] != ">" { index += 1 }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    mutating func readText() -> String {
        let start = index
        index += 1
        while index < scalars.count, scalars[index] != "<" { index += 1 }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    func starts(with prefix: String, caseInsensitive: Bool = false) -> Bool {
        var i = index
        for p in prefix.unicodeScalars {
            guard i < scalars.count else { return false }
            let c = scalars[i]
            let same = caseInsensitive ? String(c).lowercased() == String(p).lowercased() : c == p
            guard same else { return false }
            i += 1
        }
        return true
    }

    mutating func skip(past terminator: String) {
        while index < scalars.count, !starts(with: terminator) { index += 1 }
        index = min(scalars.count, index + terminator.unicodeScalars.count)
    }

    mutating func skipWhitespace() {
        while index < scalars.count, isWhitespace(scalars[index]) { index += 1 }
    }

    func isWhitespace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}" }
}

/// Character references (WHATWG HTML §13.5): the named ones server templates emit, and every numeric one.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "#39": "'",
    ]

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let afterAmp = rest[rest.index(after: amp)...]
            if let semicolon = afterAmp.prefix(12).firstIndex(of: ";"), let decoded = reference(String(afterAmp[..<semicolon])) {
                out += decoded
                rest = afterAmp[afterAmp.index(after: semicolon)...]
            } else {
                out += "&"
                rest = afterAmp
            }
        }
        return out + rest
    }

    static func reference(_ name: String) -> String? {
        if let named = named[name] { return named }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return String(scalar)
    }
}
