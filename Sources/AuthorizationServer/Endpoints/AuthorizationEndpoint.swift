import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OAuthCore

/// Authorization endpoint (RFC 6749 §3.1, §4.1; RFC 9126 §4; FAPI 2.0 SP §5.3.2.2) and the customer
/// interaction behind it: two-factor login, then consent, then the code.
///
/// Only `client_id` + `request_uri` from PAR are accepted (SP §5.3.2.2-3); every other parameter comes from the
/// pushed request (RFC 9126 §4). Until the pushed request is loaded nothing is trusted, so errors are shown as a
/// page and never redirected (SP §5.3.2.1-7: no open redirector). The request_uri is consumed at the point of
/// authorization (SP §5.3.2.2 Note 3), so reloading the login page works.
struct AuthorizationEndpoint: Sendable {
    static let cookieName = "__Host-kura_authz"
    let server: OAuthServer
    let pages = Pages()
    var detailsConsent: AuthorizationDetailsConsent { AuthorizationDetailsConsent(policy: server.authorizationDetails) }

    /// `GET /authorize?client_id&request_uri`: checks the pushed request, opens an interaction, shows the login page.
    func start(_ request: Request) async -> Response {
        await page {
            let query = try request.queryParameters()
            guard let clientID = query.value("client_id"), let requestURI = query.value("request_uri") else {
                throw PageError("This authorization request is incomplete. Authorization requests must be pushed first (PAR).")
            }
            guard requestURI.hasPrefix(PushedAuthorizationEndpoint.requestURIPrefix) else { throw PageError("The request_uri is not valid.") }
            let key = CredentialHash.of(String(requestURI.dropFirst(PushedAuthorizationEndpoint.requestURIPrefix.count)))
            let now = server.clock.now()
            guard let pushed = try await server.stores.pushedRequests.find(key: key, now: now) else {
                throw PageError("This authorization request has expired or was already used. Please start again from the app.")
            }
            guard pushed.clientID == clientID else { throw PageError("This authorization request belongs to another application.") }
            let client = try await loadClient(clientID)
            let sessionID = server.random.token()
            let csrf = server.random.token()
            try await server.stores.sessions.insert(AuthorizationSession(
                idHash: CredentialHash.of(sessionID), requestKey: key, clientID: clientID, csrfHash: CredentialHash.of(csrf),
                createdAt: now, expiresAt: now.addingTimeInterval(server.configuration.lifetimes.interaction)))
            let cookie = "\(Self.cookieName)=\(sessionID); Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=\(Int(server.configuration.lifetimes.interaction))"
            return Responses.html(renderLogin(client: client, csrf: csrf), headers: [.setCookie: cookie])
        }
    }

    /// `POST /authorize/login`: both factors, then the consent page.
    func login(_ request: Request) async -> Response {
        await page {
            let (form, session) = try await loadInteraction(request)
            let client = try await loadClient(session.clientID)
            guard try await server.stores.pushedRequests.find(key: session.requestKey, now: server.clock.now()) != nil else {
                throw PageError("This authorization request has expired or was already used. Please start again from the app.")
            }
            let username = form.value("username") ?? ""
            let authenticator = CustomerAuthenticator(users: server.stores.users, hasher: server.passwordHasher,
                                                      policy: server.configuration.login, clock: server.clock)
            switch try await authenticator.authenticate(username: username, password: form.value("password") ?? "", otp: form.value("otp") ?? "") {
            case .rejected:
                return Responses.html(renderLogin(client: client, csrf: form.value("csrf_token") ?? "", username: username,
                                                  message: "The username, password or one-time code is not correct."))
            case .locked:
                return Responses.html(renderLogin(client: client, csrf: form.value("csrf_token") ?? "", username: username,
                                                  message: "Too many failed attempts. This account is locked for a while; try again later."))
            case .authenticated(let user):
                let now = server.clock.now()
                guard try await server.stores.sessions.markAuthenticated(
                    idHash: session.idHash, userID: user.id, authTime: now, amr: ["pwd", "otp", "mfa"],
                    acr: server.configuration.login.twoFactorACR, now: now)
                else { throw PageError("Your session has expired. Please start again from the app.") }
                let pushed = try await server.stores.pushedRequests.find(key: session.requestKey, now: now)
                var details: [ConsentDetail] = []
                // RFC 9396: details the customer cannot grant at all (e.g. another customer's account) end the request.
                do { if let pushed { details = try await detailsConsent.view(of: pushed.request, userID: user.id) } }
                catch let error as OAuthError { return try await refuse(session, error) }
                return Responses.html(renderConsent(client: client, customer: user.displayName, scope: pushed?.request.scope ?? [],
                                                    details: details, csrf: form.value("csrf_token") ?? ""))
            }
        }
    }

