import Foundation
import OAuthCore

/// Plays the user's browser in the authorization-code flow (RFC 6749 §4.1.1–4.1.2) against Kura's HTML pages.
///
/// Keeps cookies (RFC 6265), follows redirects by hand, fills the login form (`username`, `password`, `otp` plus
/// every hidden input such as `csrf_token`) and presses `approve` or `deny` on the consent form. It stops at the first
/// redirect whose target is the client's redirect URI and parses that URL instead of fetching it: the response is
/// meant for the client, and the redirect URI need not even be reachable.
public actor BrowserSession {
    /// The client's redirect URI: the first redirect to it ends `authorize`, unfetched.
    public nonisolated let redirectURI: URL
    /// When set, `authorize` checks the response's `iss` against it (RFC 9207 §2.4), for errors too.
    public nonisolated let expectedIssuer: String?
    /// Upper bound on requests per `authorize` call.
    public var maximumSteps = 20
    /// Cookies kept across `authorize` calls, as a browser keeps its session.
    public private(set) var cookies = CookieJar()
    let transport: any HTTPTransport
    let clock: any WallClock

    /// - Parameter transport: must not follow redirects (see `HTTPTransport`).
    public init(transport: any HTTPTransport, redirectURI: URL, expectedIssuer: String? = nil, clock: any WallClock = SystemClock()) {
        self.transport = transport
        self.redirectURI = redirectURI
        self.expectedIssuer = expectedIssuer
        self.clock = clock
    }

    /// Opens `url` (the PAR authorization URL), logs in and approves or denies consent.
    ///
    /// - Parameter choosing: values of the consent page's checkboxes and radio buttons to tick before approving (e.g.
    ///   the account IDs offered for RFC 9396 authorization details), or `name=value` to tick only within the controls
    ///   whose name starts with `name` (e.g. `detail.1.=acc_2`); see `HTMLForm.checking(_:)`.
    /// - Returns: the parsed redirect to the redirect URI: `code` on approval, `error` (`access_denied`) on denial.
    /// - Throws: `loginRejected` when the login form comes back, `otpRequired`, `authorizationPage` for an error
    ///   page (RFC 6749 §4.1.2.1: no redirect for an untrusted request), `issuerMismatch`, `tooManySteps`.
    public func authorize(url: URL, username: String, password: String, otp: String? = nil, approve: Bool = true,
                          choosing: Set<String> = []) async throws -> AuthorizationResponse {
        var request = HTTPRequestMessage(method: "GET", url: url)
        var submittedCredentialForms: Set<[String]> = []
        for _ in 0..<maximumSteps {
            let response = try await send(request)
            if (300..<400).contains(response.status), let location = response.headers["Location"] {
                guard let target = URL(string: location, relativeTo: request.url)?.absoluteURL else {
                    throw KuraClientError.unexpectedPage(url: request.url.absoluteString, message: "bad Location \(location)")
                }
                if isRedirectURI(target) { return try finish(target) }
                request = Self.follow(request, status: response.status, to: target)
                continue
            }
            let html = response.text
            let forms = HTMLForm.forms(in: html)
            let login = forms.first { form in Self.credentialFields.contains { form.field(named: $0) != nil } }
            if let login, response.status == 200 || !submittedCredentialForms.isEmpty {
                let asked = Self.credentialFields.filter { login.field(named: $0) != nil }
                guard submittedCredentialForms.insert(asked).inserted else {
                    throw KuraClientError.loginRejected(HTMLText.message(html))
                }
                if asked.contains("otp"), otp == nil { throw KuraClientError.otpRequired }
                var values = ["username": username, "password": password]
                values["otp"] = otp
                request = try submit(login, page: response.url, values: values, submitter: login.buttons.first)
                continue
            }
            guard response.status == 200 else {
                throw KuraClientError.authorizationPage(status: response.status, message: HTMLText.message(html))
            }
            let choice = approve ? "approve" : "deny"
            if let consent = forms.first(where: { $0.button(named: choice) != nil }) {
                request = try submit(consent.checking(choosing), page: response.url, values: [:], submitter: consent.button(named: choice))
                continue
            }
            throw KuraClientError.unexpectedPage(url: response.url.absoluteString, message: HTMLText.message(html))
        }
        throw KuraClientError.tooManySteps(maximumSteps)
    }

    /// The login inputs the session fills, in the order a multi-step login may ask for them.
    static let credentialFields = ["username", "password", "otp"]

    /// Whether `url` is the client's redirect URI: same scheme, host, port and path (RFC 3986 §6.2.3 normalisation
    /// of case and default port); the query is the response.
    public nonisolated func isRedirectURI(_ url: URL) -> Bool {
        func key(_ u: URL) -> String {
            let scheme = (u.scheme ?? "").lowercased()
            let port = u.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
            return "\(scheme)://\((u.host ?? "").lowercased()):\(port)\(u.path.isEmpty ? "/" : u.path)"
        }
        return key(url) == key(redirectURI)
    }

    /// Sends `request` with the jar's cookies and stores the cookies of the response.
    func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        var request = request
        request.headers.set("User-Agent", "KuraClient")
        if request.headers["Accept"] == nil { request.headers.set("Accept", "text/html,application/xhtml+xml") }
        if let cookie = cookies.cookieHeader(for: request.url, now: clock.now()) { request.headers.set("Cookie", cookie) }
        let response = try await transport.send(request)
        cookies.store(from: response, now: clock.now())
        return response
    }

    func finish(_ target: URL) throws -> AuthorizationResponse {
        let response = try AuthorizationResponse(redirectURL: target)
        // A JARM response carries `iss` inside its JWT only (FAPI 2.0 MS §5.4), checked when the JWT is verified.
        if let expectedIssuer, response.response == nil { try response.checkIssuer(expectedIssuer) }
        return response
    }

    /// The request a browser makes for a redirect (RFC 9110 §15.4): 301/302/303 become GET without a body (303 by
    /// definition, 301/302 as browsers do for POST); 307/308 repeat method and body.
    static func follow(_ request: HTTPRequestMessage, status: Int, to target: URL) -> HTTPRequestMessage {
        if status == 307 || status == 308 {
            var repeated = request
            repeated.url = target
            repeated.headers.set("Origin", request.url.serializedOrigin)
            return repeated
        }
        return HTTPRequestMessage(method: "GET", url: target)
    }

    /// The request that submits `form` (WHATWG HTML §4.10.21.3): POST as `application/x-www-form-urlencoded` with an
    /// `Origin` header, or GET with the entries as the query.
    func submit(_ form: HTMLForm, page: URL, values: [String: String], submitter: HTMLForm.Button?) throws -> HTTPRequestMessage {
        guard let action = form.actionURL(relativeTo: page) else {
            throw KuraClientError.unexpectedPage(url: page.absoluteString, message: "form action \(form.action ?? "") is not a URL")
        }
        let entries = form.entries(setting: values, submitter: submitter)
        if form.method == "POST" {
            var request = HTTPRequestMessage.form(action, entries)
            request.headers.set("Accept", "text/html,application/xhtml+xml")
            request.headers.set("Origin", page.serializedOrigin)
            return request
        }
        var components = URLComponents(url: action, resolvingAgainstBaseURL: true)
        components?.percentEncodedQuery = FormURLEncoding.encode(entries)
        return HTTPRequestMessage(method: "GET", url: components?.url ?? action)
    }
}
