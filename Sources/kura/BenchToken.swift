import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore
import OAuthJOSE

/// `kura bench token`: authorization_code token responses per second (private_key_jwt + DPoP + ES256).
///
/// Codes are inserted straight into the CodeStore before the server starts; every request (form with a fresh
/// client-assertion `jti`, DPoP proof with a fresh `jti`) is signed before the timed phase, so only the server's
/// work and the HTTP round trip are measured.
struct TokenBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "authorization_code token responses/s with private_key_jwt + DPoP (ES256).")

    @OptionGroup var load: RequestBenchOptions
    @OptionGroup var options: BenchOptions

    /// Codes the bench inserts live this long: preparation time must not expire them. The server itself issues
    /// codes for at most 60 s (FAPI 2.0 SP §5.3.2.1-11); the token endpoint only checks `expiresAt`.
    static let codeLifetime: TimeInterval = 3600

    struct Seeded {
        let clientKey: JWSSigningKey
        let dpopKey: JWSSigningKey
        let codes: [(code: String, verifier: String)]
        let seconds: Double
    }

    func run() async throws {
        try await BenchServer.run(options, connections: load.connections, seed: { server in
            try await seed(server, count: load.total)
        }, body: { server, _, seeded in
            try await server.withConnections(load.connections, clientAuth: .privateKeyJWT) {
                try await measure(server, connections: $0, seeded: seeded)
            }
        })
    }

    /// Registers the client and one customer, and inserts `count` grants and codes (bound to the client, a PKCE
    /// challenge and the DPoP key's thumbprint), as the consent step would.
    func seed(_ benchServer: BenchServer, count: Int) async throws -> Seeded {
        let start = ContinuousClock.now
        let seed = try await BenchSeed.open(benchServer)
        let customer = try await seed.addCustomers(count: 1, prefix: "token-bench", password: Base64URL.encode(SystemRandom().bytes(12)))[0]
        let dpopKey = try JWSSigningKey.generate(.es256, kid: "bench-dpop")
        let jkt = dpopKey.publicJWK.thumbprint()
        let random = SystemRandom()
        let now = Date()
        benchLog("Preparing \(count) authorization codes in \(benchServer.databaseURL) …")
        var codes: [(code: String, verifier: String)] = []
        codes.reserveCapacity(count)
        for _ in 0..<count {
            let code = random.token()
            let verifier = PKCE.makeVerifier(using: random)
            let request = AuthorizationRequest(
                clientID: BenchSeed.clientID, responseType: "code", redirectURI: BenchSeed.redirectURI, scope: ["openid", "accounts"],
                state: random.token(), nonce: random.token(), codeChallenge: PKCE.challenge(for: verifier),
                codeChallengeMethod: PKCE.s256, dpopJKT: jkt)
            // As the consent step does: the grant exists from the customer's decision, the code points at it.
            let grantID = try await seed.insertGrant(userID: customer.id, scope: request.scope, now: now)
            try await seed.server.stores.codes.insert(AuthorizationCodeRecord(
                codeHash: CredentialHash.of(code), clientID: BenchSeed.clientID, userID: customer.id,
                grantID: grantID, request: request, authTime: now,
                acr: seed.server.configuration.login.twoFactorACR, amr: ["pwd", "otp", "mfa"], issuedAt: now,
                expiresAt: now.addingTimeInterval(Self.codeLifetime)))
            codes.append((code, verifier))
        }
        try await seed.backend.shutdown()
        return Seeded(clientKey: seed.clientKey, dpopKey: dpopKey, codes: codes, seconds: (ContinuousClock.now - start).seconds)
    }

    func measure(_ server: BenchServer, connections: [BenchConnection], seeded: Seeded) async throws {
        let signer = BenchRequestSigner(clientAuth: .privateKeyJWT, issuer: server.issuer, clientKey: seeded.clientKey, dpopKey: seeded.dpopKey)
        let prepared = try seeded.codes.map { code in
            try signer.post(OAuthServer.Path.token, form: [
                ("grant_type", "authorization_code"), ("code", code.code), ("redirect_uri", BenchSeed.redirectURI),
                ("code_verifier", code.verifier),
            ], senderConstrained: true)
        }
        let signSeconds = (ContinuousClock.now - signer.signedAt).seconds
        benchLog(String(format: "Prepared %d codes in %.1f s and signed %d requests in %.2f s", seeded.codes.count, seeded.seconds,
                        prepared.count, signSeconds))
        let accepts = BodyMarkers(contains: ["\"token_type\":\"DPoP\"", "\"access_token\""])
        let run = try await RequestLoad(options: load, timeLimit: options.timeLimit, connections: connections, accepts: accepts)
            .run(prepared, server: server, validUntil: signer.validUntil) {
                try checkConfirmation(ofAccessTokenIn: $0, clientAuth: .privateKeyJWT, expected: seeded.dpopKey.publicJWK.thumbprint())
            }
        var report = BenchReport(title: "kura bench token — authorization_code + private_key_jwt + DPoP (ES256), HTTPS, SQLite on disk",
                                 benchmark: "token")
        report.add(run, options: load)
        report.notes.append("codes were inserted directly into the CodeStore with a \(Int(Self.codeLifetime)) s expiry so that "
            + "preparation time cannot expire them; codes the server issues itself live at most 60 s")
        report.notes.append(String(format: "client assertions and DPoP proofs were signed before the timed phase (%.2f s), "
            + "so client-side signing is not measured; each response carries an ES256 access token and ID token", signSeconds))
        try report.finish(run)
    }
}
