import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import X509

/// Resolves the client certificate of a request once, for every endpoint (RFC 8705 §2, §3; RFC 9440 §4).
///
/// - From a configured trusted proxy: only the RFC 9440 `Client-Cert` header counts (the proxy's own TLS
///   certificate towards Kura is not the client's); `Client-Cert-Chain` adds path-building candidates.
/// - From anyone else: only the certificate of Kura's own TLS handshake counts, and the RFC 9440 headers are
///   ignored, since any client could write them.
///
/// Either way the headers are removed before routing, so no handler can read an unvetted copy.
public struct ClientCertificateMiddleware: RouterMiddleware {
    public typealias Context = KuraRequestContext
    let resolver: ClientCertificateResolver

    public init(configuration: MutualTLSConfiguration) {
        resolver = ClientCertificateResolver(configuration: configuration)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var resolved = context
        resolved.clientCertificate = await resolver.resolve(
            headers: request.headers, peer: context.remoteAddress, logger: context.logger,
            handshakeCertificate: { await context.handshakeCertificateDER() })
        return try await next(Self.removingProxyHeaders(request), resolved)
    }

    /// The request without `Client-Cert` / `Client-Cert-Chain` (the body stream is passed on untouched).
    static func removingProxyHeaders(_ request: Request) -> Request {
        let fields = request.headers
        guard fields[ClientCertHeader.certificateField] != nil || fields[ClientCertHeader.chainField] != nil else { return request }
        var head = request.head
        head.headerFields[ClientCertHeader.certificateField] = nil
        head.headerFields[ClientCertHeader.chainField] = nil
        return Request(head: head, body: request.body)
    }
}

/// The decision `ClientCertificateMiddleware` makes, without HTTP, so it can be tested on its own.
public struct ClientCertificateResolver: Sendable {
    public let configuration: MutualTLSConfiguration

    public init(configuration: MutualTLSConfiguration) { self.configuration = configuration }

    /// Whether `peer` may pass the client certificate in RFC 9440 headers.
    public func isTrustedProxy(_ peer: SocketAddress?) -> Bool {
        configuration.trustedProxies.contains { $0.contains(peer) }
    }

    /// The client certificate of a request from `peer` with `headers`; `handshakeCertificate` reads the TLS
    /// handshake's leaf (called only when it is the source). Nil when mutual TLS is disabled or nothing usable
    /// was presented; a malformed header from a trusted proxy is logged and treated as no certificate.
    public func resolve(headers: HTTPFields, peer: SocketAddress?, logger: Logger,
                        handshakeCertificate: () async -> [UInt8]?) async -> ClientCertificate? {
        guard configuration.enabled else { return nil }
        guard isTrustedProxy(peer) else {
            guard let der = await handshakeCertificate() else { return nil }
            do { return try ClientCertificate(der: der, source: .tlsHandshake) } catch {
                logger.warning("TLS client certificate is not parseable as X.509", metadata: ["error": "\(error)"])
                return nil
            }
        }
        guard headers[ClientCertHeader.certificateField] != nil else { return nil }
        guard let der = ClientCertHeader.certificate(in: headers) else {
            logger.warning("Client-Cert from trusted proxy is malformed or repeated (RFC 9440 2.2); ignored")
            return nil
        }
        var intermediates: [Certificate] = []
        if let chain = ClientCertHeader.chain(in: headers), let parsed = try? chain.map({ try Certificate(derEncoded: $0) }) {
            intermediates = parsed
        } else {
            logger.warning("Client-Cert-Chain from trusted proxy is malformed (RFC 9440 2.3); ignored")
        }
        do { return try ClientCertificate(der: der, intermediates: intermediates, source: .trustedProxy) } catch {
            logger.warning("Client-Cert from trusted proxy is not an X.509 certificate", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
