/// Normalises an HTTP(S) URI for the DPoP `htu` comparison (RFC 9449 §4.3 check 9): query and fragment are dropped,
/// then RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation is applied.
///
/// - scheme and host are lowercased (§6.2.2.1);
/// - percent-encodings get uppercase hex digits, and encoded unreserved characters are decoded (§6.2.2.1–6.2.2.2);
/// - dot segments are removed (§6.2.2.3, the algorithm of §5.2.4);
/// - an empty or default port (443 for https, 80 for http) is dropped and an empty path becomes `/` (§6.2.3).
///
/// Only absolute `http`/`https` URIs with a host and no userinfo are accepted; anything else yields nil, which the
/// verifier treats as "does not match".
public enum HTUNormalization {
    /// Whether the proof's `htu` names the request URI (RFC 9449 §4.3 check 9): both without query and fragment, equal
    /// after normalisation. A client usually sends the URI exactly as the server sees it; then one normalisation (to
    /// check that it is an acceptable URI at all) is enough.
    public static func matches(_ htu: String, requestURI: String) -> Bool {
        if target(of: htu).elementsEqual(target(of: requestURI)) { return normalize(htu) != nil }
        guard let proof = normalize(htu), let request = normalize(requestURI) else { return false }
        return proof == request
    }

    /// The bytes of `uri` before the first `?` or `#` byte (cut on bytes, not Characters, so a combining mark after `?`
    /// cannot hide it; `normalize` and `matches` cut the same way).
    private static func target(of uri: String) -> Substring.UTF8View {
        let utf8 = uri.utf8
        let end = utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? utf8.endIndex
        return uri[..<end].utf8
    }

    /// The normal form of `uri` without query and fragment, or nil when `uri` is not an acceptable HTTP(S) URI.
    public static func normalize(_ uri: String) -> String? {
        let target = Substring(target(of: uri))
        guard let colon = target.firstIndex(of: ":") else { return nil }
        let scheme = target[..<colon].lowercased()
        let defaultPort: Int
        switch scheme {
        case "https": defaultPort = 443
        case "http": defaultPort = 80
        default: return nil
        }
        let rest = target[target.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        let hierarchy = rest.dropFirst(2)
        let authority = hierarchy.prefix { $0 != "/" }
        let path = hierarchy.dropFirst(authority.count)
        guard let (host, port) = splitAuthority(authority), let hostText = normalizeComponent(host, allowed: hostChars),
            !hostText.isEmpty, let pathText = normalizeComponent(path, allowed: pathChars)
        else { return nil }
        var result = scheme + "://" + hostText.lowercased()
        if let port, port != defaultPort { result += ":\(port)" }
        return result + removeDotSegments(pathText)
    }

    /// Splits `host[:port]` (RFC 3986 §3.2.2–3.2.3); an IPv6 literal keeps its brackets. Userinfo is refused.
    private static func splitAuthority(_ authority: Substring) -> (host: Substring, port: Int?)? {
        guard !authority.contains("@") else { return nil }
        let hostEnd: Substring.Index
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostEnd = authority.index(after: close)
        } else {
            hostEnd = authority.firstIndex(of: ":") ?? authority.endIndex
            guard !authority[..<hostEnd].contains(where: { $0 == "[" || $0 == "]" }) else { return nil }
        }
        let host = authority[..<hostEnd]
        let portPart = authority[hostEnd...]
        guard !portPart.isEmpty else { return (host, nil) }
        guard portPart.first == ":" else { return nil }
        let digits = portPart.dropFirst()
        guard !digits.isEmpty else { return (host, nil) }
        guard digits.count <= 5, digits.allSatisfy(\.isASCIIDigit), let port = Int(digits), port <= 65535 else {
            return nil
        }
        return (host, port)
    }

    /// Validates a component against its ASCII character set and normalises its percent-encodings (§6.2.2.1–2).
    private static func normalizeComponent(_ text: Substring, allowed: (UInt8) -> Bool) -> String? {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                    return nil
                }
                let decoded = high << 4 | low
                if isUnreserved(decoded) {
                    out.append(decoded)
                } else {
                    out += Array("%\(String(decoded, radix: 16, uppercase: true).leftPadded(2))".utf8)
                }
            } else {
                guard allowed(byte) else { return nil }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 §5.2.4 `remove_dot_segments` for an absolute path; the empty path becomes `/` (§6.2.3).
    private static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var output: [Substring] = []
        for (offset, segment) in segments.enumerated() {
            let isLast = offset == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 §2.3).
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `sub-delims` (RFC 3986 §2.2).
    private static func isSubDelim(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            true
        default: false
        }
    }

    /// `reg-name` / `IP-literal` characters (RFC 3986 §3.2.2), percent signs handled separately.
    private static func hostChars(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelim(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: ":")
    }

    /// `path-abempty` characters: `pchar` and `/` (RFC 3986 §3.3), percent signs handled separately.
    private static func pathChars(_ byte: UInt8) -> Bool {
        isUnreserved(byte) || isSubDelim(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
            || byte == UInt8(ascii: "/")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
