import Crypto
import Foundation
import OAuthCore
import OAuthJOSE

/// How an issued access token is bound to its sender (FAPI 2.0 SP §5.3.2.1-4/-5: only sender-constrained tokens).
public enum SenderBinding: Sendable, Equatable {
    /// RFC 9449 §6: `cnf.jkt`, the RFC 7638 thumbprint of the DPoP proof key; `token_type` DPoP.
    case dpop(jkt: String)
    /// RFC 8705 §3.1: `cnf.x5t#S256`, the SHA-256 thumbprint of the TLS client certificate (DER); `token_type` Bearer.
    case mutualTLS(certificateThumbprint: String)

    /// The JWT / introspection `cnf` members.
    public var confirmation: [String: String] {
        switch self {
        case .dpop(let jkt): ["jkt": jkt]
        case .mutualTLS(let x5t): ["x5t#S256": x5t]
        }
    }

    /// The RFC 6749 §5.1 `token_type` of a token bound this way (RFC 9449 §5; RFC 8705 §3).
    public var tokenType: String {
        switch self {
        case .dpop: "DPoP"
        case .mutualTLS: "Bearer"
        }
    }

    /// RFC 8705 §3.1: base64url(SHA-256(DER certificate)).
    public static func certificateThumbprint(der: [UInt8]) -> String {
        Base64URL.encode(SHA256.hash(data: der))
    }
}

/// Chooses the sender binding of a token request: a valid DPoP proof binds to its key; without one, the TLS
/// client certificate of the connection binds the token (RFC 8705 §3). Neither → the request is refused, since
/// Kura issues no bearer tokens (SP §5.3.2.1-4). Checked before anything single-use is consumed.
///
/// A client registered with `tls_client_certificate_bound_access_tokens: true` (RFC 8705 §3.4) gets certificate-bound
/// tokens only: its request must present the certificate and must not carry a DPoP proof. A client registered with
/// `dpop_bound_access_tokens: true` (RFC 9449 §5.2) must send a DPoP proof with every token request.
struct BindSender: Sendable {
    func callAsFunction(dpop: VerifiedDPoPProof?, clientCertificateDER: [UInt8]?, client: Client? = nil) throws(OAuthError) -> SenderBinding {
        if client?.usesCertificateBoundAccessTokens == true {
            guard dpop == nil else {
                throw OAuthError.invalidRequest("This client is registered for certificate-bound access tokens (RFC 8705 3.4): send no DPoP proof")
            }
            guard let der = clientCertificateDER else {
                throw OAuthError.invalidRequest("This client is registered for certificate-bound access tokens (RFC 8705 3.4): present its TLS client certificate")
            }
            return .mutualTLS(certificateThumbprint: SenderBinding.certificateThumbprint(der: der))
        }
        if client?.usesDPoPBoundAccessTokens == true, dpop == nil {
            throw OAuthError.invalidRequest("This client is registered for DPoP-bound access tokens (RFC 9449 5.2): send a DPoP proof")
        }
        if let dpop { return .dpop(jkt: dpop.jkt) }
        if let der = clientCertificateDER { return .mutualTLS(certificateThumbprint: SenderBinding.certificateThumbprint(der: der)) }
        throw OAuthError.invalidRequest(
            "A DPoP proof or a TLS client certificate is required: this server issues only sender-constrained access tokens")
    }
}