    /// `POST /authorize/consent`: the customer's decision. Consumes the pushed request atomically, then redirects
    /// (303) to the registered redirect URI with `code` or `error`, `state` and `iss` (RFC 9207 §2).
    func decide(_ request: Request) async -> Response {
        await page {
            let (form, session) = try await loadInteraction(request)
            guard let userID = session.userID, let authTime = session.authTime else {
                throw PageError("Please log in first.")
            }
            let now = server.clock.now()
            let approved = form.value("approve") != nil && form.value("deny") == nil
            // RFC 9396 §7: what is granted is the customer's decision on the details (with their picks); it is settled
            // before anything is consumed, so a missing choice shows the page again and issues nothing.
            var decision = AuthorizationDetailsConsent.Decision.granted(nil)
            if approved, let pending = try await server.stores.pushedRequests.find(key: session.requestKey, now: now) {
                do { decision = try await detailsConsent.decide(pending.request, userID: userID, form: form) }
                catch let error as OAuthError { return try await refuse(session, error) }
                if case .incomplete(let view, let message) = decision {
                    let customer = try await server.stores.users.find(id: userID)?.displayName ?? ""
                    return Responses.html(renderConsent(client: try await loadClient(session.clientID), customer: customer,
                                                        scope: pending.request.scope, details: view, csrf: form.value("csrf_token") ?? "",
                                                        message: message))
                }
            }
            _ = try await server.stores.sessions.delete(idHash: session.idHash)
            let pushed: PushedRequestRecord
            switch try await server.stores.pushedRequests.consume(key: session.requestKey, now: now) {
            case .consumed(let record): pushed = record
            case .alreadyConsumed(let record):
                return try await redirect(record.request, ["error": "invalid_request_uri", "error_description": "The request_uri was already used"])
            case .expired, .notFound:
                throw PageError("This authorization request has expired. Please start again from the app.")
            }
            guard approved else {
                return try await redirect(pushed.request, ["error": "access_denied", "error_description": "The customer denied the request"])
            }
            guard case .granted(let grantedDetails) = decision, (grantedDetails == nil) == (pushed.request.authorizationDetails == nil) else {
                throw PageError("This authorization request has expired. Please start again from the app.")
            }
            var granted = pushed.request
            granted.authorizationDetails = grantedDetails
            // The grant exists from the customer's decision on (Grant Management: created "on completion of the
            // authorization"); the code's redemption attaches tokens to it, and a code replay revokes it.
            let grantID = server.random.token()
            try await server.stores.grants.insert(GrantRecord(
                id: grantID, clientID: pushed.clientID, userID: userID, scope: granted.scope,
                authorizationDetails: granted.authorizationDetails, createdAt: now, updatedAt: now, expiresAt: nil))
            let code = server.random.token()
            try await server.stores.codes.insert(AuthorizationCodeRecord(
                codeHash: CredentialHash.of(code), clientID: pushed.clientID, userID: userID, grantID: grantID,
                request: granted, authTime: authTime, acr: session.acr ?? server.configuration.login.twoFactorACR,
                amr: session.amr, issuedAt: now, expiresAt: now.addingTimeInterval(server.configuration.lifetimes.authorizationCode)))
            return try await redirect(pushed.request, ["code": code])
        }
    }

    // MARK: - Steps

    /// Loads the interaction named by the cookie and checks the form's CSRF token against it.
    private func loadInteraction(_ request: Request) async throws -> (FormParameters, AuthorizationSession) {
        let form = try await request.formParameters()
        guard let sessionID = request.cookieValue(Self.cookieName),
              let session = try await server.stores.sessions.find(idHash: CredentialHash.of(sessionID), now: server.clock.now())
        else { throw PageError("Your session has expired. Please start again from the app.") }
        guard let csrf = form.value("csrf_token"), ConstantTime.equals(CredentialHash.of(csrf), session.csrfHash) else {
            throw PageError("This form has expired. Please start again from the app.", status: .forbidden)
        }
        return (form, session)
    }

