import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE

/// `kura bench refresh`: `refresh_token` token responses per second (RFC 6749 §6), with private_key_jwt + DPoP or with
/// mutual TLS + certificate-bound tokens; rotation off (the default, FAPI 2.0 SP §5.3.2.1-9).
///
/// One grant and one refresh token per request are inserted straight into the database before the server starts,
/// as the authorization_code grant stores them: by hash, kind `refresh_token`, bound to the client and the grant, and
/// for mTLS to the client certificate (`cnf.x5t#S256`, RFC 8705 §3; none for DPoP, RFC 9449 §5). Every request is
/// built and signed before the warm-up.
struct RefreshBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "refresh_token token responses/s (no rotation) with private_key_jwt + DPoP or mTLS.")

    @OptionGroup var bench: ClientAuthBenchOptions

    struct Seeded {
        let clientKey: JWSSigningKey
        let refreshTokens: [String]
        let seconds: Double
    }

    func run() async throws {
        let clientAuth = bench.clientAuth, load = bench.load
        try await bench.run(seed: { server, seed in
            try await Self.seed(seed, server: server, count: load.total)
        }, body: { server, connections, seeded in
            let signer = BenchRequestSigner(clientAuth: clientAuth, issuer: server.issuer, clientKey: seeded.clientKey,
                                            dpopKey: try JWSSigningKey.generate(.es256, kid: "bench-dpop"))
            let prepared = try seeded.refreshTokens.map {
                try signer.post(OAuthServer.Path.token, form: [("grant_type", "refresh_token"), ("refresh_token", $0)], senderConstrained: true)
            }
            let signSeconds = (ContinuousClock.now - signer.signedAt).seconds
            benchLog(String(format: "Seeded %d grants and refresh tokens in %.1f s; built %d requests in %.2f s",
                            seeded.refreshTokens.count, seeded.seconds, prepared.count, signSeconds))
            // Rotation is off: a token response without a new refresh token.
            let accepts = ClientCredentialsBench.accepts(clientAuth).excluding("\"refresh_token\"")
            let run = try await RequestLoad(options: load, timeLimit: bench.options.timeLimit, connections: connections, accepts: accepts)
                .run(prepared, server: server, validUntil: signer.validUntil) {
                    try checkConfirmation(ofAccessTokenIn: $0, clientAuth: clientAuth,
                                          expected: try ClientCredentialsBench.expectedConfirmation(signer, server))
                }
            var report = BenchReport("refresh", "refresh_token (no rotation)", clientAuth: clientAuth, run: run, options: load)
            report.notes.append("one grant and refresh token per request were inserted directly into the database (by hash, bound "
                + "to client and grant\(clientAuth == .mtls ? " and to the client certificate" : ""), 90-day expiry); rotation is off, "
                + "so each response carries only a new ES256 access token")
            report.noteSigning(clientAuth, signed: "client assertions and DPoP proofs", seconds: signSeconds)
            try report.finish(run)
        })
    }

    /// Adds one customer, then inserts `count` grants, each with one refresh token.
    static func seed(_ seed: BenchSeed, server benchServer: BenchServer, count: Int) async throws -> Seeded {
        let start = ContinuousClock.now
        let clientAuth = seed.clientAuth
        let customer = try await seed.addCustomers(count: 1, prefix: "refresh-bench", password: Base64URL.encode(SystemRandom().bytes(12)))[0]
        // What TokenIssuer.refreshConfirmation stores: the certificate for an mTLS-bound grant, nothing for DPoP.
        let confirmation = clientAuth == .mtls
            ? ["x5t#S256": SenderBinding.certificateThumbprint(der: try benchServer.clientCertificate.certificateDER)] : [:]
        let random = SystemRandom()
        let now = Date()
        let scope = ["openid", "accounts"]
        let lifetime = seed.server.configuration.lifetimes.refreshToken
        benchLog("Preparing \(count) grants and refresh tokens in \(benchServer.databaseURL) …")
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for _ in 0..<count {
            let grantID = try await seed.insertGrant(userID: customer.id, scope: scope, now: now)
            let token = random.token()
            let hash = CredentialHash.of(token)
            try await seed.server.stores.tokens.insert(TokenRecord(
                tokenHash: hash, kind: .refreshToken, tokenID: hash, clientID: clientAuth.clientID, userID: customer.id,
                grantID: grantID, scope: scope, authorizationDetails: nil, confirmation: confirmation, issuedAt: now,
                expiresAt: now.addingTimeInterval(lifetime), authTime: now, acr: seed.server.configuration.login.twoFactorACR))
            tokens.append(token)
        }
        return Seeded(clientKey: seed.clientKey, refreshTokens: tokens, seconds: (ContinuousClock.now - start).seconds)
    }
}
