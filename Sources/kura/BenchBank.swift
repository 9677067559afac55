import ArgumentParser
import AsyncHTTPClient
import AuthorizationServer
import BankCore
import Foundation
import HTTPMessageSignatures
import KuraClient
import KuraServer
import Logging
import NIOCore
import NIOHTTP1
import OAuthCore
import OAuthJOSE

/// Options of the bank API benches (`transactions`, `transfers`).
struct BankBenchOptions: ParsableArguments {
    @Flag(help: "Register the client with require_http_message_signatures and sign every request (RFC 9421, FAPI 2.0 HTTP Signatures); signed requests must be sent within 55 s of signing.")
    var signedRequests = false

    @OptionGroup var load: RequestBenchOptions
    @OptionGroup var options: BenchOptions
}

/// What the bank benches seed before the server starts: the partner client (ES256 private_key_jwt, scopes `accounts`
/// and `transfers`, optionally `require_http_message_signatures`), one customer with one JPY account, its history, a
/// saved payee at another bank, and one grant with a refresh token, from which the bench later obtains its access token
/// through the real token endpoint.
struct BankBenchSeed: Sendable {
    static let accountID = "acc_bench_ordinary"
    /// The saved payee, at another bank (so transfers credit the clearing account).
    static let payee = BankAccountReference(bankCode: "0005", branchCode: "123", accountNumber: "7654321", name: "トウキョウ デンキ")

    let clientKey: JWSSigningKey
    let refreshToken: String
    /// The account's balance once seeded, in yen.
    let balanceMinor: Int64
    let seconds: Double

