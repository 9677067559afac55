import Foundation
import HTTPMessageSignatures
import KuraClient
import OAuthCore
import OAuthJOSE
import Testing

/// KuraClient with `signsResourceRequests`: resource requests carry a FAPI request signature, and responses must carry
/// a valid `fapi-2-response` signature by a key of the AS JWKS.
@Suite("HTTPSignatures: KuraClient signs resource requests and verifies response signatures")
struct HTTPSignatureClientTests {
    let clock = ManualClock(ClientFixtures.now)
    static let resource = URL(string: "https://as.kura.example/accounts?limit=5")!

    enum Answer: Sendable { case signed, unsigned, tamperedBody, rotatedKey }

    /// Discovery and JWKS from `FakeBackChannel`; `/accounts` answers as `answer` says, signing with the AS key.
    func client(_ answer: Answer, signing: Bool = true) throws -> (KuraClient, ScriptedTransport) {
        let rotated = try JWSSigningKey.generate(.es256, kid: "as-key-rotated")
        let jwksCalls = Counter()
        let transport = ScriptedTransport { request in
            if request.url.path == "/jwks", answer == .rotatedKey, jwksCalls.increment() > 1 {
                return .json(.object(JWKSet(keys: [rotated.publicJWK]).publicJSON), url: request.url)
            }
            switch request.url.path {
            case "/.well-known/openid-configuration": return .json(FakeBackChannel().metadata(), url: request.url)
            case "/jwks": return .json(.object(ClientFixtures.serverKeys.publicJSON), url: request.url)
            default: break
            }
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            let body = Array(#"{"accounts":[]}"#.utf8)
            if answer != .unsigned {
                let view = HTTPSignatureRequest(
                    method: request.method, targetURI: request.url.absoluteString,
                    headers: request.headers.fields.map { ($0.name, $0.value) }, body: Array(request.body ?? Data()))
                let verified = try FAPIHTTPSignatures.verifyRequest(view, keys: JWKSet(keys: [ClientFixtures.clientKey.publicJWK]), now: ClientFixtures.now)
                headers += try FAPIHTTPSignatures.signResponse(
                    status: 200, headers: headers, body: body, request: view, requestSignature: verified,
                    key: answer == .rotatedKey ? rotated : ClientFixtures.serverKey, created: ClientFixtures.now)
            }
            var fields = HTTPHeaderFields()
            for header in headers { fields.add(header.name, header.value) }
            let sent = answer == .tamperedBody ? Data(#"{"accounts":[1]}"#.utf8) : Data(body)
            return HTTPResponseMessage(status: 200, headers: fields, body: sent, url: request.url)
        }
        var configuration = ClientFixtures.configuration()
        configuration.signsResourceRequests = signing
        return (try KuraClient(configuration: configuration, transport: transport, clock: clock, random: ClientTestRandom()), transport)
    }

    @Test("A signed GET carries Signature-Input and Signature covering authorization and dpop; the signed response is accepted")
    func signsAndAccepts() async throws {
        let (client, transport) = try client(.signed)
        let response = try await client.get(Self.resource, token: "at-1")
        #expect(response.status == 200)
        let sent = try #require(transport.requests.last { $0.url.path == "/accounts" })
        let input = try #require(sent.headers["Signature-Input"])
        #expect(input.hasPrefix(#"sig=("@method" "@target-uri" "authorization" "dpop");created=1800000000;keyid="client-key-1";tag="fapi-2-request""#))
        #expect(sent.headers["Signature"] != nil)
    }

    @Test("A POST adds Content-Digest and covers it")
    func signsBody() async throws {
        let (client, transport) = try client(.signed)
        _ = try await client.post(Self.resource, token: "at-1", json: ["amount": "1.00"])
        let sent = try #require(transport.requests.last { $0.url.path == "/accounts" })
        #expect(sent.headers["Content-Digest"] == ContentDigest.sha256(sent.body ?? Data()))
        #expect(sent.headers["Signature-Input"]?.contains(#""content-digest");created"#) == true)
    }

    @Test("A response without signature or whose body was changed is refused with invalidResponseSignature")
    func rejects() async throws {
        let (unsigned, _) = try client(.unsigned)
        await #expect(throws: KuraClientError.invalidResponseSignature(
            "The response signature is missing or malformed: The message has no Signature-Input field")) {
            try await unsigned.get(Self.resource, token: "at-1")
        }
        let (tampered, _) = try client(.tamperedBody)
        await #expect(throws: KuraClientError.invalidResponseSignature("The Content-Digest sha-256 does not match the body")) {
            try await tampered.get(Self.resource, token: "at-1")
        }
    }

    @Test("An unknown keyid in the response re-fetches the JWKS once")
    func refetchesJWKS() async throws {
        let (client, transport) = try client(.rotatedKey)
        _ = try await client.jwks()
        #expect(try await client.get(Self.resource, token: "at-1").status == 200)
        #expect(transport.requests.filter { $0.url.path == "/jwks" }.count == 2)
    }

    @Test("Without signsResourceRequests nothing is signed and unsigned responses are accepted")
    func off() async throws {
        let (client, transport) = try client(.unsigned, signing: false)
        #expect(try await client.get(Self.resource, token: "at-1").status == 200)
        #expect(transport.requests.last?.headers["Signature"] == nil)
    }
}

/// A thread-safe counter for scripted transports.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
