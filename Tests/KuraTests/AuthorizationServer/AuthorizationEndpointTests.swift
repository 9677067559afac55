import AuthorizationServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `GET /authorize`, `POST /authorize/login`, `POST /authorize/consent` (RFC 6749 §4.1; RFC 9126 §4;
/// RFC 9207; FAPI 2.0 SP §5.2.3, §5.3.2.1-7, §5.3.2.2-3/-7/-10/-11/-13 and Note 3).
@Suite("Authorization endpoint, login and consent")
struct AuthorizationEndpointTests {
    static let transfersDescription = "Initiate transfers from your accounts"

    /// An HTML error page: never a redirect (SP §5.3.2.1-7, no open redirector), never login or consent.
    func expectErrorPage(_ response: TestResponse, status: HTTPResponse.Status = .badRequest,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.headers[.location] == nil, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, sourceLocation: sourceLocation)
        #expect(!response.bodyText.contains("name=\"password\"") && !response.bodyText.contains("name=\"approve\""),
                sourceLocation: sourceLocation)
    }

    /// A login page that shows an error and offers no consent.
    func expectLoginRefused(_ response: TestResponse, mentioning text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.isLoginPage, "\(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.bodyText.contains("role=\"alert\""), sourceLocation: sourceLocation)
        #expect(!response.bodyText.contains("name=\"approve\""), sourceLocation: sourceLocation)
        if let text { #expect(response.bodyText.contains(text), sourceLocation: sourceLocation) }
    }

    // MARK: - PAR is required; the request_uri is checked before anything is trusted

    @Test("PAR is required: an authorization request without request_uri gets a 400 error page and no redirect (SP 5.3.2.2-3)",
          arguments: [
              "/authorize",
              "/authorize?client_id=test-client",
              "/authorize?client_id=test-client&response_type=code&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&scope=openid"
                  + "&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
          ])
    func parRequired(_ uri: String) async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.get(uri)
            expectErrorPage(response)
            #expect(response.sessionCookie == nil)
        }
    }

    @Test("A request_uri without client_id gets an error page")
    func clientIDRequired() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            expectErrorPage(try await flow.get(OAuthServer.Path.authorize + "?" + FormParameters.encode([("request_uri", requestURI)])))
        }
    }

    @Test("An unknown request_uri gets an error page",
          arguments: ["urn:ietf:params:oauth:request_uri:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "https://attacker.example/request"])
    func unknownRequestURI(_ requestURI: String) async throws {
        try await TestServer().withFlow { flow in
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI)))
        }
    }

    @Test("A request_uri is bound to the client that pushed it: another client_id gets an error page (RFC 9126 §2.2)")
    func requestURIOfAnotherClient() async throws {
        let test = try await TestServer()
        let otherKey = try await test.registerOtherClient()
        try await test.withFlow { flow in
            let pushed = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "other-client", key: otherKey))
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: test.clientID)))
            // Control: its own client can use it.
            #expect(try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: "other-client")).isLoginPage)
        }
    }

    @Test("A repeated query parameter at the authorization endpoint gets an error page")
    func duplicateQueryParameter() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI, extra: [("client_id", flow.test.clientID)])))
        }
    }

    // MARK: - Expiry and one-time use (RFC 9126 §4; SP §5.3.2.2-12 and Note 3)

    @Test("An expired request_uri is rejected with an error page, and works until expires_in (RFC 9126 §4)")
    func expiredRequestURI() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let pushed = try await flow.par()
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let expiresIn = try #require(pushed.json["expires_in"]?.intValue)
            test.clock.advance(by: TimeInterval(expiresIn - 1))
            #expect(try await flow.get(flow.authorizeURI(requestURI: requestURI)).isLoginPage)
            test.clock.advance(by: 2)
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI)))
        }
    }

    @Test("A request_uri that expires while the login page is open cannot be logged in to")
    func expiresBeforeLogin() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            test.clock.advance(by: test.server.configuration.lifetimes.requestURI + 1)
            expectErrorPage(try await flow.login(interaction))
        }
    }

    @Test("A request_uri that expires on the consent page yields no code")
    func expiresBeforeConsent() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            #expect(try await flow.login(interaction).isConsentPage)
            test.clock.advance(by: test.server.configuration.lifetimes.requestURI + 1)
            expectErrorPage(try await flow.decide(interaction, approve: true))
        }
    }

    @Test("A request_uri is one-time: using it again after the authorization completed gets an error page")
    func reusedAfterCompletion() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            #expect(try await flow.completeInteraction(requestURI: requestURI).status == .seeOther)
            expectErrorPage(try await flow.get(flow.authorizeURI(requestURI: requestURI)))
        }
    }

    @Test("Reloading the login page before completion works: the request_uri is consumed only at authorization (SP 5.3.2.2 Note 3)")
    func reloadBeforeCompletion() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let first = try await flow.startInteraction(requestURI: requestURI)
            let second = try await flow.startInteraction(requestURI: requestURI)
            #expect(first.cookie != second.cookie && first.csrf != second.csrf)
            #expect(try await flow.login(second).isConsentPage)
            let response = try await flow.decide(second, approve: true)
            #expect(response.status == .seeOther)
            #expect(response.redirectParameters?["code"] != nil)
        }
    }

    @Test("Two interactions on one request_uri yield one code: the second decision gets invalid_request_uri with state and iss")
    func secondDecisionRefused() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let first = try await flow.startInteraction(requestURI: requestURI)
            let second = try await flow.startInteraction(requestURI: requestURI)
            #expect(try await flow.login(first).isConsentPage)
            #expect(try await flow.login(second).isConsentPage)
            let approved = try await flow.decide(first, approve: true)
            #expect(approved.redirectParameters?["code"] != nil)
            let again = try await flow.decide(second, approve: true)
            let parameters = try #require(again.redirectParameters)
            #expect(parameters["code"] == nil)
            #expect(parameters["error"] == "invalid_request_uri")
            #expect(parameters["state"] == "state-123")
            #expect(parameters["iss"] == flow.issuer)
        }
    }

    // MARK: - Two-factor login

    @Test("Wrong credentials show the login page again with an error and never the consent page",
          arguments: ["wrong password", "wrong otp", "unknown user", "no otp", "otp of a distant step"])
    func wrongCredentials(_ variant: String) async throws {
        try await TestServer().withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            let otp = try await flow.freshOTP()
            let wrongOTP = otp == "000000" ? "111111" : "000000"
            let response: TestResponse
            switch variant {
            case "wrong password": response = try await flow.login(interaction, password: "Tr0ub4dor&3", otp: otp)
            case "wrong otp": response = try await flow.login(interaction, otp: wrongOTP)
            case "unknown user": response = try await flow.login(interaction, username: "mallory", otp: otp)
            case "no otp": response = try await flow.login(interaction, otp: "")
            default: response = try await flow.login(interaction, otp: flow.test.otp(offsetSteps: -3))
            }
            expectLoginRefused(response)
            // The interaction is not authenticated: deciding is refused and nothing is redirected.
            expectErrorPage(try await flow.decide(interaction, approve: true))
        }
    }

    @Test("A TOTP code is accepted once: reusing it in another interaction is refused (RFC 6238 §5.2)")
    func otpSingleUse() async throws {
        try await TestServer().withFlow { flow in
            let first = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            let otp = try await flow.freshOTP()
            #expect(try await flow.login(first, otp: otp).isConsentPage)
            let second = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            expectLoginRefused(try await flow.login(second, otp: otp))
        }
    }

    @Test("The account locks after 5 failed logins: then even the right password and code are refused, until the lock expires")
    func lockout() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            for _ in 0..<test.server.configuration.login.lockThreshold {
                expectLoginRefused(try await flow.login(interaction, password: "wrong", otp: test.otp()))
            }
            let locked = try await flow.login(interaction)
            expectLoginRefused(locked, mentioning: "locked")
            expectErrorPage(try await flow.decide(interaction, approve: true))

            test.clock.advance(by: test.server.configuration.login.lockDuration + 1)
            let later = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            #expect(try await flow.login(later).isConsentPage)
        }
    }

    @Test("Four failures do not lock the account")
    func belowThresholdNoLock() async throws {
        let test = try await TestServer()
        try await test.withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            for _ in 0..<(test.server.configuration.login.lockThreshold - 1) {
                expectLoginRefused(try await flow.login(interaction, password: "wrong", otp: test.otp()))
            }
            #expect(try await flow.login(interaction).isConsentPage)
        }
    }

    // MARK: - CSRF and the interaction cookie

    @Test("Login and consent forms without the interaction's csrf_token get a 403 page",
          arguments: ["login", "consent"], ["missing", "wrong", "another interaction's"])
    func csrfRequired(_ form: String, _ variant: String) async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let interaction = try await flow.startInteraction(requestURI: requestURI)
            let other = try await flow.startInteraction(requestURI: requestURI)
            var fields: [String: String]
            let path: String
            if form == "login" {
                path = OAuthServer.Path.login
                fields = ["username": TestServer.username, "password": TestServer.password, "otp": try await flow.freshOTP()]
            } else {
                #expect(try await flow.login(interaction).isConsentPage)
                path = OAuthServer.Path.consent
                fields = ["approve": "approve"]
            }
            switch variant {
            case "missing": break
            case "wrong": fields["csrf_token"] = String(interaction.csrf.reversed())
            default: fields["csrf_token"] = other.csrf
            }
            expectErrorPage(try await flow.submit(path, fields, cookie: interaction.cookie), status: .forbidden)
            // Control: the same form with the right token goes through.
            fields["csrf_token"] = interaction.csrf
            if form == "login" { fields["otp"] = try await flow.freshOTP() }
            let accepted = try await flow.submit(path, fields, cookie: interaction.cookie)
            #expect(form == "login" ? accepted.isConsentPage : accepted.status == .seeOther)
        }
    }

    @Test("A login or consent form without the interaction cookie gets an error page", arguments: ["login", "consent"])
    func cookieRequired(_ form: String) async throws {
        try await TestServer().withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest())
            let response: TestResponse
            if form == "login" {
                response = try await flow.submit(OAuthServer.Path.login, ["username": TestServer.username, "password": TestServer.password,
                                                                          "otp": try await flow.freshOTP(), "csrf_token": interaction.csrf], cookie: nil)
            } else {
                #expect(try await flow.login(interaction).isConsentPage)
                response = try await flow.submit(OAuthServer.Path.consent, ["approve": "approve", "csrf_token": interaction.csrf], cookie: nil)
            }
            expectErrorPage(response)
        }
    }

    // MARK: - The authorization response (RFC 6749 §4.1.2; RFC 9207; SP §5.3.2.2-7/-10/-11)

    @Test("Approval redirects with 303 to the registered redirect_uri with code, state and iss = issuer (RFC 9207)")
    func approve() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.completeInteraction(requestURI: try await flow.pushRequest())
            #expect(response.status == .seeOther)
            let location = try #require(response.location)
            #expect(location.hasPrefix(TestServer.redirectURI + "?"))
            #expect(!location.contains("#"))
            let parameters = try #require(response.redirectParameters)
            #expect(Set(parameters.keys) == ["code", "state", "iss"])
            #expect((parameters["code"]?.count ?? 0) >= 43)
            #expect(parameters["state"] == "state-123")
            #expect(parameters["iss"] == TestServer.issuer)
            #expect(response.headers[.cacheControl]?.contains("no-store") == true)
        }
    }

    @Test("iss in the authorization response is the configured issuer byte for byte, trailing slash included")
    func issWithTrailingSlash() async throws {
        try await TestServer(issuer: "https://as.kura.test/").withFlow { flow in
            let parameters = try await flow.authorize()
            #expect(parameters["iss"] == "https://as.kura.test/")
        }
    }

    @Test("Denial redirects with 303 and error=access_denied, the original state and iss, and no code")
    func deny() async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.completeInteraction(requestURI: try await flow.pushRequest(), approve: false)
            #expect(response.status == .seeOther)
            #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
            let parameters = try #require(response.redirectParameters)
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["state"] == "state-123")
            #expect(parameters["iss"] == TestServer.issuer)
            #expect(parameters["code"] == nil)
        }
    }

    @Test("Without state in the pushed request, the response carries no state", arguments: [true, false])
    func noState(_ approve: Bool) async throws {
        try await TestServer().withFlow { flow in
            let response = try await flow.completeInteraction(requestURI: try await flow.pushRequest(["state": nil]), approve: approve)
            let parameters = try #require(response.redirectParameters)
            #expect(parameters["state"] == nil)
            #expect(parameters["iss"] == TestServer.issuer)
            #expect(parameters[approve ? "code" : "error"] != nil)
        }
    }

    @Test("Parameters outside the pushed request are ignored: state, redirect_uri and scope in the URL are not used (RFC 9126 §4)")
    func frontChannelParametersIgnored() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let page = try await flow.get(flow.authorizeURI(requestURI: requestURI, extra: [
                ("state", "evil"), ("redirect_uri", "https://attacker.example/cb"), ("scope", "openid transfers"), ("response_type", "token"),
            ]))
            #expect(page.isLoginPage)
            let interaction = FlowDriver.Interaction(cookie: try #require(page.sessionCookie), csrf: try #require(page.csrfToken))
            let consent = try await flow.login(interaction)
            #expect(consent.isConsentPage)
            #expect(!consent.bodyText.contains(Self.transfersDescription))
            let response = try await flow.decide(interaction, approve: true)
            #expect(response.location?.hasPrefix(TestServer.redirectURI + "?") == true)
            #expect(response.redirectParameters?["state"] == "state-123")
            #expect(response.redirectParameters?["code"] != nil)
        }
    }

    @Test("A registered redirect_uri with a query keeps it and appends the response parameters")
    func redirectURIWithQuery() async throws {
        let test = try await TestServer()
        let redirect = "https://client.example/cb?tenant=1"
        let key = try await test.registerOtherClient(extra: ["redirect_uris": [.string(redirect)]])
        try await test.withFlow { flow in
            let pushed = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "other-client", key: key, ["redirect_uri": redirect]))
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let page = try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: "other-client"))
            let interaction = FlowDriver.Interaction(cookie: try #require(page.sessionCookie), csrf: try #require(page.csrfToken))
            #expect(try await flow.login(interaction).isConsentPage)
            let response = try await flow.decide(interaction, approve: true)
            #expect(response.location?.hasPrefix(redirect + "&") == true)
            #expect(response.redirectParameters?["tenant"] == "1")
            #expect(response.redirectParameters?["code"] != nil)
        }
    }

    @Test("The consent page names the client and describes every requested scope (SP 5.3.2.2-13)")
    func consentPageContent() async throws {
        try await TestServer().withFlow { flow in
            let interaction = try await flow.startInteraction(requestURI: try await flow.pushRequest(["scope": "openid accounts"]))
            let consent = try await flow.login(interaction)
            #expect(consent.isConsentPage)
            #expect(consent.bodyText.contains("Test Client"))
            #expect(consent.bodyText.contains("Confirm that it is you"))
            #expect(consent.bodyText.contains("See your accounts, balances and transaction history"))
            #expect(!consent.bodyText.contains(Self.transfersDescription))
        }
    }

    @Test("Client-controlled text on the pages is HTML-escaped")
    func clientNameEscaped() async throws {
        let test = try await TestServer()
        let key = try await test.registerOtherClient(extra: ["client_name": "<script>alert(1)</script>"])
        try await test.withFlow { flow in
            let pushed = try await flow.post(OAuthServer.Path.par, form: try flow.parParameters(forClient: "other-client", key: key))
            let requestURI = try #require(pushed.json["request_uri"]?.stringValue)
            let page = try await flow.get(flow.authorizeURI(requestURI: requestURI, clientID: "other-client"))
            #expect(page.isLoginPage)
            #expect(!page.bodyText.contains("<script>"))
            #expect(page.bodyText.contains("&lt;script&gt;"))
        }
    }

    // MARK: - Browser protections (SP §5.2.3)

    @Test("The authorization endpoint does not support CORS (SP 5.2.3-3)")
    func noCORS() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let origin: HTTPFields = [HTTPField.Name("Origin")!: "https://evil.example"]
            var responses = [try await flow.get(flow.authorizeURI(requestURI: requestURI), headers: origin)]
            var preflight = origin
            preflight[HTTPField.Name("Access-Control-Request-Method")!] = "GET"
            responses.append(try await flow.client.execute(uri: flow.authorizeURI(requestURI: requestURI), method: .options, headers: preflight))
            let interaction = FlowDriver.Interaction(cookie: try #require(responses[0].sessionCookie), csrf: try #require(responses[0].csrfToken))
            var login = origin
            login[.cookie] = interaction.cookie
            responses.append(try await flow.post(OAuthServer.Path.login, form: [
                "username": TestServer.username, "password": TestServer.password, "otp": try await flow.freshOTP(), "csrf_token": interaction.csrf,
            ], headers: login))
            for response in responses {
                for name in ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods"] {
                    #expect(response.headers[HTTPField.Name(name)!] == nil, "\(name) on \(response.status)")
                }
            }
            #expect(!(200..<300).contains(responses[1].status.code), "a CORS preflight must not succeed")
        }
    }

    @Test("Login, consent and error pages forbid framing (X-Frame-Options DENY, CSP frame-ancestors 'none') and caching")
    func framingForbidden() async throws {
        try await TestServer().withFlow { flow in
            let loginPage = try await flow.get(flow.authorizeURI(requestURI: try await flow.pushRequest()))
            let interaction = FlowDriver.Interaction(cookie: try #require(loginPage.sessionCookie), csrf: try #require(loginPage.csrfToken))
            let consentPage = try await flow.login(interaction)
            let errorPage = try await flow.get(OAuthServer.Path.authorize)
            #expect(loginPage.isLoginPage && consentPage.isConsentPage && errorPage.status == .badRequest)
            for page in [loginPage, consentPage, errorPage] {
                #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(page.headers[.cacheControl]?.contains("no-store") == true)
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
        }
    }

    @Test("The interaction cookie is __Host-, Secure, HttpOnly and SameSite")
    func cookieAttributes() async throws {
        try await TestServer().withFlow { flow in
            let page = try await flow.get(flow.authorizeURI(requestURI: try await flow.pushRequest()))
            let header = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("__Host-kura_authz=") })
            let attributes = Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(attributes.contains("secure") && attributes.contains("httponly") && attributes.contains("path=/"))
            #expect(attributes.contains { $0.hasPrefix("samesite=") })
            #expect(!attributes.contains { $0.hasPrefix("domain=") })
        }
    }

    @Test("Every response carries HSTS with max-age of at least one year (SP 5.2.3-1)")
    func hsts() async throws {
        try await TestServer().withFlow { flow in
            let requestURI = try await flow.pushRequest()
            let interaction = try await flow.startInteraction(requestURI: requestURI)
            let consent = try await flow.login(interaction)
            let responses: [(String, TestResponse)] = [
                ("PAR 201", try await flow.par()),
                ("PAR error", try await flow.par(["scope": "nope"])),
                ("PAR 405", try await flow.get(OAuthServer.Path.par)),
                ("login page", try await flow.get(flow.authorizeURI(requestURI: requestURI))),
                ("error page", try await flow.get(OAuthServer.Path.authorize)),
                ("consent page", consent),
                ("redirect", try await flow.decide(interaction, approve: true)),
                ("token error", try await flow.token(code: "nope", dpopKey: nil)),
                ("discovery", try await flow.get(OAuthServer.Path.openIDConfiguration)),
                ("jwks", try await flow.get(OAuthServer.Path.jwks)),
            ]
            for (name, response) in responses {
                let hsts = response.headers[.strictTransportSecurity] ?? ""
                let maxAge = hsts.split(separator: ";").compactMap { part -> Int? in
                    let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=")
                    return kv.count == 2 && kv[0].lowercased() == "max-age" ? Int(kv[1]) : nil
                }.first ?? 0
                #expect(maxAge >= 31_536_000, "\(name): Strict-Transport-Security '\(hsts)'")
            }
        }
    }
}
