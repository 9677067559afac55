/// A low-level JOSE failure (RFC 7515 §5.2 "the JWS MUST be rejected"): malformed input, a refused algorithm or key,
/// or a signature that does not verify.
///
/// The verifiers (`ClientAssertionVerifier`, `DPoPProofVerifier`) map it to the `OAuthError` their endpoint needs.
/// `reason` is written for logs and for `error_description`: it names the rule, never key material.
public struct JOSEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, in one sentence.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "JOSE: \(reason)" }
}
