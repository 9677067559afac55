import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE

/// `kura bench client-credentials`: `client_credentials` token responses per second (RFC 6749 §4.4), with
/// private_key_jwt + DPoP or with mutual TLS + certificate-bound tokens.
///
/// Nothing is seeded but the client; every request (client assertion and DPoP proof with fresh `jti`s for
/// private_key_jwt; only `client_id` for mTLS) is built and signed before the warm-up, so client-side signing is not
/// measured. Each response carries one ES256 access token; the server stores its hash (no refresh token, §4.4.3).
struct ClientCredentialsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-credentials",
        abstract: "client_credentials token responses/s with private_key_jwt + DPoP or mTLS + certificate-bound tokens.")

    @OptionGroup var bench: ClientAuthBenchOptions

    /// The scope every request asks for (the client may ask for `accounts`; `openid` needs an end-user).
    static let scope = "accounts"

    func run() async throws {
        let clientAuth = bench.clientAuth, load = bench.load
        try await bench.run(seed: { _, seed in seed.clientKey }, body: { server, connections, clientKey in
            let signer = BenchRequestSigner(clientAuth: clientAuth, issuer: server.issuer, clientKey: clientKey,
                                            dpopKey: try JWSSigningKey.generate(.es256, kid: "bench-dpop"))
            let prepared = try Self.requests(count: load.total, signer: signer)
            let signSeconds = (ContinuousClock.now - signer.signedAt).seconds
            benchLog(String(format: "Built %d requests in %.2f s", prepared.count, signSeconds))
            let run = try await RequestLoad(options: load, timeLimit: bench.options.timeLimit, connections: connections,
                                            accepts: Self.accepts(clientAuth))
                .run(prepared, server: server, validUntil: signer.validUntil) {
                    try checkConfirmation(ofAccessTokenIn: $0, clientAuth: clientAuth, expected: try Self.expectedConfirmation(signer, server))
                }
            var report = BenchReport("client-credentials", "client_credentials", clientAuth: clientAuth, run: run, options: load)
            report.noteSigning(clientAuth, signed: "client assertions and DPoP proofs", seconds: signSeconds)
            report.notes.append("each response carries one ES256 access token (scope \(Self.scope)), whose hash the server stores")
            try report.finish(run)
        })
    }

    /// `count` token requests, each with its own assertion and proof where private_key_jwt.
    static func requests(count: Int, signer: BenchRequestSigner) throws -> [BenchWireRequest] {
        try (0..<count).map { _ in
            try signer.post(OAuthServer.Path.token, form: [("grant_type", "client_credentials"), ("scope", scope)], senderConstrained: true)
        }
    }

    /// A token response with the `token_type` this client auth implies and an access token.
    static func accepts(_ clientAuth: BenchClientAuth) -> BodyMarkers {
        BodyMarkers(contains: ["\"token_type\":\"\(clientAuth.tokenType)\"", "\"access_token\""])
    }

    /// What `cnf` must hold: the DPoP key's RFC 7638 thumbprint, or the client certificate's SHA-256 (RFC 8705 §3.1).
    static func expectedConfirmation(_ signer: BenchRequestSigner, _ server: BenchServer) throws -> String {
        switch signer.clientAuth {
        case .privateKeyJWT: signer.dpopKey.publicJWK.thumbprint()
        case .mtls: SenderBinding.certificateThumbprint(der: try server.clientCertificate.certificateDER)
        }
    }
}
