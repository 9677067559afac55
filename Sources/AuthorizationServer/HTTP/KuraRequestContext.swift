import Hummingbird
import NIOCore
import NIOSSL

/// The request context of every Kura route: captures the transport facts Kura needs once, at the edge.
///
/// The TLS client certificate (RFC 8705) is resolved once per request by `ClientCertificateMiddleware` — from the
/// handshake, or from a trusted proxy's RFC 9440 header — so every endpoint sees the same certificate.
public struct KuraRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    /// The client certificate of this request, set by `ClientCertificateMiddleware`; nil when none was presented,
    /// mutual TLS is disabled, or the middleware is not installed (so mTLS fails closed).
    public internal(set) var clientCertificate: ClientCertificate?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The TCP peer. For HTTP/2 the request runs on a stream channel whose parent is the connection.
    public var remoteAddress: SocketAddress? { channel.remoteAddress ?? channel.parent?.remoteAddress }

    /// DER bytes of the resolved client certificate (see `clientCertificate`), or nil.
    public func clientCertificateDER() async -> [UInt8]? {
        clientCertificate?.der
    }

    /// DER bytes of the leaf certificate the peer presented in this connection's TLS handshake, or nil. For HTTP/2
    /// the TLS handler sits on the parent (connection) channel (STACK-NOTES §1.1).
    func handshakeCertificateDER() async -> [UInt8]? {
        let certificate: NIOSSLCertificate?
        // On the connection's own event loop (where request tasks normally run, see `EventLoopTaskExecutor`) the TLS
        // handler is read synchronously: no future, no task switch.
        // For HTTP/2 the TLS handler is on the connection channel, which shares the stream's event loop.
        let connection = channel.parent ?? channel
        if connection.eventLoop.inEventLoop,
           let handler = try? connection.pipeline.syncOperations.handler(type: NIOSSLHandler.self) {
            return try? handler.peerCertificate?.toDERBytes()
        }
        do {
            certificate = try await channel.nioSSL_peerCertificate().get()
        } catch {
            certificate = try? await channel.parent?.nioSSL_peerCertificate().get()
        }
        return try? certificate?.toDERBytes()
    }
}
