import Foundation
import OAuthCore

/// Every failure KuraClient reports. Server-side OAuth errors keep the server's code and description
/// (`.server`); everything else names the check the client made and the spec clause behind it.
public enum KuraClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration cannot work (e.g. neither DPoP nor a client certificate to sender-constrain tokens with).
    case invalidConfiguration(String)
    /// The discovery document's `issuer` is not the configured issuer (RFC 8414 §3.3; OIDC Discovery §4.3), or an
    /// authorization response carries another (or no) `iss` (RFC 9207 §2.4).
    case issuerMismatch(expected: String, actual: String?)
    /// The server metadata lacks an endpoint the flow needs (e.g. `pushed_authorization_request_endpoint`).
    case missingMetadata(String)
    /// An RFC 6749 §5.2 (or RFC 6750 §3) error response from the server, with its description.
    case server(OAuthErrorResponse)
    /// A response that is neither success nor an OAuth error (wrong status, not JSON, missing members).
    case unexpectedResponse(status: Int, body: String)
    /// The authorization response carried an error (RFC 6749 §4.1.2.1), e.g. `access_denied`.
    case authorizationFailed(error: String, description: String?)
    /// The authorization response's `state` is not the one sent (RFC 6749 §4.1.2, §10.12).
    case stateMismatch(expected: String?, actual: String?)
    /// The authorization response could not be read (no `code` and no `error`, duplicated parameters, …).
    case malformedAuthorizationResponse(String)
    /// A JARM response JWT failed a check of JARM §2.4 (signature, `iss`, `aud`, `exp`).
    case invalidSignedAuthorizationResponse(String)
    /// The ID token failed a check of OpenID Connect Core §3.1.3.7.
    case invalidIDToken(IDTokenVerifier.Failure)
    /// The access token is not a JWT this client can verify (RFC 9068 §4), or failed a check.
    case invalidAccessToken(String)
    /// The UserInfo response's `sub` is missing or not the ID token's (OpenID Connect Core §5.3.2: its values "MUST
    /// NOT be used").
    case userInfoSubjectMismatch(expected: String, actual: String?)
    /// Signing a client assertion or DPoP proof failed (RFC 7515 §5.1).
    case signingFailed(String)
    /// The authorization server showed the login form again after credentials were submitted.
    case loginRejected(String)
    /// The login page asks for a one-time password and none was given.
    case otpRequired
    /// The authorization server answered with an error page instead of a redirect (RFC 6749 §4.1.2.1: invalid
    /// redirect URI or client, or an untrusted request).
    case authorizationPage(status: Int, message: String)
    /// A page the browser session does not know how to continue from (no login or consent form).
    case unexpectedPage(url: String, message: String)
    /// More redirects or pages than `BrowserSession.maximumSteps`.
    case tooManySteps(Int)
    /// A resource response's RFC 9421 signature is missing or failed a FAPI 2.0 HTTP Signatures check.
    case invalidResponseSignature(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let why): "invalid client configuration: \(why)"
        case .issuerMismatch(let expected, let actual): "issuer mismatch: expected \(expected), got \(actual ?? "none")"
        case .missingMetadata(let member): "server metadata has no \(member)"
        case .server(let response): "server error \(response)"
        case .unexpectedResponse(let status, let body): "unexpected response \(status): \(body.prefix(300))"
        case .authorizationFailed(let error, let description): "authorization failed: \(error)" + (description.map { " (\($0))" } ?? "")
        case .stateMismatch(let expected, let actual): "state mismatch: expected \(expected ?? "none"), got \(actual ?? "none")"
        case .malformedAuthorizationResponse(let why): "malformed authorization response: \(why)"
        case .invalidSignedAuthorizationResponse(let why): "invalid signed (JARM) authorization response: \(why)"
        case .invalidIDToken(let failure): "invalid ID token: \(failure)"
        case .invalidAccessToken(let why): "invalid access token: \(why)"
        case .userInfoSubjectMismatch(let expected, let actual): "UserInfo sub \(actual ?? "none") is not the ID token's \(expected)"
        case .signingFailed(let why): "signing failed: \(why)"
        case .loginRejected(let message): "login rejected: \(message)"
        case .otpRequired: "the login page asks for a one-time password"
        case .authorizationPage(let status, let message): "authorization error page (\(status)): \(message)"
        case .unexpectedPage(let url, let message): "unexpected page at \(url): \(message)"
        case .tooManySteps(let n): "gave up after \(n) redirects and pages"
        case .invalidResponseSignature(let why): "invalid response signature: \(why)"
        }
    }
}
