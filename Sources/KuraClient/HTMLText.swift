/// The visible text of a page, for error messages: what a person would read on an error or login-failure page.
public enum HTMLText {
    /// The page's message for a person: the text of its first alert (`role="alert"` or a class `error`), which is
    /// where Kura's pages put what went wrong; otherwise the whole visible text (`summary`).
    public static func message(_ html: String, limit: Int = 300) -> String {
        var alertElement: String?
        var words: [Substring] = []
        for token in HTMLScanner.tokens(html) {
            switch token {
            case .start(let name, let attributes, _) where alertElement == nil:
                let classes = (attributes["class"] ?? "").split(separator: " ")
                if attributes["role"]?.lowercased() == "alert" || classes.contains("error") { alertElement = name }
            case .end(let name) where name == alertElement:
                if !words.isEmpty { return cut(words.joined(separator: " "), limit) }
                alertElement = nil
            case .text(let text) where alertElement != nil:
                words += text.split(whereSeparator: \.isWhitespace)
            default:
                continue
            }
        }
        return words.isEmpty ? summary(html, limit: limit) : cut(words.joined(separator: " "), limit)
    }

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
        return cut(words.joined(separator: " "), limit)
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
