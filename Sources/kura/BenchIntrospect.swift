import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE

/// `kura bench introspect`: token introspection responses per second (RFC 7662 §2), the caller authenticated with
/// private_key_jwt or mutual TLS.
///
/// Before the warm-up the bench obtains one real access token per request through `client_credentials` (DPoP-bound
/// for private_key_jwt, certificate-bound for mTLS), then builds (and for private_key_jwt signs) every introspection
/// request. The caller is the tokens' own client: `kura serve` has no option for `resourceServerClientIDs`.
struct IntrospectBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "introspect", abstract: "Introspection responses/s (RFC 7662) with private_key_jwt or mTLS client authentication.")

    @OptionGroup var bench: ClientAuthBenchOptions

    func run() async throws {
        let clientAuth = bench.clientAuth, load = bench.load
        try await bench.run(seed: { _, seed in seed.clientKey }, body: { server, connections, clientKey in
            let dpopKey = try JWSSigningKey.generate(.es256, kid: "bench-dpop")
            let obtainSigner = BenchRequestSigner(clientAuth: clientAuth, issuer: server.issuer, clientKey: clientKey, dpopKey: dpopKey)
            let expected = try ClientCredentialsBench.expectedConfirmation(obtainSigner, server)
            let (tokens, obtainRate) = try await obtainTokens(connections: connections, signer: obtainSigner)

            let signer = BenchRequestSigner(clientAuth: clientAuth, issuer: server.issuer, clientKey: clientKey, dpopKey: dpopKey)
            let prepared = try tokens.map { try signer.post(OAuthServer.Path.introspection, form: [("token", $0)], senderConstrained: false) }
            let signSeconds = (ContinuousClock.now - signer.signedAt).seconds
            let accepts = BodyMarkers(contains: ["\"active\":true", "\"\(clientAuth.confirmationMember)\":"])
            let run = try await RequestLoad(options: load, timeLimit: bench.options.timeLimit, connections: connections, accepts: accepts)
                .run(prepared, server: server, validUntil: min(signer.validUntil, obtainSigner.signedAt + .seconds(590))) {
                    try Self.check($0, clientAuth: clientAuth, expected: expected)
                }
            var report = BenchReport("introspect", "RFC 7662", clientAuth: clientAuth, run: run, options: load)
            report.notes.append(String(format: "%d access tokens (client_credentials, %@-bound, no grant) were obtained from the server "
                + "before the warm-up (%.0f/s), one per request; each is introspected once, by its own client, as JSON",
                tokens.count, clientAuth == .privateKeyJWT ? "DPoP" : "certificate", obtainRate))
            report.noteSigning(clientAuth, signed: "their client assertions", seconds: signSeconds)
            try report.finish(run)
        })
    }

    /// One access token per request, from the server's token endpoint. Returns the tokens and the rate they came at.
    func obtainTokens(connections: [BenchConnection], signer: BenchRequestSigner) async throws -> ([String], Double) {
        let requests = try ClientCredentialsBench.requests(count: bench.load.total, signer: signer)
        benchLog("Obtaining \(requests.count) access tokens (client_credentials, \(bench.load.connections) connection(s)) …")
        let start = ContinuousClock.now
        let timeLimit = bench.options.timeLimit
        let loader = RequestLoad(options: bench.load, timeLimit: timeLimit, connections: connections,
                                 accepts: ClientCredentialsBench.accepts(signer.clientAuth))
        let outcomes = await loader.sendAll(requests, deadline: min(signer.validUntil, .now + .seconds(timeLimit)), keepBodies: true)
        let seconds = (ContinuousClock.now - start).seconds
        let tokens = outcomes.compactMap { outcome in
            outcome?.body.flatMap { JSONValue.parseObject(Data($0.utf8))?["access_token"]?.stringValue }
        }
        guard tokens.count == requests.count else {
            let bad = outcomes.compactMap { $0 }.first { $0.status != 200 }
            throw BenchError("obtained \(tokens.count) of \(requests.count) access tokens (time limit?) \(bad.map { "status \($0.status): \($0.body ?? "")" } ?? "")")
        }
        return (tokens, Double(tokens.count) / seconds)
    }

    /// The first answer in depth: active, the caller's own token, an access token bound as expected (RFC 7662 §2.2,
    /// RFC 9449 §6.2, RFC 8705 §3.2).
    static func check(_ body: String, clientAuth: BenchClientAuth, expected: String) throws {
        guard let m = JSONValue.parseObject(Data(body.utf8)), m["active"]?.boolValue == true,
              m["client_id"]?.stringValue == clientAuth.clientID, m["token_type"]?.stringValue == clientAuth.tokenType,
              m["cnf"]?.objectValue?[clientAuth.confirmationMember]?.stringValue == expected
        else { throw BenchError("unexpected introspection response: \(body.prefix(400))") }
    }
}
