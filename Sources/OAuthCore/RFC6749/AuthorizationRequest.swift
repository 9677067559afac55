import Foundation

/// A validated authorization request as pushed to the PAR endpoint (RFC 6749 §4.1.1, RFC 9126 §2.1,
/// RFC 7636 §4.3, RFC 9396 §2, OpenID Connect Core §3.1.2.1).
///
/// Stored with the pushed request and used, unchanged, at the authorization endpoint: parameters sent on
/// the front channel are never merged in (RFC 9126 §4, RFC 9101 §6.3).
public struct AuthorizationRequest: Sendable, Codable, Hashable {
    public var clientID: String
    public var responseType: String
    public var redirectURI: String
    public var scope: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String
    public var codeChallengeMethod: String
    /// RFC 9449 §10: the JWK thumbprint the code is bound to, from `dpop_jkt` or the DPoP header at PAR.
    public var dpopJKT: String?
    /// RFC 9396 `authorization_details`, already validated.
    public var authorizationDetails: JSONValue?
    public var responseMode: String?
    public var maxAge: Int?
    public var acrValues: [String]?
    public var prompt: [String]?

    public init(
        clientID: String, responseType: String, redirectURI: String, scope: [String], state: String?, nonce: String?,
        codeChallenge: String, codeChallengeMethod: String, dpopJKT: String? = nil, authorizationDetails: JSONValue? = nil,
        responseMode: String? = nil, maxAge: Int? = nil, acrValues: [String]? = nil, prompt: [String]? = nil
    ) {
        self.clientID = clientID
        self.responseType = responseType
        self.redirectURI = redirectURI
        self.scope = scope
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.dpopJKT = dpopJKT
        self.authorizationDetails = authorizationDetails
        self.responseMode = responseMode
        self.maxAge = maxAge
        self.acrValues = acrValues
        self.prompt = prompt
    }

    /// Whether this is an OpenID Connect request (the `openid` scope, OIDC Core §3.1.2.1).
    public var isOpenID: Bool { scope.contains("openid") }
}
