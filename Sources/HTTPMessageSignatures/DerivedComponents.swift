import Foundation

/// Derived component values (RFC 9421 §2.2): `@method`, `@target-uri`, `@authority`, `@scheme`, `@request-target`,
/// `@path`, `@query`, `@query-param` and `@status`.
enum DerivedComponents {
    /// The value(s) of derived `component` in `message` (one line each; only `@query-param` can have several).
    static func values(_ component: HTTPSignatureComponent, in message: HTTPSignedMessage) throws(HTTPSignatureError) -> [String] {
        let name = component.name
        let extra = component.parameterNames.filter { $0 != "req" && !(name == "@query-param" && $0 == "name") }
        guard extra.isEmpty else { throw HTTPSignatureError("\(name) does not take the \(extra[0]) parameter") }
        if name == "@status" {
            // §2.2.9: only responses have a status, and `;req` would name the request's, which has none.
            guard case .response(let response, _) = message, !component.has("req") else {
                throw HTTPSignatureError("@status is only defined for a response")
            }
            guard (100...999).contains(response.status) else { throw HTTPSignatureError("The status code is invalid") }
            return [String(response.status)]
        }
        let request: HTTPSignatureRequest
        switch message {
        case .request(let r):
            guard !component.has("req") else { throw HTTPSignatureError("The req flag is only allowed in a response signature") }
            request = r
        case .response(_, let r):
            // §2.4: a response signature refers to request-derived components only through `req`.
            guard component.has("req"), let r else {
                throw HTTPSignatureError("\(name) in a response signature needs the req flag and the request")
            }
            request = r
        }
        if name == "@method" {
            guard !request.method.isEmpty, request.method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw HTTPSignatureError("The request method is invalid")
            }
            return [request.method]
        }
        let uri = try TargetURI(request.targetURI)
        switch name {
        case "@target-uri": return [uri.targetURI]
        case "@authority": return [uri.normalizedAuthority]
        case "@scheme": return [uri.scheme]
        case "@request-target": return [uri.requestTarget]
        case "@path": return [uri.normalizedPath]
        case "@query": return [uri.queryComponent]
        case "@query-param": return try queryParameter(component, uri)
        default: throw HTTPSignatureError("Unknown derived component \(name.prefix(40))")
        }
    }

    /// `@query-param;name=` (§2.2.8): the values of the named parameter, parsed as
    /// `application/x-www-form-urlencoded` and re-encoded with spaces as `%20`; one line per occurrence.
    static func queryParameter(_ component: HTTPSignatureComponent, _ uri: TargetURI) throws(HTTPSignatureError) -> [String] {
        guard let encodedName = component.string("name") else {
            throw HTTPSignatureError("@query-param needs a name parameter")
        }
        let wanted = formDecode(encodedName)
        let values = (uri.query ?? "").split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return formDecode(String(parts[0])) == wanted ? formDecode(parts.count > 1 ? String(parts[1]) : "") : nil
        }
        guard !values.isEmpty else { throw HTTPSignatureError("The query parameter \(encodedName.prefix(40)) is absent") }
        return values.map(formEncode)
    }

    /// WHATWG URL §5.1 urlencoded parsing of one name or value: `+` is a space, then percent-decoding.
    static func formDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                let pair = [iterator.next(), iterator.next()]
                if let hi = pair[0], let lo = pair[1], let value = UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    bytes.append(contentsOf: pair.compactMap { $0 })
                }
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `application/x-www-form-urlencoded` percent-encode set, but a space is `%20` (RFC 9421 §2.2.8).
    static func formEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || "*-._".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
