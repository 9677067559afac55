import ArgumentParser
import AsyncHTTPClient
import BankAPI
import Foundation
import OAuthCore
import OAuthJOSE

/// `kura bench transactions`: `GET /api/accounts/{id}/transactions?limit=20` answers per second through the whole bank
/// API pipeline (FAPI 2.0 SP §5.3.4): a DPoP-bound access token with a fresh proof carrying `ath` per request (RFC 9449
/// §7.1; its `jti` is recorded), the grant's account check, a keyset page of the ledger, and the RFC 9421 response
/// signature with `Content-Digest` (FAPI 2.0 HTTP Signatures); with `--signed-requests` also a verified RFC 9421 request
/// signature per request.
///
/// The account holds `--history` card payments; the grant (scope `accounts`) and its refresh token are inserted before
/// the server starts, and the access token comes from the real token endpoint (refresh grant) once it runs. Every
/// proof (and signature) is made before the warm-up.
struct TransactionsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Bank API GET /api/accounts/{id}/transactions?limit=20 answers/s (DPoP + ath, signed responses; --signed-requests).")

    @OptionGroup var bank: BankBenchOptions

    @Option(help: "Entries on the account (card payments against the funding account), besides the opening deposit.")
    var history: Int = 300

    static let limit = 20

    func validate() throws {
        guard (Self.limit...100_000).contains(history) else { throw ValidationError("--history must be \(Self.limit)–100000") }
    }

    func run() async throws {
        let load = bank.load, signed = bank.signedRequests, history = history
        try await BenchServer.run(bank.options, connections: load.connections, seed: { server in
            benchLog("Seeding a customer, an account with \(history) entries, a grant and a refresh token …")
            return try await BankBenchSeed.seed(server, scope: ["accounts"], signedRequests: signed, history: history, opening: 10_000_000)
        }, body: { server, http, seeded in
            try await server.withConnections(load.connections, clientAuth: .privateKeyJWT) { connections in
                let token = try await BankBenchToken.obtain(server: server, connection: connections[0], seeded: seeded, scope: "accounts")
                let keys = try await fetchServerKeys(server, http: http)
                let builder = BankRequestBuilder(origin: server.issuer, token: token, clientKey: signed ? seeded.clientKey : nil)
                let path = BankAPI.Path.transactions(BankBenchSeed.accountID) + "?limit=\(Self.limit)"
                let jobs = try (0..<(load.total)).map { _ in BankJob(request: try builder.build("GET", path), amount: 0, retryOf: nil) }
                let buildSeconds = (ContinuousClock.now - builder.startedAt).seconds
                benchLog(String(format: "Seeded in %.1f s; built %d requests in %.2f s", seeded.seconds, jobs.count, buildSeconds))

                let expectation = BankExpectation(status: 200, bodyContains: [
                    "\"accountId\":\"\(BankBenchSeed.accountID)\"", "\"transactions\":[{", "\"nextCursor\":\"",
                ])
                let loader = BankLoad(connections: connections, expectation: expectation)
                try await Self.checkInDepth(jobs[0], loader: loader, keys: keys)
                let warm = Array(jobs[1..<load.warmup]), timed = Array(jobs[load.warmup...])
                let (_, run) = try await loader.run(
                    warmup: warm, warmupLanes: BankLoad.roundRobin(count: warm.count, connections: load.connections),
                    timed: timed, timedLanes: BankLoad.roundRobin(count: timed.count, connections: load.connections),
                    server: server, validUntil: builder.validUntil, timeLimit: bank.options.timeLimit)

                var report = BenchReport.bank("transactions", what: "GET …/transactions?limit=\(Self.limit)", request: "GET \(path)", signed: signed)
                report.json["history"] = .int(Int64(history))
                report.add(run, options: load, unit: "responses")
                report.notes.append("the account holds \(history + 1) entries; each answer is a page of \(Self.limit) (newest first) with a "
                    + "next cursor; the first answer was parsed and its response signature verified with the server's JWKS, every "
                    + "other answer checked for status, Signature and Content-Digest fields and the page's markers")
                report.notes.append(String(format: "the access token came from the token endpoint (refresh_token grant); every DPoP proof%@ "
                    + "was made before the warm-up (%.2f s), so client-side signing is not measured", signed ? " and request signature" : "",
                    buildSeconds))
                if signed {
                    report.notes.append("signed requests must be sent within 55 s of signing (the server accepts `created` for 60 s), "
                        + "which bounds the timed phase")
                }
                try report.finish(run)
            }
        })
    }

    /// The first answer in depth: 200, the account's page of exactly `limit` transactions, newest first, with a next
    /// cursor, and a response signature that verifies with the server's published keys.
    static func checkInDepth(_ job: BankJob, loader: BankLoad, keys: JWKSet) async throws {
        let answer = try await loader.fetch(job.request)
        let text = String(decoding: answer.body, as: UTF8.self)
        guard answer.status == 200 else { throw BenchError("the first request failed (status \(answer.status)): \(text.prefix(400))") }
        try BankLoad.verifySignature(status: answer.status, headers: answer.headers, body: answer.body, of: job.request, keys: keys)
        guard let object = JSONValue.parseObject(Data(answer.body)), object["accountId"]?.stringValue == BankBenchSeed.accountID,
              let transactions = object["transactions"]?.arrayValue, object["nextCursor"]?.stringValue != nil
        else { throw BenchError("unexpected transactions page: \(text.prefix(400))") }
        guard transactions.count == limit else { throw BenchError("the page holds \(transactions.count) transactions, expected \(limit)") }
        let times = transactions.compactMap { $0.objectValue?["bookingDateTime"]?.stringValue }
        guard times.count == limit, times == times.sorted(by: >),
              transactions.allSatisfy({ $0.objectValue?["transactionId"]?.stringValue != nil && $0.objectValue?["amount"] != nil })
        else { throw BenchError("the page's transactions are malformed or not newest first: \(text.prefix(400))") }
        benchLog("First answer checked: 200, \(limit) transactions newest first, next cursor, response signature verified with /jwks")
    }
}
