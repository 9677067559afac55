import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// Validates a `tls_client_auth` certificate chain (RFC 8705 §2.1: "It relies on a validated certificate chain
/// [RFC5280]") against the configured trust anchors, with swift-certificates' path builder.
///
/// Policy, in order: RFC 5280 (version, validity at the injected time, basic constraints, name constraints) and
/// `ClientAuthenticationUsagePolicy` for the leaf. Revocation is not checked: RFC 8705 §2.1 leaves it to the
/// deployment, and Kura has no CRL/OCSP source configured.
public struct ClientCertificateChainValidator: Sendable {
    public let trustAnchors: [Certificate]

    public init(trustAnchors: [Certificate]) { self.trustAnchors = trustAnchors }

    /// Whether `leaf` chains to a trust anchor at `time` (intermediates are path-building candidates only).
    /// - Returns: nil when valid, otherwise why not (for logs).
    public func problem(leaf: Certificate, intermediates: [Certificate] = [], at time: Date) async -> String? {
        guard !trustAnchors.isEmpty else { return "no trusted CA is configured for tls_client_auth" }
        var verifier = Verifier(rootCertificates: CertificateStore(trustAnchors)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            ClientAuthenticationUsagePolicy()
        }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate:
            return nil
        case .couldNotValidate(let failures):
            return failures.isEmpty
                ? "no chain to a trusted CA"
                : failures.map { "\($0.policyFailureReason)" }.joined(separator: "; ")
        }
    }
}

/// The leaf must be usable for TLS client authentication: an extended key usage extension, when present, must
/// include `id-kp-clientAuth` (or anyExtendedKeyUsage), RFC 5280 §4.2.1.12 ("the certificate MUST only be used for
/// one of the purposes indicated"); a key usage extension, when present, must allow digitalSignature, which the
/// TLS CertificateVerify needs (RFC 5280 §4.2.1.3; RFC 8446 §4.4.2.2). Certificates without either are accepted.
public struct ClientAuthenticationUsagePolicy: VerifierPolicy {
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage, .X509ExtensionID.keyUsage]

    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        let leaf = chain.leaf
        do {
            if let usages = try leaf.extensions.extendedKeyUsage,
               !usages.contains(.clientAuth), !usages.contains(.any) {
                return .failsToMeetPolicy(reason: "the certificate's extended key usage does not include clientAuth")
            }
            if let keyUsage = try leaf.extensions.keyUsage, !keyUsage.digitalSignature {
                return .failsToMeetPolicy(reason: "the certificate's key usage does not allow digitalSignature")
            }
        } catch {
            return .failsToMeetPolicy(reason: "the certificate's usage extensions do not parse: \(error)")
        }
        return .meetsPolicy
    }
}
