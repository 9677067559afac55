import Foundation
import KuraClient
import Testing

@Suite("Cookie jar (RFC 6265 §5.2–5.4)")
struct CookieJarTests {
    let now = ClientFixtures.now
    let start = URL(string: "https://as.kura.example/authorize/start?client_id=x")!

    @Test("Kura's session cookie (Secure, HttpOnly, SameSite=Lax, Path=/) is parsed and sent back")
    func kuraSessionCookie() throws {
        var jar = CookieJar()
        jar.store(setCookie: "kura_session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600", from: start, now: now)
        let cookie = try #require(jar.cookies.first)
        #expect(cookie.name == "kura_session" && cookie.value == "abc123")
        #expect(cookie.secure && cookie.httpOnly && cookie.sameSite == "Lax" && cookie.path == "/" && cookie.hostOnly)
        #expect(cookie.expires == now.addingTimeInterval(600))
        #expect(jar.cookieHeader(for: URL(string: "https://as.kura.example/authorize/login")!, now: now) == "kura_session=abc123")
    }

    @Test("Set-Cookie headers of a response are stored separately, never comma-split")
    func storesEveryHeader() {
        var headers = HTTPHeaderFields()
        headers.add("Set-Cookie", "a=1; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Path=/")
        headers.add("set-cookie", "b=2; Path=/")
        var jar = CookieJar()
        jar.store(from: HTTPResponseMessage(status: 200, headers: headers, url: start), now: now)
        #expect(jar.cookies.map(\.name) == ["a", "b"])
        #expect(jar.cookies[0].expires != nil)
        #expect(jar.cookieHeader(for: start, now: now) == "a=1; b=2")
    }

    @Test("Path matching: a cookie for /authorize goes to /authorize and below, not to /token or /authorizex")
    func pathMatching() {
        var jar = CookieJar()
        jar.store(setCookie: "s=1; Path=/authorize", from: start, now: now)
        func sent(_ path: String) -> Bool { jar.cookieHeader(for: URL(string: "https://as.kura.example\(path)")!, now: now) != nil }
        #expect(sent("/authorize"))
        #expect(sent("/authorize/login"))
        #expect(!sent("/token"))
        #expect(!sent("/authorizex"))
        #expect(!sent("/"))
    }

    @Test("Without a Path attribute the default path is the request path up to its last slash (§5.1.4)")
    func defaultPath() {
        var jar = CookieJar()
        jar.store(setCookie: "s=1", from: URL(string: "https://as.kura.example/authorize/start")!, now: now)
        #expect(jar.cookies.first?.path == "/authorize")
        jar.store(setCookie: "t=1", from: URL(string: "https://as.kura.example/start")!, now: now)
        #expect(jar.cookies.last?.path == "/")
    }

    @Test("Longer paths come first in the Cookie header")
    func ordering() {
        var jar = CookieJar()
        jar.store(setCookie: "root=1; Path=/", from: start, now: now)
        jar.store(setCookie: "deep=2; Path=/authorize", from: start, now: now)
        #expect(jar.cookieHeader(for: URL(string: "https://as.kura.example/authorize/login")!, now: now) == "deep=2; root=1")
    }

    @Test("A Secure cookie is neither stored from nor sent to an insecure (non-loopback http) origin")
    func secureCookies() {
        var jar = CookieJar()
        jar.store(setCookie: "s=1; Secure; Path=/", from: URL(string: "http://as.kura.example/")!, now: now)
        #expect(jar.cookies.isEmpty)
        jar.store(setCookie: "s=1; Secure; Path=/", from: start, now: now)
        #expect(jar.cookieHeader(for: URL(string: "http://as.kura.example/authorize")!, now: now) == nil)
        #expect(jar.cookieHeader(for: URL(string: "https://as.kura.example/authorize")!, now: now) == "s=1")
    }

    @Test("Loopback http origins count as secure, as browsers treat localhost")
    func loopbackIsSecure() {
        var jar = CookieJar()
        let local = URL(string: "http://127.0.0.1:8080/authorize")!
        jar.store(setCookie: "s=1; Secure; Path=/", from: local, now: now)
        #expect(jar.cookieHeader(for: local, now: now) == "s=1")
    }

    @Test("Host-only cookies stay on their host; a Domain attribute covers subdomains; a foreign Domain is refused")
    func domains() {
        var jar = CookieJar()
        jar.store(setCookie: "host=1; Path=/", from: start, now: now)
        jar.store(setCookie: "dom=2; Domain=kura.example; Path=/", from: start, now: now)
        jar.store(setCookie: "evil=3; Domain=other.example; Path=/", from: start, now: now)
        #expect(jar.cookies.map(\.name) == ["host", "dom"])
        #expect(jar.cookieHeader(for: URL(string: "https://api.kura.example/")!, now: now) == "dom=2")
        #expect(jar.cookieHeader(for: URL(string: "https://kura.example/")!, now: now) == "dom=2")
    }

    @Test("Max-Age=0 deletes, a new value replaces, and expired cookies are not sent")
    func lifetimes() {
        var jar = CookieJar()
        jar.store(setCookie: "s=1; Path=/; Max-Age=60", from: start, now: now)
        jar.store(setCookie: "s=2; Path=/; Max-Age=60", from: start, now: now)
        #expect(jar.cookies.count == 1 && jar.cookies[0].value == "2")
        #expect(jar.cookieHeader(for: start, now: now.addingTimeInterval(59)) == "s=2")
        #expect(jar.cookieHeader(for: start, now: now.addingTimeInterval(61)) == nil)
        jar.store(setCookie: "s=gone; Path=/; Max-Age=0", from: start, now: now)
        #expect(jar.cookies.isEmpty)
    }

    @Test("Malformed Set-Cookie values are ignored")
    func malformed() {
        var jar = CookieJar()
        jar.store(setCookie: "no-equals-sign", from: start, now: now)
        jar.store(setCookie: "=value", from: start, now: now)
        #expect(jar.cookies.isEmpty)
    }
}
