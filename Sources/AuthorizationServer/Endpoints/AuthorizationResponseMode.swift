import OAuthCore
import OAuthJOSE

/// How the authorization response reaches the client for `response_type=code` (OAuth 2.0 Multiple Response Type
/// Encoding Practices §2.1 `query`; JARM §2.3.1 `query.jwt`, and `jwt`, which means `query.jwt` for the code flow).
///
/// FAPI 2.0 never uses the fragment for the code flow (conformance suite `RejectAuthCodeInUrlFragment`), and FAPI 2.0
/// Message Signing §5.4 only needs the query variant, so `fragment.jwt` and `form_post.jwt` are refused.
enum AuthorizationResponseMode: String, Sendable, CaseIterable {
    case query
    case jwt
    case queryJWT = "query.jwt"

    /// The request's mode; nil (no `response_mode`) is the code flow's default, `query`.
    init(_ requested: String?) {
        self = requested.flatMap(Self.init(rawValue:)) ?? .query
    }

    /// Whether the response is a signed JWT in the single `response` parameter (JARM §2.3.1).
    var isJWT: Bool { self != .query }

    /// Checks the `response_mode` of a pushed request and returns it for storage (nil when absent).
    ///
    /// For JARM the server must be able to sign with the client's `authorization_signed_response_alg` (JARM §3; when
    /// absent, Kura signs with its own algorithm instead of JARM's RS256 default, which FAPI 2.0 SP §5.4.1-1 forbids).
    /// Refused here, at PAR, the failure is a JSON error to the client instead of a redirect it cannot verify.
    /// - Throws: `invalid_request` (RFC 6749 §4.1.2.1) for an unsupported mode or signing algorithm.
    static func parse(_ requested: String?, client: Client, configuration: ServerConfiguration) throws(OAuthError) -> String? {
        guard let requested else { return nil }
        guard let mode = Self(rawValue: requested) else {
            throw .invalidRequest("response_mode '\(requested.prefix(32))' is not supported (supported: query, jwt, query.jwt)")
        }
        if mode.isJWT, let alg = client.metadata["authorization_signed_response_alg"]?.stringValue,
           alg != configuration.signingAlgorithm.rawValue {
            throw .invalidRequest(
                "authorization_signed_response_alg \(alg.prefix(16)) is not available; this server signs with \(configuration.signingAlgorithm.rawValue)")
        }
        return requested
    }
}
