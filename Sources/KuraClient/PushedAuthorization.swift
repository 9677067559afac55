import Foundation
import OAuthCore

/// The result of a pushed authorization request (RFC 9126 §2.2) together with the secrets the client keeps for the
/// rest of the flow: the PKCE verifier (RFC 7636 §4.1), `state` (RFC 6749 §4.1.1) and `nonce` (OIDC Core §3.1.2.1).
public struct PushedAuthorization: Sendable, Hashable {
    /// The `request_uri` the AS returned (RFC 9126 §2.2).
    public var requestURI: String
    /// Seconds the `request_uri` stays valid (RFC 9126 §2.2; FAPI 2.0: < 600).
    public var expiresIn: Int
    /// Where to send the user: `authorization_endpoint?client_id=…&request_uri=…` (RFC 9126 §4).
    public var authorizationURL: URL
    /// The PKCE `code_verifier`, sent only to the token endpoint (RFC 7636 §4.5).
    public var codeVerifier: String
    public var state: String?
    public var nonce: String?
    public var scope: [String]
    public var redirectURI: URL
    public var authorizationDetails: JSONValue?

    public init(
        requestURI: String, expiresIn: Int, authorizationURL: URL, codeVerifier: String, state: String?, nonce: String?,
        scope: [String], redirectURI: URL, authorizationDetails: JSONValue? = nil
    ) {
        self.requestURI = requestURI
        self.expiresIn = expiresIn
        self.authorizationURL = authorizationURL
        self.codeVerifier = codeVerifier
        self.state = state
        self.nonce = nonce
        self.scope = scope
        self.redirectURI = redirectURI
        self.authorizationDetails = authorizationDetails
    }

    /// The front-channel URL carrying only `client_id` and `request_uri` (RFC 9126 §4; FAPI 2.0 CS
    /// `par-without-duplicate-parameters`). Keeps any query the authorization endpoint already has.
    public static func authorizationURL(endpoint: URL, clientID: String, requestURI: String) -> URL {
        let query = FormURLEncoding.encode([("client_id", clientID), ("request_uri", requestURI)])
        let base = endpoint.absoluteString
        let separator = base.contains("?") ? "&" : "?"
        return URL(string: base + separator + query)!
    }
}
