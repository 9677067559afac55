import Foundation

/// The parts of an absolute target URI (RFC 3986 §3; RFC 9110 §7.1) that RFC 9421 §2.2.2–2.2.8 derive components from.
///
/// Strict: the URI must be absolute `scheme://authority[path][?query]` in printable ASCII without userinfo; the
/// fragment, never sent in HTTP, is dropped (RFC 9110 §7.1).
struct TargetURI: Sendable {
    let scheme: String
    let authority: String
    let host: String
    let port: String?
    /// The path as sent (still percent-encoded); may be empty.
    let path: String
    /// The query without its `?`, or nil when there is no `?`.
    let query: String?

    init(_ text: String) throws(HTTPSignatureError) {
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPSignatureError("The target URI must be printable ASCII")
        }
        var rest = Substring(text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        guard let separator = rest.range(of: "://"), !rest[..<separator.lowerBound].isEmpty else {
            throw HTTPSignatureError("The target URI must be absolute")
        }
        scheme = rest[..<separator.lowerBound].lowercased()
        guard scheme.first!.isLetter, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
            throw HTTPSignatureError("The target URI has an invalid scheme")
        }
        rest = rest[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        authority = String(rest[..<authorityEnd])
        guard !authority.isEmpty, !authority.contains("@") else {
            throw HTTPSignatureError("The target URI must have a host and no userinfo")
        }
        rest = rest[authorityEnd...]
        if let question = rest.firstIndex(of: "?") {
            path = String(rest[..<question])
            query = String(rest[rest.index(after: question)...])
        } else {
            path = String(rest)
            query = nil
        }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close]).lowercased()
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? String(after.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon].lowercased()
            port = String(authority[authority.index(after: colon)...])
        } else {
            host = authority.lowercased()
            port = nil
        }
        guard port?.allSatisfy(\.isNumber) ?? true else { throw HTTPSignatureError("The target URI has an invalid port") }
    }

    /// `@target-uri` (§2.2.2): the absolute URI without fragment, an empty path written as `/`.
    var targetURI: String { "\(scheme)://\(authority)\(normalizedPath)" + (query.map { "?" + $0 } ?? "") }

    /// `@authority` (§2.2.3; RFC 9110 §4.2.3): lowercase host, default port omitted.
    var normalizedAuthority: String {
        let defaultPort = ["http": "80", "https": "443"][scheme]
        guard let port, !port.isEmpty, port != defaultPort else { return host }
        return "\(host):\(port)"
    }

    /// `@path` (§2.2.6): the absolute path, `/` when empty.
    var normalizedPath: String { path.isEmpty ? "/" : path }

    /// `@query` (§2.2.7): `?` and the query, or `?` alone when there is none.
    var queryComponent: String { "?" + (query ?? "") }

    /// `@request-target` (§2.2.5): the origin-form request target (RFC 9112 §3.2.1).
    var requestTarget: String { normalizedPath + (query.map { "?" + $0 } ?? "") }
}
