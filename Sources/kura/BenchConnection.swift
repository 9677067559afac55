import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The bench load generator's client connection: HTTP/1.1 over TLS, kept alive between requests (RFC 9112 §9.3), one
/// request in flight at a time, each answer read whole (status, header fields, body) before the next is sent.
///
/// The load generator shares the machine's cores with the server it measures, so its own CPU per request caps the
/// figures. AsyncHTTPClient spent about 0.22 ms of CPU per request (pool bookkeeping, per-request validation of the
/// header fields, its streaming body state machines, task hops), a third of what the server spent; here a request is a
/// prebuilt `HTTPRequestHead` and body buffer written straight into a SwiftNIO pipeline, and the answer comes back
/// through one promise. A lane of requests driven through `lane(_:deadline:_:)` runs on the connection's event loop
/// thread (a task executor preference, SE-0417), so a request costs no hop between threads. Setup work (server start,
/// `/jwks`) still goes through AsyncHTTPClient.
final class BenchConnection: Sendable {
    /// How long `send` waits for a whole answer before it fails and closes the connection.
    static let requestTimeout: TimeAmount = .seconds(30)

    let channel: any Channel
    /// Runs a lane's jobs on the channel's event loop.
    let executor: LaneTaskExecutor

    private init(channel: any Channel) {
        self.channel = channel
        self.executor = LaneTaskExecutor(channel.eventLoop)
    }

    /// Opens a TCP connection and starts TLS on it (full verification, as `tls` was configured). Like AsyncHTTPClient,
    /// it sends SNI only for a host name: an IP address literal is not a valid `server_name` (RFC 6066 §3), and without
    /// one NIOSSL checks the certificate's iPAddress subject alternative name against the peer's address instead.
    static func connect(host: String, port: Int, tls: NIOSSLContext, timeout: TimeAmount = .seconds(10)) async throws -> BenchConnection {
        let serverHostname = (try? SocketAddress(ipAddress: host, port: port)) == nil ? host : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    try pipeline.addHandler(HTTPRequestEncoder())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(BenchExchangeHandler())
                }
            }
            .connect(host: host, port: port).get()
        return BenchConnection(channel: channel)
    }

    /// Sends `request` and returns the whole answer. Fails (never hangs) when the connection fails or closes, or when no
    /// complete answer arrives within `timeout` (the connection is then closed: its state is unknown).
    func send(_ request: BenchWireRequest, timeout: TimeAmount = requestTimeout) async throws -> BenchWireResponse {
        let answer = channel.eventLoop.makePromise(of: BenchWireResponse.self)
        // A write that cannot reach the handler (the pipeline is gone after a close) fails here instead.
        channel.writeAndFlush(BenchExchange(request: request, answer: answer, timeout: timeout)).whenFailure { answer.fail($0) }
        return try await answer.futureResult.get()
    }

    /// Runs `step` for each of `jobs` in order, on this connection's event loop thread, until `deadline`; returns each
    /// job index that ran with its result.
    func lane<R>(_ jobs: some Sequence<Int>, deadline: ContinuousClock.Instant,
                 _ step: (BenchConnection, Int) async -> R) async -> [(Int, R)] {
        await withTaskExecutorPreference(executor) {
            var done: [(Int, R)] = []
            for job in jobs {
                if ContinuousClock.now >= deadline { break }
                done.append((job, await step(self, job)))
            }
            return done
        }
    }

    func close() async {
        try? await channel.close()
    }
}

