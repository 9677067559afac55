import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOSSL

/// `HTTPTransport` on AsyncHTTPClient, with redirects disabled and the client's TLS settings (custom trust roots,
/// optional client certificate for RFC 8705 mutual TLS).
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// The largest response body read (bank API pages and JWKS are far smaller).
    public static let maximumBodySize = 8 * 1024 * 1024

    let client: HTTPClient
    let timeout: TimeAmount

    /// Creates a transport with its own `HTTPClient` on the shared event loop group.
    /// - Throws: when a PEM file in `tls` cannot be read.
    public init(tls: ClientTLSConfiguration = ClientTLSConfiguration(), timeout: Duration = .seconds(30)) throws {
        let configuration = HTTPClient.Configuration(
            tlsConfiguration: try tls.makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(timeout.components.seconds)),
            decompression: .disabled)
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.timeout = .seconds(timeout.components.seconds)
    }

    public func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = .init(rawValue: request.method)  // NIOHTTP1.HTTPMethod, named implicitly
        for field in request.headers { outgoing.headers.add(name: field.name, value: field.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        let response = try await client.execute(outgoing, timeout: timeout)
        var headers = HTTPHeaderFields()
        for (name, value) in response.headers { headers.add(name, value) }
        let buffer = try await response.body.collect(upTo: Self.maximumBodySize)
        return HTTPResponseMessage(
            status: Int(response.status.code), headers: headers, body: Data(buffer: buffer), url: request.url)
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// A safety net for a caller that never called `shutdown()` (e.g. because an error was thrown first): starts a
    /// non-blocking shutdown so the `HTTPClient` neither leaks nor trips its debug-build deinit precondition. After a
    /// regular `shutdown()` this only reports "already shut down", which is ignored.
    deinit {
        client.shutdown(queue: .global()) { _ in }
    }
}
