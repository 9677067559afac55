import Foundation
import HTTPMessageSignatures
import Testing

/// RFC 9421 §2.1–2.2 component values, with the section's own examples.
@Suite("HTTPSignatures: RFC 9421 §2 component values")
struct HTTPSignatureComponentTests {
    let request = HTTPSignatureRequest(
        method: "POST", targetURI: "https://www.example.com/path?param=value&foo=bar&baz=batman&qux=&name=a%20b+c",
        headers: [
            ("Host", "www.example.com"), ("X-OWS-Header", "   Leading and trailing whitespace.   "),
            ("X-Obs-Fold-Header", "Obsolete\r\n    line folding."), ("Cache-Control", "max-age=60"),
            ("Cache-Control", "   must-revalidate"), ("Example-Header", "value, with, lots"), ("Example-Header", "of, commas"),
            ("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,   sha-512=:AAAA:;p=1"),
        ], body: [])

    /// The one line `component` contributes to a signature base of `message`.
    func line(_ component: HTTPSignatureComponent, _ message: HTTPSignedMessage? = nil) throws -> String {
        let base = try HTTPSignatureInput(components: [component], parameters: HTTPSignatureParameters())
            .signatureBase(for: message ?? .request(request))
        return String(String(decoding: base, as: UTF8.self).split(separator: "\n")[0])
    }

    @Test("§2.2 derived components of a request")
    func derived() throws {
        #expect(try line(.init("@method")) == #""@method": POST"#)
        #expect(try line(.init("@target-uri")) == #""@target-uri": https://www.example.com/path?param=value&foo=bar&baz=batman&qux=&name=a%20b+c"#)
        #expect(try line(.init("@authority")) == #""@authority": www.example.com"#)
        #expect(try line(.init("@scheme")) == #""@scheme": https"#)
        #expect(try line(.init("@request-target")) == #""@request-target": /path?param=value&foo=bar&baz=batman&qux=&name=a%20b+c"#)
        #expect(try line(.init("@path")) == #""@path": /path"#)
        #expect(try line(.init("@query")) == #""@query": ?param=value&foo=bar&baz=batman&qux=&name=a%20b+c"#)
        #expect(try line(.init("@query-param", queryParameterName: "baz")) == #""@query-param";name="baz": batman"#)
        #expect(try line(.init("@query-param", queryParameterName: "qux")) == #""@query-param";name="qux": "#)
        #expect(try line(.init("@query-param", queryParameterName: "name")) == #""@query-param";name="name": a%20b%20c"#)
        #expect(throws: HTTPSignatureError.self) { try line(.init("@query-param", queryParameterName: "absent")) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("@status")) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("@unknown")) }
    }

    @Test("§2.2.3: @authority is lowercased without the default port; @query of a URI without query is ?")
    func authority() throws {
        let other = HTTPSignatureRequest(method: "GET", targetURI: "https://WWW.Example.com:443", headers: [], body: [])
        #expect(try line(.init("@authority"), .request(other)) == #""@authority": www.example.com"#)
        #expect(try line(.init("@path"), .request(other)) == #""@path": /"#)
        #expect(try line(.init("@query"), .request(other)) == #""@query": ?"#)
        let port = HTTPSignatureRequest(method: "GET", targetURI: "https://bank.example:8443/a", headers: [], body: [])
        #expect(try line(.init("@authority"), .request(port)) == #""@authority": bank.example:8443"#)
    }

    @Test("§2.2: target URIs — IPv6 literal with port, uppercase scheme, fragment dropped; relative, userinfo, bad scheme or port refused")
    func targetURIForms() throws {
        let ipv6 = HTTPSignatureRequest(method: "GET", targetURI: "HTTPS://[2001:DB8::1]:8443/a?b=c#frag", headers: [], body: [])
        #expect(try line(.init("@authority"), .request(ipv6)) == #""@authority": [2001:db8::1]:8443"#)
        #expect(try line(.init("@scheme"), .request(ipv6)) == #""@scheme": https"#)
        #expect(try line(.init("@target-uri"), .request(ipv6)) == #""@target-uri": https://[2001:DB8::1]:8443/a?b=c"#)
        #expect(try line(.init("@request-target"), .request(ipv6)) == #""@request-target": /a?b=c"#)
        let query = HTTPSignatureRequest(method: "GET", targetURI: "http://h.example:80?x", headers: [], body: [])
        #expect(try line(.init("@authority"), .request(query)) == #""@authority": h.example"#)
        #expect(try line(.init("@target-uri"), .request(query)) == #""@target-uri": http://h.example:80/?x"#)
        for bad in ["/relative/path", "https://user@h.example/", "ht_tp://h.example/", "1http://h.example/", "https://h.example:8x4/",
                    "https:///nohost", "https://h.example/ space", "://h.example/"] {
            let request = HTTPSignatureRequest(method: "GET", targetURI: bad, headers: [], body: [])
            #expect(throws: HTTPSignatureError.self, "\(bad)") { try line(.init("@target-uri"), .request(request)) }
        }
    }

    @Test("§2.1 header fields: case-insensitive, trimmed, obs-fold removed, repeated lines joined with comma-space")
    func fields() throws {
        #expect(try line(.init("x-ows-header")) == #""x-ows-header": Leading and trailing whitespace."#)
        #expect(try line(.init("x-obs-fold-header")) == #""x-obs-fold-header": Obsolete line folding."#)
        #expect(try line(.init("cache-control")) == #""cache-control": max-age=60, must-revalidate"#)
        #expect(throws: HTTPSignatureError("The message has no absent field")) { try line(.init("absent")) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("Cache-Control")) }
    }

    @Test("§2.1.1 sf, §2.1.2 key and §2.1.3 bs")
    func structured() throws {
        #expect(try line(.init("content-digest", sf: true))
            == #""content-digest";sf: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:;p=1"#)
        #expect(try line(.init("content-digest", key: "sha-512")) == #""content-digest";key="sha-512": :AAAA:;p=1"#)
        #expect(try line(.init("example-header", bs: true)) == #""example-header";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:"#)
        #expect(throws: HTTPSignatureError.self) { try line(.init("content-digest", key: "md5")) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("example-header", sf: true)) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("example-header", sf: true, bs: true)) }
    }

    @Test("§2.4 req: a response signature reads request components only with req; @status only from the response")
    func requestResponse() throws {
        let response = HTTPSignatureResponse(status: 503, headers: [("Content-Type", "text/plain")], body: [])
        let message = HTTPSignedMessage.response(response, request: request)
        #expect(try line(.init("@status"), message) == #""@status": 503"#)
        #expect(try line(.init("@method", req: true), message) == #""@method";req: POST"#)
        #expect(try line(.init("cache-control", req: true), message) == #""cache-control";req: max-age=60, must-revalidate"#)
        #expect(throws: HTTPSignatureError.self) { try line(.init("@method"), message) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("@status", req: true), message) }
        #expect(throws: HTTPSignatureError.self) { try line(.init("@method", req: true)) }
    }

    @Test("§2.5: a component covered twice is refused")
    func duplicates() throws {
        let input = HTTPSignatureInput(components: [try .init("@method"), try .init("@method")], parameters: HTTPSignatureParameters())
        #expect(throws: HTTPSignatureError("The component \"@method\" is covered twice")) {
            try input.signatureBase(for: .request(request))
        }
    }
}
