/// The closed set of OAuth 2.0 error codes Kura sends (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1;
/// RFC 9126 §2.3; RFC 9449 §5, §7, §8; RFC 9396 §5; OpenID Connect Core §3.1.2.6).
public enum OAuthErrorCode: String, Sendable, CaseIterable, Codable {
    case invalidRequest = "invalid_request"
    case invalidClient = "invalid_client"
    case invalidGrant = "invalid_grant"
    case unauthorizedClient = "unauthorized_client"
    case unsupportedGrantType = "unsupported_grant_type"
    case invalidScope = "invalid_scope"
    case accessDenied = "access_denied"
    case unsupportedResponseType = "unsupported_response_type"
    case invalidRequestURI = "invalid_request_uri"
    case invalidRequestObject = "invalid_request_object"
    case invalidDPoPProof = "invalid_dpop_proof"
    case useDPoPNonce = "use_dpop_nonce"
    case invalidToken = "invalid_token"
    case insufficientScope = "insufficient_scope"
    case invalidAuthorizationDetails = "invalid_authorization_details"
    case invalidClientMetadata = "invalid_client_metadata"
    case invalidRedirectURI = "invalid_redirect_uri"
    case loginRequired = "login_required"
    case consentRequired = "consent_required"
    case interactionRequired = "interaction_required"
    case unsupportedTokenType = "unsupported_token_type"
    case serverError = "server_error"
    case temporarilyUnavailable = "temporarily_unavailable"

    /// The HTTP status a direct (back-channel) response with this code carries (RFC 6749 §5.2,
    /// RFC 6750 §3.1, RFC 9449 §7.1). `invalid_client` is 401 per RFC 6749 §5.2.
    public var httpStatus: Int {
        switch self {
        case .invalidClient, .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }
}
