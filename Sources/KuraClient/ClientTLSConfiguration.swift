import Foundation
import NIOSSL

/// TLS settings for every connection the client makes (FAPI 2.0 SP §5.2.1: TLS 1.2 or later; RFC 9325).
///
/// Custom trust roots let a partner, the demo and the end-to-end tests trust a development CA; a client certificate
/// enables mutual TLS (RFC 8705 §2 client authentication and §3 certificate-bound tokens).
public struct ClientTLSConfiguration: Sendable {
    /// Which certificate authorities the client trusts for server certificates.
    public enum TrustRoots: Sendable {
        /// The operating system's trust store.
        case system
        /// Only the CA certificates in this PEM file (e.g. the demo's self-made CA).
        case pemFile(String)
        /// Only these CA certificates.
        case certificates([NIOSSLCertificate])
    }

    /// A client certificate chain and its private key, presented when the server asks (RFC 8446 §4.4.2).
    public struct ClientCertificate: Sendable {
        public var chain: [NIOSSLCertificate]
        public var privateKey: NIOSSLPrivateKey

        public init(chain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
            self.chain = chain
            self.privateKey = privateKey
        }

        /// Reads a PEM certificate chain (leaf first) and a PEM private key.
        public static func pemFiles(certificateChain: String, privateKey: String) throws -> ClientCertificate {
            ClientCertificate(
                chain: try NIOSSLCertificate.fromPEMFile(certificateChain),
                privateKey: try NIOSSLPrivateKey(file: privateKey, format: .pem))
        }
    }

    /// The CAs server certificates must chain to; hostnames are always verified.
    public var trustRoots: TrustRoots
    /// Presented for RFC 8705 mutual TLS when set.
    public var clientCertificate: ClientCertificate?
    /// Never below TLS 1.2 (FAPI 2.0 SP §5.2.1-1).
    public var minimumTLSVersion: TLSVersion

    public init(trustRoots: TrustRoots = .system, clientCertificate: ClientCertificate? = nil, minimumTLSVersion: TLSVersion = .tlsv12) {
        self.trustRoots = trustRoots
        self.clientCertificate = clientCertificate
        self.minimumTLSVersion = minimumTLSVersion
    }

    /// The NIOSSL client configuration: full certificate and hostname verification, always.
    /// - Throws: when the trust-root PEM file cannot be read or holds no certificate.
    public func makeTLSConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = minimumTLSVersion
        tls.certificateVerification = .fullVerification
        switch trustRoots {
        case .system:
            tls.trustRoots = .default
        case .pemFile(let path):
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            guard !certificates.isEmpty else { throw KuraClientError.invalidConfiguration("no certificate in \(path)") }
            tls.trustRoots = .certificates(certificates)
        case .certificates(let certificates):
            tls.trustRoots = .certificates(certificates)
        }
        if let clientCertificate {
            tls.certificateChain = clientCertificate.chain.map { .certificate($0) }
            tls.privateKey = .privateKey(clientCertificate.privateKey)
        }
        return tls
    }
}
