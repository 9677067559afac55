import Crypto
import Foundation
import OAuthCore
import X509

/// The X.509 certificate the client of this request presented (RFC 8705 §2, §3): from its TLS handshake, or from a
/// trusted TLS-terminating proxy's `Client-Cert` header (RFC 9440 §2.2). Resolved once per request by
/// `ClientCertificateMiddleware` and read from `KuraRequestContext.clientCertificate`.
public struct ClientCertificate: Sendable, Equatable {
    /// Where the certificate came from.
    public enum Source: Sendable, Equatable {
        /// The TLS handshake with Kura itself (the client proved possession of the key in CertificateVerify).
        case tlsHandshake
        /// `Client-Cert` from a trusted proxy, which did the handshake (RFC 9440 §2).
        case trustedProxy
    }

    /// The leaf certificate, DER as presented: what `cnf.x5t#S256` hashes (RFC 8705 §3.1).
    public let der: [UInt8]
    /// The parsed leaf.
    public let certificate: Certificate
    /// Further certificates the client presented (RFC 9440 `Client-Cert-Chain`), candidates for path building
    /// only: they never become trusted by being here.
    public let intermediates: [Certificate]
    public let source: Source

    /// Parses a DER certificate.
    /// - Throws: when `der` is not an X.509 certificate.
    public init(der: [UInt8], intermediates: [Certificate] = [], source: Source) throws {
        self.der = der
        self.certificate = try Certificate(derEncoded: der)
        self.intermediates = intermediates
        self.source = source
    }

    /// RFC 8705 §3.1: base64url(SHA-256(DER)), the `x5t#S256` confirmation of a certificate-bound token.
    public var thumbprint: String { Base64URL.encode(SHA256.hash(data: der)) }

    public static func == (lhs: ClientCertificate, rhs: ClientCertificate) -> Bool {
        lhs.der == rhs.der && lhs.intermediates == rhs.intermediates && lhs.source == rhs.source
    }
}
