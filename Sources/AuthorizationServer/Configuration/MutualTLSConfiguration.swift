import Foundation
import SwiftASN1
import X509

/// RFC 8705 mutual TLS: client authentication (`tls_client_auth`, `self_signed_tls_client_auth`, §2) and
/// certificate-bound access tokens (`cnf.x5t#S256`, §3). Off by default; `kura serve` and `kura demo` turn it on.
///
/// The client certificate comes from the TLS handshake, or — only when the TCP peer is a configured trusted proxy
/// that terminates TLS — from the RFC 9440 `Client-Cert` header (see `ClientCertificateMiddleware`).
public struct MutualTLSConfiguration: Sendable {
    /// Whether client certificates are used at all. When false no certificate reaches any endpoint: mTLS clients
    /// cannot authenticate and tokens can only be DPoP-bound.
    public var enabled: Bool
    /// The trust anchors of `tls_client_auth` (RFC 8705 §2.1): a client certificate must chain to one of these
    /// (RFC 5280 path validation). Without any, only `self_signed_tls_client_auth` clients can authenticate.
    ///
    /// - Important: With direct TLS only the client's leaf certificate reaches the application (Hummingbird's TLS
    ///   channel exposes no presented chain), so the CA that issues client certificates must be in this list itself,
    ///   even when it is an intermediate; behind a proxy, `Client-Cert-Chain` (RFC 9440 §2.3) supplies intermediates.
    public var trustedCertificateAuthorities: [Certificate]
    /// TCP peers allowed to pass the client certificate in `Client-Cert` (RFC 9440 §2.2). A request from any
    /// other peer has those headers ignored and removed.
    public var trustedProxies: [TrustedProxy]

    public init(enabled: Bool = false, trustedCertificateAuthorities: [Certificate] = [], trustedProxies: [TrustedProxy] = []) {
        self.enabled = enabled
        self.trustedCertificateAuthorities = trustedCertificateAuthorities
        self.trustedProxies = trustedProxies
    }

    /// Whether `tls_client_auth` can succeed at all (and is therefore advertised in the metadata).
    public var supportsPKIClientAuthentication: Bool { enabled && !trustedCertificateAuthorities.isEmpty }

    /// Reads every `CERTIFICATE` block of a PEM bundle (e.g. `--mtls-ca FILE`).
    /// - Throws: `MutualTLSConfigurationError` when the text holds no certificate or a block is not one.
    public static func certificates(pemBundle: String) throws -> [Certificate] {
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: pemBundle) } catch {
            throw MutualTLSConfigurationError("not a PEM certificate bundle: \(error)")
        }
        let certificates = try documents.filter { $0.discriminator == "CERTIFICATE" }.map { document in
            do { return try Certificate(pemDocument: document) } catch {
                throw MutualTLSConfigurationError("a CERTIFICATE block does not hold an X.509 certificate: \(error)")
            }
        }
        guard !certificates.isEmpty else { throw MutualTLSConfigurationError("the PEM bundle contains no CERTIFICATE block") }
        return certificates
    }
}

/// A mutual-TLS setting that cannot be used, stated for the operator.
public struct MutualTLSConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
