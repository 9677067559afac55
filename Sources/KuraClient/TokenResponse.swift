import Foundation
import OAuthCore

/// A successful token response (RFC 6749 §5.1; RFC 9449 §5 `token_type: DPoP`; OIDC Core §3.1.3.3 `id_token`;
/// RFC 9396 §7 `authorization_details`).
public struct TokenResponse: Sendable, Hashable, Decodable {
    public var accessToken: String
    /// `DPoP` for a DPoP-bound token (RFC 9449 §5), `Bearer` for an mTLS-bound one (RFC 8705 §3).
    public var tokenType: String
    public var expiresIn: Int?
    /// The granted scope, space-separated (RFC 6749 §5.1: present when it differs from the requested one).
    public var scope: String?
    public var idToken: String?
    public var refreshToken: String?
    public var authorizationDetails: JSONValue?
    /// Grant Management `grant_id`, when the server supports it.
    public var grantID: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case scope
        case idToken = "id_token"
        case refreshToken = "refresh_token"
        case authorizationDetails = "authorization_details"
        case grantID = "grant_id"
    }

    public init(
        accessToken: String, tokenType: String, expiresIn: Int? = nil, scope: String? = nil, idToken: String? = nil,
        refreshToken: String? = nil, authorizationDetails: JSONValue? = nil, grantID: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
        self.idToken = idToken
        self.refreshToken = refreshToken
        self.authorizationDetails = authorizationDetails
        self.grantID = grantID
    }

    /// The granted scope values.
    public var scopes: [String] { scope.map { $0.split(separator: " ").map(String.init) } ?? [] }

    /// Whether the token is DPoP-bound (RFC 9449 §5: `token_type` is compared case-insensitively, RFC 6749 §5.1).
    public var isDPoPBound: Bool { tokenType.caseInsensitiveCompare("DPoP") == .orderedSame }
}
