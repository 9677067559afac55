/// A low-level JOSE failure (RFC 7515 §5.2 "the JWS MUST be rejected"): malformed input, a refused algorithm or key,
/// or a signature that does not verify.
///
/// The verifiers (`ClientAssertionVerifier`, `DPoPProofVerifier`) map it to the `OAuthError` their endpoint needs.
/// `reason` is written for logs and for `error_description`: it names the rule, never key material.
public struct JOSEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, in one sentence.
    public var reason: String

    /// A failure described by `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// `reason`, marked as a JOSE failure, for logs.
    public var description: String { "JOSE: \(reason)" }

    /// An attacker-supplied value (a `kid`, an `alg`, a `kty`) shortened for quoting in `reason`, so error
    /// descriptions stay short whatever a token carries.
    static func quote(_ value: String) -> String {
        value.count <= 40 ? value : String(value.prefix(40)) + "..."
    }
}
