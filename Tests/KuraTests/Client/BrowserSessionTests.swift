import Foundation
import KuraClient
import OAuthCore
import Testing

/// A scripted authorization server front channel: start → 303 → login page → consent page → 303 to the client.
struct FakeLoginServer {
    static let base = "https://as.kura.example"
    static let login = """
        <form method="post" action="/authorize/login"><input type="hidden" name="csrf_token" value="csrf&amp;1">
        <input name="username"><input name="password" type="password"><input name="otp">
        <button type="submit">Log in</button></form>
        """
    static let consent = """
        <form method='post' action='consent'><input type='hidden' name='csrf_token' value='csrf&amp;1'>
        <button type="submit" name="approve" value="approve">Allow</button>
        <button type="submit" name="deny" value="deny">Deny</button></form>
        """

    var issuer = ClientFixtures.issuer
    var acceptedOTP = "123456"

    func transport() -> ScriptedTransport {
        ScriptedTransport { request in
            let url = request.url
            let cookie = request.headers["Cookie"]
            switch (request.method, url.path) {
            case ("GET", "/authorize"):
                return .redirect("/authorize/start?x=1", url: url)
            case ("GET", "/authorize/start"):
                return .html("<title>Log in</title>" + Self.login, url: url, headers: ["Set-Cookie": "kura_session=s1; Path=/; Secure; HttpOnly; SameSite=Lax"])
            case ("POST", "/authorize/login"):
                let form = request.formParameters
                guard cookie == "kura_session=s1", form["csrf_token"] == "csrf&1" else { return .html("<p>Form expired</p>", status: 403, url: url) }
                guard form["password"] == "pw", form["otp"] == acceptedOTP else {
                    return .html(#"<p class="error">The username, password or one-time code is not correct.</p>"# + Self.login, url: url)
                }
                return .html(Self.consent, url: url)
            case ("POST", "/authorize/consent"):
                let form = request.formParameters
                guard cookie == "kura_session=s1", form["csrf_token"] == "csrf&1" else { return .html("<p>Form expired</p>", status: 403, url: url) }
                let iss = FormURLEncoding.escape(issuer)
                if form["approve"] == "approve" {
                    return .redirect("https://partner.example/callback?code=the-code&state=st&iss=\(iss)", url: url)
                }
                return .redirect("https://partner.example/callback?error=access_denied&state=st&iss=\(iss)", url: url)
            default:
                return .html("<h1>Request not possible</h1><p>This authorization request has expired.</p>", status: 400, url: url)
            }
        }
    }
}

@Suite("Browser session: login, consent and the redirect to the client (RFC 6749 §4.1.1–4.1.2)")
struct BrowserSessionTests {
    let start = URL(string: "https://as.kura.example/authorize?client_id=partner-1&request_uri=urn:x")!

    func session(_ transport: ScriptedTransport) -> BrowserSession {
        BrowserSession(transport: transport, redirectURI: ClientFixtures.redirectURI, expectedIssuer: ClientFixtures.issuer,
                       clock: ManualClock(ClientFixtures.now))
    }

    @Test("Approve: follows the 303, keeps the cookie, echoes csrf_token, and stops at the redirect URI without fetching it")
    func approve() async throws {
        let transport = FakeLoginServer().transport()
        let response = try await session(transport).authorize(url: start, username: "alice", password: "pw", otp: "123456")
        #expect(response == AuthorizationResponse(code: "the-code", state: "st", iss: ClientFixtures.issuer))
        let requests = transport.requests
        #expect(requests.map { "\($0.method) \($0.url.path)" } == [
            "GET /authorize", "GET /authorize/start", "POST /authorize/login", "POST /authorize/consent",
        ])
        let login = requests[2].formParameters
        #expect(login == ["csrf_token": "csrf&1", "username": "alice", "password": "pw", "otp": "123456"])
        #expect(requests[2].headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(requests[2].headers["Origin"] == "https://as.kura.example")
        #expect(requests[3].formParameters == ["csrf_token": "csrf&1", "approve": "approve"])
        #expect(!requests.contains { $0.url.host == "partner.example" })
    }

    @Test("Deny: presses the deny button and returns error=access_denied with state and iss")
    func deny() async throws {
        let transport = FakeLoginServer().transport()
        let response = try await session(transport).authorize(url: start, username: "alice", password: "pw", otp: "123456", approve: false)
        #expect(response.error == "access_denied")
        #expect(response.state == "st" && response.iss == ClientFixtures.issuer && response.code == nil)
        #expect(transport.requests.last?.formParameters["deny"] == "deny")
    }

    @Test("Wrong credentials: the login form coming back is reported as loginRejected with the page's message")
    func loginRejected() async throws {
        let transport = FakeLoginServer().transport()
        await #expect {
            _ = try await session(transport).authorize(url: start, username: "alice", password: "wrong", otp: "123456")
        } throws: { error in
            error as? KuraClientError == .loginRejected("The username, password or one-time code is not correct.")
        }
        #expect(transport.requests.filter { $0.url.path == "/authorize/login" }.count == 1)
    }

    @Test("A login form asking for a one-time code without one given fails with otpRequired")
    func otpRequired() async throws {
        await #expect(throws: KuraClientError.otpRequired) {
            _ = try await session(FakeLoginServer().transport()).authorize(url: start, username: "alice", password: "pw", otp: nil)
        }
    }

    @Test("An HTML error page (no redirect) is reported with its status and text")
    func errorPage() async throws {
        let bad = URL(string: "https://as.kura.example/authorize/unknown")!
        await #expect(throws: KuraClientError.authorizationPage(status: 400, message: "Request not possible This authorization request has expired.")) {
            _ = try await session(FakeLoginServer().transport()).authorize(url: bad, username: "alice", password: "pw", otp: "123456")
        }
    }

    @Test("An error page's alert text is the reported message (Kura's error template)")
    func errorPageAlert() async throws {
        let transport = ScriptedTransport { request in
            .html(#"<title>Request not possible – Kura Bank</title><h1>Request not possible</h1><p class="error" role="alert">This authorization request belongs to another application.</p><p class="muted">You can close this window.</p>"#,
                  status: 400, url: request.url)
        }
        await #expect(throws: KuraClientError.authorizationPage(status: 400, message: "This authorization request belongs to another application.")) {
            _ = try await session(transport).authorize(url: start, username: "alice", password: "pw", otp: "123456")
        }
    }

    @Test("A redirect to the client with another issuer's iss is rejected (RFC 9207 §2.4, mix-up defence)")
    func issuerMismatch() async throws {
        var server = FakeLoginServer()
        server.issuer = "https://attacker.example"
        await #expect(throws: KuraClientError.issuerMismatch(expected: ClientFixtures.issuer, actual: "https://attacker.example")) {
            _ = try await session(server.transport()).authorize(url: start, username: "alice", password: "pw", otp: "123456")
        }
    }

    @Test("The redirect URI is recognised by scheme, host, port and path only")
    func redirectURIMatching() {
        let session = session(FakeLoginServer().transport())
        #expect(session.isRedirectURI(URL(string: "https://partner.example/callback?code=x")!))
        #expect(session.isRedirectURI(URL(string: "HTTPS://Partner.Example:443/callback")!))
        #expect(!session.isRedirectURI(URL(string: "https://partner.example/callback2")!))
        #expect(!session.isRedirectURI(URL(string: "https://partner.example:8443/callback")!))
        #expect(!session.isRedirectURI(URL(string: "http://partner.example/callback")!))
    }
}
