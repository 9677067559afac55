import Foundation
import KuraClient
import OAuthCore
import OAuthJOSE

/// Shared keys, clock and randomness for the KuraClient suites.
enum ClientFixtures {
    static let issuer = "https://as.kura.example"
    static let clientID = "partner-1"
    static let redirectURI = URL(string: "https://partner.example/callback")!
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let clientKey = try! JWSSigningKey.generate(.es256, kid: "client-key-1")
    static let dpopKey = try! JWSSigningKey.generate(.es256, kid: "dpop-key-1")
    static let serverKey = try! JWSSigningKey.generate(.es256, kid: "as-key-1")
    static let serverEdKey = try! JWSSigningKey.generate(.edDSA, kid: "as-key-2")
    static let serverKeys = JWKSet(keys: [serverKey.publicJWK, serverEdKey.publicJWK])

    static func configuration(dpop: Bool = true) -> ClientConfiguration {
        ClientConfiguration(
            issuer: URL(string: issuer)!, clientID: clientID, authentication: .privateKeyJWT(clientKey),
            redirectURI: redirectURI, scopes: ["openid", "accounts"], dpopKey: dpop ? dpopKey : nil)
    }

    /// Decodes a compact JWS without verifying it: header and claims, for inspecting what the client produced.
    static func decode(_ token: String) throws -> (header: [String: JSONValue], claims: [String: JSONValue]) {
        let jws = try CompactJWS.parse(token)
        return (jws.header, try jws.payloadObject())
    }
}

/// Deterministic randomness: each call returns different bytes (a counter), so `jti`s still differ.
final class ClientTestRandom: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt8 = 0

    func bytes(_ count: Int) -> [UInt8] {
        lock.withLock {
            counter &+= 1
            return [UInt8](repeating: counter, count: count)
        }
    }
}

/// An in-memory `HTTPTransport`: answers with `handler` and records every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequestMessage) throws -> HTTPResponseMessage
    private let lock = NSLock()
    private var recorded: [HTTPRequestMessage] = []
    private let handler: Handler

    init(_ handler: @escaping Handler) { self.handler = handler }

    var requests: [HTTPRequestMessage] { lock.withLock { recorded } }

    func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        lock.withLock { recorded.append(request) }
        return try handler(request)
    }

    func shutdown() async throws {}
}

extension HTTPResponseMessage {
    static func json(_ object: JSONValue, status: Int = 200, url: URL, headers: HTTPHeaderFields = [:]) -> HTTPResponseMessage {
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponseMessage(status: status, headers: headers, body: object.jsonData(), url: url)
    }

    static func html(_ html: String, status: Int = 200, url: URL, headers: HTTPHeaderFields = [:]) -> HTTPResponseMessage {
        var headers = headers
        headers.set("Content-Type", "text/html; charset=utf-8")
        return HTTPResponseMessage(status: status, headers: headers, body: Data(html.utf8), url: url)
    }

    static func redirect(_ location: String, status: Int = 303, url: URL, headers: HTTPHeaderFields = [:]) -> HTTPResponseMessage {
        var headers = headers
        headers.set("Location", location)
        return HTTPResponseMessage(status: status, headers: headers, url: url)
    }
}

extension HTTPRequestMessage {
    /// The form parameters of an `application/x-www-form-urlencoded` body, as a dictionary (last value wins).
    var formParameters: [String: String] {
        Dictionary(FormURLEncoding.decode(String(decoding: body ?? Data(), as: UTF8.self)), uniquingKeysWith: { _, last in last })
    }
}
