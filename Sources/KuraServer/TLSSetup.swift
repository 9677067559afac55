import Foundation
import NIOCore
import NIOSSL

/// The TLS configuration of every Kura listener (FAPI 2.0 SP §5.2; BCP 195 / RFC 9325).
public enum TLSSetup {
    /// RFC 9325 §4.2: the only TLS 1.2 suites a back-channel endpoint may permit (SP §5.2.2-1).
    public static let tls12CipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ]

    /// TLS 1.2 minimum, TLS 1.3 preferred (BoringSSL picks 1.3 whenever the client offers it), the four BCP 195
    /// suites for 1.2, ALPN h2 + http/1.1, and client certificates *requested but optional* so mTLS and
    /// private_key_jwt clients share the listener (RFC 8705 §2; the binding is checked by the application).
    public static func serverConfiguration(certificatePEMFile: String, privateKeyPEMFile: String) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePEMFile).map { NIOSSLCertificateSource.certificate($0) }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyPEMFile, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        tls.cipherSuiteValues = tls12CipherSuites
        tls.certificateVerification = .optionalVerification
        tls.applicationProtocols = ["h2", "http/1.1"]
        return tls
    }

    /// Accepts any client certificate at the TLS layer: self-signed certificates must reach the application,
    /// which checks them against the client's registration (RFC 8705 §2.1–2.2). Without this BoringSSL would
    /// reject them during the handshake.
    public static let acceptAnyClientCertificate: @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResult>) -> Void = { _, promise in
        promise.succeed(.certificateVerified)
    }
}