    /// Opens the server's database (before the server starts), seeds it and closes it again.
    /// - Parameters:
    ///   - scope: the grant's scope (`accounts` or `transfers`).
    ///   - history: card payments booked on the account (one an hour back from now) after an opening deposit of `opening`.
    static func seed(_ benchServer: BenchServer, scope: [String], signedRequests: Bool, history: Int, opening: Int64) async throws -> BankBenchSeed {
        let start = ContinuousClock.now
        var logger = Logger(label: "kura-bench")
        logger.logLevel = .warning
        let backend = try Database.open(benchServer.databaseURL, logger: logger)
        do {
            try await backend.migrate()
            let seeded = try await seed(backend, benchServer: benchServer, scope: scope, signedRequests: signedRequests, history: history,
                                        opening: opening, logger: logger, start: start)
            try await backend.shutdown()
            return seeded
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    private static func seed(_ backend: any StorageBackend, benchServer: BenchServer, scope: [String], signedRequests: Bool, history: Int,
                             opening: Int64, logger: Logger, start: ContinuousClock.Instant) async throws -> BankBenchSeed {
        guard let bank = (backend as? any BankStoreProvider)?.bank else { throw BenchError("the database holds no bank ledger") }
        let server = OAuthServer(configuration: ServerConfiguration(issuer: benchServer.issuer), stores: backend.stores, logger: logger)
        let key = try JWSSigningKey.generate(.es256, kid: "bench-partner-1")
        var metadata = BenchClientAuth.privateKeyJWT.metadata(clientKey: key)
        metadata["scope"] = "openid accounts transfers"
        if signedRequests { metadata["require_http_message_signatures"] = true }
        let validated = try ClientMetadataValidator(configuration: server.configuration).validate(metadata)
        let now = Date()
        try await server.stores.clients.insert(ClientRecord(clientID: BenchSeed.clientID, metadata: validated, createdAt: now, updatedAt: now))
        let seed = BenchSeed(backend: backend, server: server, clientKey: key, clientAuth: .privateKeyJWT)
        let customer = try await seed.addCustomers(count: 1, prefix: "bank-bench", password: Base64URL.encode(SystemRandom().bytes(12)))[0]

        // The same system accounts `kura serve` ensures on start (default bank code 0999).
        try await BankConfiguration().ensureSystemAccounts(in: bank, now: now)
        let funding = BankConfiguration.SystemAccount.funding.id(.jpy)
        try await bank.createAccount(Account(
            id: accountID, userID: customer.id, kind: .ordinary, currency: .jpy, branchCode: "001", accountNumber: "1000001",
            name: "Ordinary deposit", holderName: "ベンチ タロウ", openedAt: now.addingTimeInterval(-Double(history + 48) * 3600)))
        try await bank.post(Booking(id: "bench-opening", bookedAt: now.addingTimeInterval(-Double(history + 24) * 3600), legs: [
            .init(accountID: funding, amountMinor: -opening, description: "Opening deposit"),
            .init(accountID: accountID, amountMinor: opening, description: "Opening deposit"),
        ]))
        var balance = opening
        for i in 0..<history {
            let amount = Int64(100 + i % 900)
            try await bank.post(Booking(id: "bench-card-\(i)", bookedAt: now.addingTimeInterval(Double(i - history) * 3600), legs: [
                .init(accountID: accountID, amountMinor: -amount, description: "Card payment \(i)", counterpartyName: "コンビニ"),
                .init(accountID: funding, amountMinor: amount, description: "Card settlement \(i)"),
            ]))
            balance -= amount
        }
        try await bank.addPayee(Payee(id: "payee-bench", userID: customer.id, account: payee, createdAt: now))

        // A grant and refresh token as the code grant stores them (DPoP: the refresh token carries no binding).
        let grantID = try await seed.insertGrant(userID: customer.id, scope: scope, now: now)
        let refreshToken = SystemRandom().token()
        let hash = CredentialHash.of(refreshToken)
        try await server.stores.tokens.insert(TokenRecord(
            tokenHash: hash, kind: .refreshToken, tokenID: hash, clientID: BenchSeed.clientID, userID: customer.id, grantID: grantID,
            scope: scope, authorizationDetails: nil, confirmation: [:], issuedAt: now,
            expiresAt: now.addingTimeInterval(server.configuration.lifetimes.refreshToken), authTime: now,
            acr: server.configuration.login.twoFactorACR))
        return BankBenchSeed(clientKey: key, refreshToken: refreshToken, balanceMinor: balance, seconds: (ContinuousClock.now - start).seconds)
    }
}

/// A DPoP-bound access token obtained from the running server, and what the bench needs to present it.
struct BankBenchToken: Sendable {
    let accessToken: String
    let dpop: DPoPProofFactory
    /// When the token was obtained: it lives `Lifetimes.accessToken` (600 s) from about then.
    let obtainedAt: ContinuousClock.Instant

    /// One `refresh_token` request to the real token endpoint (private_key_jwt, DPoP proof with the bench's key); the
    /// answer must be a DPoP token whose `cnf.jkt` is that key's thumbprint.
    static func obtain(server: BenchServer, connection: BenchConnection, seeded: BankBenchSeed, scope: String) async throws -> BankBenchToken {
        let dpopKey = try JWSSigningKey.generate(.es256, kid: "bench-dpop")
        let signer = BenchRequestSigner(clientAuth: .privateKeyJWT, issuer: server.issuer, clientKey: seeded.clientKey, dpopKey: dpopKey)
        let obtainedAt = ContinuousClock.now
        let request = try signer.post(OAuthServer.Path.token, form: [("grant_type", "refresh_token"), ("refresh_token", seeded.refreshToken)],
                                      senderConstrained: true)
        let outcome = await RequestLoad.send(request, on: connection, keepBody: true, accepts: ClientCredentialsBench.accepts(.privateKeyJWT))
        guard outcome.status == 200, let body = outcome.body else {
            throw BenchError("the refresh_token request failed (status \(outcome.status)): \(outcome.body ?? "")")
        }
        try checkConfirmation(ofAccessTokenIn: body, clientAuth: .privateKeyJWT, expected: dpopKey.publicJWK.thumbprint())
        guard let response = JSONValue.parseObject(Data(body.utf8)), let token = response["access_token"]?.stringValue,
              response["scope"]?.stringValue == scope
        else { throw BenchError("unexpected token response: \(body.prefix(300))") }
        return BankBenchToken(accessToken: token, dpop: DPoPProofFactory(key: dpopKey), obtainedAt: obtainedAt)
    }

    /// Until when the token is certainly accepted (issued for 600 s; 10 s kept for clock rounding).
    var validUntil: ContinuousClock.Instant { obtainedAt + .seconds(590) }
}

/// Builds bank API requests ahead of the timed phase: `Authorization: DPoP <token>`, a fresh DPoP proof with `ath`
/// (RFC 9449 §4.2, §7.1) per request, and with `clientKey` an RFC 9421 signature (`FAPIHTTPSignatures.signRequest`:
/// `@method`, `@target-uri`, `authorization`, `dpop`, `content-digest`; tag `fapi-2-request`).
struct BankRequestBuilder {
    let origin: String
    let token: BankBenchToken
    /// The client's registered key, when requests are signed.
    let clientKey: JWSSigningKey?
    /// RFC 9421 `created` of every signature (whole seconds, as the server compares them) and the proofs' `iat` era.
    let created = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    let startedAt = ContinuousClock.now

    /// Until when what is built now is accepted: signatures for 60 s after `created` (the server's `signatureMaxAge`),
    /// DPoP proofs for 300 s (`dpopProofMaxAge`); 5 s and 10 s are kept in hand.
    var validUntil: ContinuousClock.Instant {
        min(startedAt + .seconds(clientKey == nil ? 290 : 55), token.validUntil)
    }

    /// A request to `pathAndQuery` and the header fields it carries (for verifying the response signature later).
    func build(_ method: String, _ pathAndQuery: String, json body: [UInt8]? = nil,
               extra: [(name: String, value: String)] = []) throws -> BankBenchRequest {
        let url = origin + pathAndQuery
        guard let parsed = URL(string: url) else { throw BenchError("not a URL: \(url)") }
        var fields: [(name: String, value: String)] = [
            ("Authorization", "DPoP \(token.accessToken)"),
            ("DPoP", try token.dpop.proof(method: method, url: parsed, accessToken: token.accessToken)),
            ("Accept", "application/json"),
        ] + extra
        if let body {
            // RFC 9530: a FAPI client sends the body's digest, so the response signature covers it ("content-digest";req).
            fields += [("Content-Type", "application/json"), ("Content-Digest", ContentDigest.sha256(body))]
        }
        if let clientKey {
            let message = HTTPSignatureRequest(method: method, targetURI: url, headers: fields, body: body ?? [])
            fields += try FAPIHTTPSignatures.signRequest(message, key: clientKey, created: created)
        }
        let wire = try BenchWireRequest(method: HTTPMethod(rawValue: method), url: url, fields: fields, body: body ?? [])
        return BankBenchRequest(wire: wire, method: method, url: url, fields: fields, body: body ?? [])
    }
}

/// A prepared request (as sent) with what RFC 9421 needs to check the response against it.
struct BankBenchRequest: Sendable {
    let wire: BenchWireRequest
    let method: String
    let url: String
    let fields: [(name: String, value: String)]
    let body: [UInt8]

    var signatureRequest: HTTPSignatureRequest { HTTPSignatureRequest(method: method, targetURI: url, headers: fields, body: body) }
}

/// The server's published keys (`/jwks`), to verify response signatures with.
func fetchServerKeys(_ server: BenchServer, http: HTTPClient) async throws -> JWKSet {
    var request = HTTPClientRequest(url: server.issuer + OAuthServer.Path.jwks)
    request.method = .GET
    let response = try await http.execute(request, timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    guard response.status == .ok else { throw BenchError("GET /jwks answered \(response.status.code)") }
    return try JWKSet(jsonData: Data(body.readableBytesView))
}
