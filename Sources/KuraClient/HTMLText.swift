/// The visible text of a page, for error messages: what a person would read on an error or login-failure page.
public enum HTMLText {
    /// Text outside tags, `script` and `style`, whitespace-collapsed and cut to `limit` characters.
    public static func summary(_ html: String, limit: Int = 300) -> String {
        var inHiddenElement: String?
        var words: [Substring] = []
        for token in HTMLScanner.tokens(html) {
            switch token {
            case .start(let name, _, let selfClosing):
                if ["script", "style"].contains(name), !selfClosing { inHiddenElement = name }
            case .end(let name):
                if name == inHiddenElement { inHiddenElement = nil }
            case .text(let text):
                if inHiddenElement == nil { words += text.split(whereSeparator: \.isWhitespace) }
            }
        }
        let text = words.joined(separator: " ")
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
