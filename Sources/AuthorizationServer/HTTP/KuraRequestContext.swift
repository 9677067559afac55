import Hummingbird
import NIOCore
import NIOSSL

/// The request context of every Kura route: captures the transport facts Kura needs once, at the edge.
///
/// The TLS client certificate (RFC 8705) is read from the connection channel; for HTTP/2 the request runs
/// on a stream channel whose parent holds the TLS handler (STACK-NOTES §1.1).
public struct KuraRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// DER bytes of the leaf certificate the client presented in the TLS handshake, or nil.
    public func clientCertificateDER() async -> [UInt8]? {
        let certificate: NIOSSLCertificate?
        do {
            certificate = try await channel.nioSSL_peerCertificate().get()
        } catch {
            certificate = try? await channel.parent?.nioSSL_peerCertificate().get()
        }
        return try? certificate?.toDERBytes()
    }
}
