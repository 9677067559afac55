import Foundation
import OAuthCore

/// Turns pushed parameters into a validated `AuthorizationRequest` for an authenticated client
/// (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 9126 §2.1, RFC 9396 §2, FAPI 2.0 SP §5.3.2.2, OIDC Core §3.1.2.1).
/// Every failure is a JSON 400 at the PAR endpoint (RFC 9126 §2.3): nothing is redirected from here.
struct ParseAuthorizationRequest: Sendable {
    let configuration: ServerConfiguration
    /// RFC 9396 types the server understands; nil refuses every `authorization_details`.
    var authorizationDetails: (any AuthorizationDetailsPolicy)? = nil
    /// Longest `state`/`nonce` accepted. SP §5.3.2.2-14 requires nonces up to 64 characters; SP Note 4 expects
    /// long states. Longer values are refused, never truncated.
    static let maxStateLength = 2048
    static let maxNonceLength = 512

    func callAsFunction(_ form: FormParameters, client: Client) throws(OAuthError) -> AuthorizationRequest {
        // RFC 9126 §2.1: "The request_uri authorization request parameter ... MUST NOT be provided".
        if form.value("request_uri") != nil { throw .invalidRequest("request_uri must not be sent to the PAR endpoint") }
        // RFC 9101 §4: no request object inside a request object; a `request` at PAR is unpacked by VerifyRequestObject first.
        if form.value("request") != nil { throw OAuthError(.invalidRequestObject, "request must not be nested in a request object") }
        if let id = form.value("client_id"), id != client.id { throw .invalidRequest("client_id does not match the authenticated client") }

        // SP §5.3.2.2-1: response_type shall be code.
        let responseType = try form.required("response_type")
        guard responseType == "code" else { throw OAuthError(.unsupportedResponseType, "response_type must be code") }
        guard client.grantTypes.contains("authorization_code") else {
            throw OAuthError(.unauthorizedClient, "This client is not registered for the authorization_code grant")
        }
        // SP §5.3.2.2-6: redirect_uri required; exact string match against the registration (RFC 9700 §4.1.3).
        let redirectURI = try form.required("redirect_uri")
        guard client.redirectURIs.contains(redirectURI) else { throw .invalidRequest("redirect_uri is not registered for this client") }
        // RFC 9396 §3.1: authorization_details may replace scope or be combined with it.
        let details = try ParseAuthorizationDetails(policy: authorizationDetails)(form.value("authorization_details"), client: client)
        let scope = details != nil && form.value("scope") == nil ? [] : try parseScope(form, client: client)
        let (challenge, method) = try parsePKCE(form)
        let state = form.value("state")
        if let state, state.utf8.count > Self.maxStateLength { throw .invalidRequest("state is longer than \(Self.maxStateLength) characters") }
        let nonce = form.value("nonce")
        if let nonce, nonce.utf8.count > Self.maxNonceLength { throw .invalidRequest("nonce is longer than \(Self.maxNonceLength) characters") }
        let responseMode = try AuthorizationResponseMode.parse(form.value("response_mode"), client: client, configuration: configuration)
        let dpopJKT = form.value("dpop_jkt")
        if let dpopJKT, Base64URL.decode(dpopJKT)?.count != 32 { throw .invalidRequest("dpop_jkt must be a base64url SHA-256 JWK thumbprint") }
        var maxAge: Int?
        if let raw = form.value("max_age") {
            guard let v = Int(raw), v >= 0 else { throw .invalidRequest("max_age must be a non-negative integer") }
            maxAge = v
        }
        return AuthorizationRequest(
            clientID: client.id, responseType: responseType, redirectURI: redirectURI, scope: scope, state: state, nonce: nonce,
            codeChallenge: challenge, codeChallengeMethod: method, dpopJKT: dpopJKT, authorizationDetails: details,
            responseMode: responseMode, maxAge: maxAge, acrValues: form.value("acr_values").flatMap(Scope.parse),
            prompt: form.value("prompt").flatMap(Scope.parse))
    }

    /// RFC 6749 §3.3; order is irrelevant; every value must be supported and allowed for the client.
    func parseScope(_ form: FormParameters, client: Client) throws(OAuthError) -> [String] {
        guard let raw = form.value("scope") else { throw OAuthError(.invalidScope, "scope is required") }
        guard let scope = Scope.parse(raw), !scope.isEmpty else { throw OAuthError(.invalidScope, "scope is malformed") }
        for s in scope {
            guard configuration.scopesSupported.contains(s) else { throw OAuthError(.invalidScope, "Unsupported scope '\(s.prefix(64))'") }
            guard client.allowedScopes?.contains(s) ?? true else { throw OAuthError(.invalidScope, "Scope '\(s.prefix(64))' is not allowed for this client") }
        }
        return scope
    }

    /// SP §5.3.2.2-5: PKCE with S256 required; `plain` (or no method, which means plain, RFC 7636 §4.3) refused.
    func parsePKCE(_ form: FormParameters) throws(OAuthError) -> (String, String) {
        guard let challenge = form.value("code_challenge") else { throw .invalidRequest("code_challenge is required (PKCE)") }
        guard form.value("code_challenge_method") == PKCE.s256 else { throw .invalidRequest("code_challenge_method must be S256") }
        guard PKCE.isValidChallenge(challenge) else { throw .invalidRequest("code_challenge is not a valid S256 challenge") }
        return (challenge, PKCE.s256)
    }
}