    /// Ends the interaction with `error` delivered to the client (RFC 6749 §4.1.2.1), e.g. for details the customer
    /// cannot grant; the pushed request is consumed as on a decision.
    private func refuse(_ session: AuthorizationSession, _ error: OAuthError) async throws -> Response {
        _ = try await server.stores.sessions.delete(idHash: session.idHash)
        guard case .consumed(let record) = try await server.stores.pushedRequests.consume(key: session.requestKey, now: server.clock.now()) else {
            throw PageError("This authorization request has expired or was already used. Please start again from the app.")
        }
        return try await redirect(record.request, error.jsonMembers)
    }

    private func loadClient(_ clientID: String) async throws -> Client {
        guard let client = try await server.clients.client(id: clientID) else { throw PageError("Unknown application.") }
        return client
    }

    /// The authorization response (RFC 6749 §4.1.2 / §4.1.2.1) with the original `state` and `iss` (RFC 9207), or
    /// the same as a signed JARM response when the request asked for one (`AuthorizationResponseBuilder`).
    private func redirect(_ request: AuthorizationRequest, _ parameters: [String: String]) async throws -> Response {
        try await AuthorizationResponseBuilder(server: server).redirect(request, parameters)
    }

    private func renderLogin(client: Client, csrf: String, username: String = "", message: String? = nil) -> String {
        var values: [String: Any] = ["title": "Log in", "bank": server.configuration.displayName, "client": client.name,
                                     "action": OAuthServer.Path.login, "csrf": csrf, "username": username]
        if let message { values["message"] = message }
        return pages.login.render(values)
    }

    private func renderConsent(client: Client, customer: String, scope: [String], details: [ConsentDetail] = [], csrf: String,
                               message: String? = nil) -> String {
        var values: [String: Any] = ["title": "Review access", "bank": server.configuration.displayName, "client": client.name,
                                     "customer": customer, "items": ScopeDescriptions.describe(scope), "action": OAuthServer.Path.consent,
                                     "csrf": csrf, "details": AuthorizationDetailsConsent.templateValues(details)]
        if let message { values["message"] = message }
        return pages.consent.render(values)
    }

    /// Runs a page step; `PageError` and OAuth errors become an HTML error page (never a redirect).
    private func page(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as PageError {
            return Responses.html(pages.error.render(["title": "Request not possible", "bank": server.configuration.displayName, "message": error.message]), status: error.status)
        } catch let error as OAuthError {
            return Responses.html(pages.error.render(["title": "Request not possible", "bank": server.configuration.displayName,
                                                      "message": error.errorDescription?.value ?? "Invalid request"]), status: .badRequest)
        } catch {
            server.logger.error("authorization interaction failed", metadata: ["error": "\(error)"])
            return Responses.html(pages.error.render(["title": "Something went wrong", "bank": server.configuration.displayName,
                                                      "message": "Please try again later."]), status: .internalServerError)
        }
    }
}

/// A failure shown to the customer as an HTML page.
struct PageError: Error {
    let message: String
    let status: HTTPResponse.Status
    init(_ message: String, status: HTTPResponse.Status = .badRequest) {
        self.message = message
        self.status = status
    }
}

/// Plain-language descriptions of scopes for the consent page (FAPI 2.0 SP §5.3.2.2-13: the customer must see
/// exactly what is granted).
enum ScopeDescriptions {
    static func describe(_ scope: [String]) -> [String] {
        scope.map { s in
            switch s {
            case "openid": "Confirm that it is you (a pseudonymous identifier, no personal data)"
            case "profile": "Your name"
            case "offline_access": "Keep access while you are not using the app"
            case "accounts": "See your accounts, balances and transaction history"
            case "transfers": "Initiate transfers from your accounts"
            case "identity": "Your verified identity: name, date of birth and address"
            default: "Access named \"\(s)\""
            }
        }
    }
}