/// A task executor (SE-0417) that runs jobs on one NIO event loop. A continuation resumed by that loop (the answer's
/// promise) is then continued on the same thread in the same loop tick, with no wake-up of another thread.
final class LaneTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A request prepared before the warm-up: the head (request line and header fields, with `Host` and `Content-Length`
/// as AsyncHTTPClient adds them) and the body, both sent as they are, as often as needed.
struct BenchWireRequest: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer

    /// - Parameters:
    ///   - url: an absolute `https://host:port/path?query` URL: its authority becomes `Host`, the rest the request target.
    ///   - fields: the header fields in order (signed ones exactly as signed).
    init(method: HTTPMethod, url: String, fields: [(name: String, value: String)], body: [UInt8] = []) throws {
        guard let schemeEnd = url.firstRange(of: "://") else { throw BenchError("not an absolute URL: \(url)") }
        let rest = url[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash]), target = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !authority.isEmpty else { throw BenchError("no host in \(url)") }
        var headers = HTTPHeaders(fields)
        headers.add(name: "Host", value: authority)
        // RFC 9110 §8.6, as AsyncHTTPClient does: the length of any body, and 0 for an empty one only where the method
        // anticipates content (so a GET without a body carries no Content-Length).
        if !body.isEmpty || ![.GET, .HEAD, .DELETE, .CONNECT, .TRACE].contains(method) {
            headers.add(name: "Content-Length", value: String(body.count))
        }
        self.head = HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers)
        self.body = ByteBuffer(bytes: body)
    }
}

/// A whole answer: status line and header fields as received, and the body.
struct BenchWireResponse: Sendable {
    let head: HTTPResponseHead
    let body: ByteBuffer

    var status: Int { Int(head.status.code) }
    var headers: HTTPHeaders { head.headers }
    /// The body as text (for failures and in-depth checks only: the per-answer checks work on bytes).
    var text: String { String(buffer: body) }
}

enum BenchConnectionError: Error, CustomStringConvertible {
    case closed, timedOut, busy, unexpectedResponse

    var description: String {
        switch self {
        case .closed: "the server closed the connection"
        case .timedOut: "no complete answer within the request timeout; connection closed"
        case .busy: "a request is already in flight on this connection"
        case .unexpectedResponse: "an answer arrived with no request in flight; connection closed"
        }
    }
}

/// One request and where its answer goes.
struct BenchExchange: Sendable {
    let request: BenchWireRequest
    let answer: EventLoopPromise<BenchWireResponse>
    let timeout: TimeAmount
}

/// Writes one `BenchExchange` as HTTP/1.1 request parts, gathers the answer's head and body, and fulfils the exchange's
/// promise when the answer ends; fails it on an error, a close or the timeout.
final class BenchExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = BenchExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: EventLoopPromise<BenchWireResponse>?
    private var timer: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil, context.channel.isActive else {
            let error: BenchConnectionError = pending == nil ? .closed : .busy
            exchange.answer.fail(error)
            promise?.fail(error)
            return
        }
        pending = exchange.answer
        head = nil
        body = nil
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: exchange.timeout) {
            self.fail(BenchConnectionError.timedOut)
            context.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(exchange.request.head)), promise: nil)
        if exchange.request.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(exchange.request.body))), promise: nil)
        }
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }   // the close fails `pending`
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
        case .body(var part):
            if body == nil { body = part } else { body?.writeBuffer(&part) }
        case .end:
            guard let answer = pending, let head else {
                fail(BenchConnectionError.unexpectedResponse)
                context.close(promise: nil)
                return
            }
            timer?.cancel()
            timer = nil
            pending = nil
            let response = BenchWireResponse(head: head, body: body ?? ByteBuffer())
            self.head = nil
            body = nil
            if !head.isKeepAlive { context.close(promise: nil) }   // the next send fails as closed
            answer.succeed(response)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(BenchConnectionError.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(BenchConnectionError.closed)
    }

    private func fail(_ error: any Error) {
        timer?.cancel()
        timer = nil
        head = nil
        body = nil
        if let answer = pending {
            pending = nil
            answer.fail(error)
        }
    }
}

extension BenchServer {
    /// `count` connections to the server (presenting the bench's client certificate for `.mtls`), one per load lane,
    /// open for `body` and closed after it, also when it throws.
    func withConnections<T>(_ count: Int, clientAuth: BenchClientAuth,
                            _ body: ([BenchConnection]) async throws -> T) async throws -> T {
        let tls = try NIOSSLContext(configuration: tlsConfiguration(presentCertificate: clientAuth == .mtls))
        var connections: [BenchConnection] = []
        do {
            for _ in 0..<count { connections.append(try await BenchConnection.connect(host: host, port: port, tls: tls)) }
            let result = try await body(connections)
            for connection in connections { await connection.close() }
            return result
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
    }
}
