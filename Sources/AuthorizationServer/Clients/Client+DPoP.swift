import OAuthCore

extension Client {
    /// RFC 9449 §5.2 `dpop_bound_access_tokens`: the client "always uses DPoP for token requests" ("If omitted, the
    /// default value is false"). When true, "the authorization server MUST reject token requests from the client that
    /// do not contain the DPoP header" (`BindSender`), so a lost proof can never fall back to certificate binding.
    public var usesDPoPBoundAccessTokens: Bool {
        metadata["dpop_bound_access_tokens"]?.boolValue ?? false
    }
}
