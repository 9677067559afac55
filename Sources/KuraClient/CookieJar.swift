import Foundation

/// A cookie store for `BrowserSession` (RFC 6265 §5.2 parsing, §5.3 storage model, §5.4 the `Cookie` header).
///
/// Every request a browser session makes is a same-site, top-level navigation or form POST to the authorization
/// server, so `SameSite` (RFC 6265bis §5.4.7) never withholds a cookie here and is only recorded. `Secure` cookies are
/// stored from and sent to secure origins only: `https`, or a loopback host, which browsers treat as potentially
/// trustworthy (W3C Secure Contexts §3.2) and end-to-end tests use.
public struct CookieJar: Sendable, Hashable {
    /// One stored cookie (RFC 6265 §5.3 step 2's record, without the creation and access times).
    public struct Cookie: Sendable, Hashable {
        public var name: String
        public var value: String
        /// Lower-cased; with `hostOnly` the exact host, else the `Domain` attribute (§5.2.3).
        public var domain: String
        public var hostOnly: Bool
        public var path: String
        public var secure: Bool
        public var httpOnly: Bool
        public var sameSite: String?
        /// Nil for a session cookie.
        public var expires: Date?
    }

    public private(set) var cookies: [Cookie] = []

    public init() {}

    /// Stores every `Set-Cookie` of `response` (RFC 6265 §5.3).
    public mutating func store(from response: HTTPResponseMessage, now: Date) {
        for header in response.headers.values(for: "Set-Cookie") { store(setCookie: header, from: response.url, now: now) }
    }

    /// Parses one `Set-Cookie` value received from `url` and stores, replaces or (when expired) deletes the cookie.
    public mutating func store(setCookie header: String, from url: URL, now: Date) {
        guard let host = url.host?.lowercased(), var cookie = Self.parse(header, now: now) else { return }
        if cookie.domain.isEmpty {
            cookie.domain = host
            cookie.hostOnly = true
        } else if !Self.domainMatches(host, cookie.domain) {
            return  // §5.3 step 6: a domain attribute that does not cover the origin is ignored with the cookie
        }
        if cookie.path.isEmpty || !cookie.path.hasPrefix("/") { cookie.path = Self.defaultPath(of: url) }
        if cookie.secure, !Self.isSecureOrigin(url) { return }  // RFC 6265bis §5.7 step 8
        cookies.removeAll { $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path }
        if let expires = cookie.expires, expires <= now { return }
        cookies.append(cookie)
    }

    /// The `Cookie` header value for a request to `url` (RFC 6265 §5.4), longest paths first; nil when none match.
    public func cookieHeader(for url: URL, now: Date) -> String? {
        guard let host = url.host?.lowercased() else { return nil }
        let path = url.path.isEmpty ? "/" : url.path
        let secure = Self.isSecureOrigin(url)
        let matching = cookies.filter { cookie in
            (cookie.hostOnly ? host == cookie.domain : Self.domainMatches(host, cookie.domain))
                && Self.pathMatches(path, cookie.path) && (!cookie.secure || secure)
                && (cookie.expires.map { $0 > now } ?? true)
        }
        guard !matching.isEmpty else { return nil }
        return matching.sorted { $0.path.count > $1.path.count }.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    /// RFC 6265 §5.2: name-value pair, then attributes; unknown attributes ignored. Returns nil for a nameless
    /// or malformed pair. `domain`/`path` are left empty when absent for the caller to default.
    static func parse(_ header: String, now: Date) -> Cookie? {
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        guard let pair = parts.first, let eq = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<eq].trimmingCharacters(in: .whitespaces)
        let value = pair[pair.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        var cookie = Cookie(
            name: name, value: value, domain: "", hostOnly: false, path: "", secure: false, httpOnly: false,
            sameSite: nil, expires: nil)
        var maxAgeSeen = false
        for attribute in parts.dropFirst() {
            let pieces = attribute.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
            let argument = pieces.count > 1 ? pieces[1].trimmingCharacters(in: .whitespaces) : ""
            switch key {
            case "expires" where !maxAgeSeen:  // §5.3 step 3: Max-Age wins over Expires
                if let date = parseDate(argument) { cookie.expires = date }
            case "max-age":
                guard let seconds = Int(argument) else { continue }
                maxAgeSeen = true
                cookie.expires = seconds <= 0 ? .distantPast : now.addingTimeInterval(TimeInterval(seconds))
            case "domain":
                var domain = argument.lowercased()
                if domain.hasPrefix(".") { domain.removeFirst() }
                cookie.domain = domain
            case "path": cookie.path = argument
            case "secure": cookie.secure = true
            case "httponly": cookie.httpOnly = true
            case "samesite": cookie.sameSite = argument
            default: continue
            }
        }
        return cookie
    }

    /// RFC 6265 §5.1.3.
    static func domainMatches(_ host: String, _ domain: String) -> Bool {
        host == domain || (host.hasSuffix("." + domain) && !host.allSatisfy { $0.isNumber || $0 == "." })
    }

    /// RFC 6265 §5.1.4.
    static func pathMatches(_ requestPath: String, _ cookiePath: String) -> Bool {
        requestPath == cookiePath
            || (requestPath.hasPrefix(cookiePath) && (cookiePath.hasSuffix("/") || requestPath.dropFirst(cookiePath.count).hasPrefix("/")))
    }

    /// RFC 6265 §5.1.4 default-path: the request path up to, not including, its right-most `/`, or `/`.
    static func defaultPath(of url: URL) -> String {
        let path = url.path
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func isSecureOrigin(_ url: URL) -> Bool {
        if url.scheme?.lowercased() == "https" { return true }
        let host = (url.host ?? "").lowercased()
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// The HTTP-date forms of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime).
    static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE, dd-MMM-yyyy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
