import OAuthCore

extension Client {
    /// RFC 8705 §3.4 `tls_client_certificate_bound_access_tokens`: the client intends to use certificate-bound
    /// access tokens ("If omitted, the default value is false"). When true, its tokens are bound to the TLS client
    /// certificate of the token request and never to a DPoP key (`BindSender`).
    public var usesCertificateBoundAccessTokens: Bool {
        metadata["tls_client_certificate_bound_access_tokens"]?.boolValue ?? false
    }
}
