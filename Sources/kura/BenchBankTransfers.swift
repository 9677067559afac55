import ArgumentParser
import AsyncHTTPClient
import BankAPI
import BankCore
import Foundation
import KuraServer
import Logging
import OAuthCore
import OAuthJOSE

/// `kura bench transfers`: `POST /api/transfers` bookings per second (draft-ietf-httpapi-idempotency-key-header: a
/// unique `Idempotency-Key` per transfer) under the `transfers` scope to the customer's saved payee at another bank,
/// with a DPoP-bound token (fresh proof with `ath` per request) and signed responses; `--signed-requests` signs each
/// request (RFC 9421), `--retry-fraction` repeats some transfers with the same key and body (answered 201 with
/// `Idempotent-Replayed: true`, never booked twice).
///
/// After the run the server is stopped and the ledger read back: `audit()` is consistent, the debtor's balance fell by
/// exactly the sum of the transfers answered 201, and it carries one debit per such transfer.
struct TransfersBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfers",
        abstract: "Bank API POST /api/transfers bookings/s (Idempotency-Key, DPoP + ath, signed responses), then a ledger check.")

    @OptionGroup var bank: BankBenchOptions

    @Option(help: "Share of transfers sent a second time with the same Idempotency-Key and body (0–0.5), after the original's answer.")
    var retryFraction: Double = 0

    /// The debtor's opening balance in yen: far more than any run can spend.
    static let opening: Int64 = 1_000_000_000_000

    func validate() throws {
        guard (0...0.5).contains(retryFraction) else { throw ValidationError("--retry-fraction must be 0–0.5") }
    }

    func run() async throws {
        let load = bank.load, signed = bank.signedRequests, fraction = retryFraction
        try await BenchServer.run(bank.options, connections: load.connections, seed: { server in
            benchLog("Seeding a customer, a funded account, a saved payee, a grant and a refresh token …")
            return try await BankBenchSeed.seed(server, scope: ["transfers"], signedRequests: signed, history: 0, opening: Self.opening)
        }, body: { server, http, seeded in
            try await server.withConnections(load.connections, clientAuth: .privateKeyJWT) { connections in
                let token = try await BankBenchToken.obtain(server: server, connection: connections[0], seeded: seeded, scope: "transfers")
                let keys = try await fetchServerKeys(server, http: http)
                let builder = BankRequestBuilder(origin: server.issuer, token: token, clientKey: signed ? seeded.clientKey : nil)
                var plan = TransferPlan(builder: builder, connections: load.connections, retryFraction: fraction)
                let probe = try plan.phase(originals: 1, retries: false)
                let warm = try plan.phase(originals: load.warmup - 1, retries: true)
                let timed = try plan.phase(originals: load.requests, retries: true)
                let buildSeconds = (ContinuousClock.now - builder.startedAt).seconds
                benchLog(String(format: "Seeded in %.1f s; built %d requests in %.2f s", seeded.seconds,
                                probe.jobs.count + warm.jobs.count + timed.jobs.count, buildSeconds))

                let expectation = BankExpectation(status: 201, bodyContains: ["\"status\":\"booked\"", "\"transferId\":\"trf_"])
                let loader = BankLoad(connections: connections, expectation: expectation)
                let first = try await Self.checkInDepth(probe.jobs[0], loader: loader, keys: keys)
                let (warmAnswers, run) = try await loader.run(
                    warmup: warm.jobs, warmupLanes: warm.lanes, timed: timed.jobs, timedLanes: timed.lanes,
                    server: server, validUntil: builder.validUntil, timeLimit: bank.options.timeLimit)

                server.stop()   // the ledger is read back by this process alone
                var problems = Self.checkAnswers(warmAnswers, of: warm.jobs) + Self.checkAnswers(run.results, of: timed.jobs)
                let booked = [first] + (warmAnswers + run.results).filter { $0.ok && !$0.replayed }.map { $0.transferID ?? "" }
                let bookedAmount = probe.jobs[0].amount
                    + zip([warm.jobs, timed.jobs], [warmAnswers, run.results]).map { jobs, answers in
                        answers.filter { $0.ok && !$0.replayed }.map { jobs[$0.job].amount }.reduce(0, +)
                    }.reduce(0, +)
                let ledger = try await LedgerReadBack.read(server.databaseURL)
                problems += ledger.problems(seeded: seeded, bookedCount: booked.count, bookedAmount: bookedAmount)
                if Set(booked).count != booked.count { problems.append("two 201 answers without Idempotent-Replayed name the same transfer") }

                let replays = run.results.filter(\.replayed).count
                var report = BenchReport.bank(
                    "transfers", what: "POST /api/transfers",
                    request: "POST \(BankAPI.Path.transfers) (Idempotency-Key, scope transfers, saved payee at bank 0005)", signed: signed)
                report.json["retry_fraction"] = .double(fraction)
                report.add(run, options: load, unit: "responses")
                let bookedRate = Double(run.results.filter { $0.ok && !$0.replayed }.count) / run.cpu.wall
                report.row("booked transfers", String(format: "%.1f transfers/s (%d replays answered from the stored transfer)", bookedRate, replays))
                report.row("ledger after the run", ledger.summary)
                report.json["transfers_per_s"] = .double(bookedRate.rounded3)
                report.json["replays"] = .int(Int64(replays))
                report.notes.append("each transfer debits 1–997 yen from one account (opening balance \(Self.opening) yen) and credits the "
                    + "clearing account; the first answer was parsed and its response signature verified with the server's JWKS")
                report.notes.append(String(format: "every DPoP proof%@ was made before the warm-up (%.2f s); requests carry Content-Digest",
                                           signed ? " and request signature" : "", buildSeconds))
                report.notes.append("after the run the server was stopped and the ledger read back: audit consistent, balance fell by the "
                    + "sum of the \(booked.count) transfers answered 201 (probe and warm-up included), one debit entry each")
                try report.finish(run, extraProblems: problems)
            }
        })
    }

    /// The first transfer in depth: 201, booked, the instructed amount, debtor and creditor echoed, a Location, and a
    /// response signature that verifies with the server's published keys (covering the request's content-digest).
    static func checkInDepth(_ job: BankJob, loader: BankLoad, keys: JWKSet) async throws -> String {
        let answer = try await loader.fetch(job.request)
        let text = String(decoding: answer.body, as: UTF8.self)
        guard answer.status == 201 else { throw BenchError("the first transfer failed (status \(answer.status)): \(text.prefix(400))") }
        try BankLoad.verifySignature(status: answer.status, headers: answer.headers, body: answer.body, of: job.request, keys: keys)
        guard let object = JSONValue.parseObject(Data(answer.body)), let id = object["transferId"]?.stringValue,
              object["status"]?.stringValue == "booked",
              object["instructedAmount"]?.objectValue?["amount"]?.stringValue == String(job.amount),
              object["debtorAccount"]?.objectValue?["accountId"]?.stringValue == BankBenchSeed.accountID,
              object["creditorAccount"]?.objectValue?["accountNumber"]?.stringValue == BankBenchSeed.payee.accountNumber,
              answer.headers.contains(where: { $0.name.lowercased() == "location" && $0.value.hasSuffix(BankAPI.Path.transfer(id)) })
        else { throw BenchError("unexpected transfer answer: \(text.prefix(400))") }
        benchLog("First answer checked: 201 booked, amount, accounts and Location as sent, response signature verified with /jwks")
        return id
    }

    /// Every retry names the transfer of its original.
    static func checkAnswers(_ answers: [BankOutcome], of jobs: [BankJob]) -> [String] {
        let byJob = Dictionary(uniqueKeysWithValues: answers.map { ($0.job, $0) })
        var problems: [String] = []
        for answer in answers where answer.ok {
            guard let original = jobs[answer.job].retryOf else { continue }
            if answer.transferID == nil || byJob[original]?.transferID != answer.transferID {
                problems.append("a replayed answer names \(answer.transferID ?? "no transfer"), its original \(byJob[original]?.transferID ?? "none")")
            }
        }
        return problems
    }
}

/// The jobs of the transfers bench: unique keys, amounts 1–997 yen, and retries placed on their original's lane.
struct TransferPlan {
    let builder: BankRequestBuilder
    let connections: Int
    let retryFraction: Double
    private var counter = 0

    init(builder: BankRequestBuilder, connections: Int, retryFraction: Double) {
        self.builder = builder
        self.connections = connections
        self.retryFraction = retryFraction
    }

    /// `originals` transfers round-robin over the connections; with `retries`, every (1/fraction)-th is repeated right
    /// after its original on the same lane, with the same key and body and a fresh DPoP proof.
    mutating func phase(originals: Int, retries: Bool) throws -> (jobs: [BankJob], lanes: [[Int]]) {
        var jobs: [BankJob] = []
        var lanes = [[Int]](repeating: [], count: max(1, min(connections, originals)))
        for i in 0..<originals {
            counter += 1
            let amount = Int64(1 + counter % 997)
            let key = SystemRandom().token()
            let body = Array(JSONValue.object([
                "debtorAccount": ["accountId": .string(BankBenchSeed.accountID)],
                "instructedAmount": ["amount": .string(String(amount)), "currency": "JPY"],
                "creditorName": .string(BankBenchSeed.payee.name),
                "creditorAccount": ["bankCode": .string(BankBenchSeed.payee.bankCode), "branchCode": .string(BankBenchSeed.payee.branchCode),
                                    "accountNumber": .string(BankBenchSeed.payee.accountNumber)],
                "remittanceInformationUnstructured": .string("Bench transfer \(counter)"),
            ]).jsonData())
            let lane = i % lanes.count
            let make = { [builder] in try builder.build("POST", BankAPI.Path.transfers, json: body, extra: [("Idempotency-Key", key)]) }
            let original = jobs.count
            jobs.append(BankJob(request: try make(), amount: amount, retryOf: nil))
            lanes[lane].append(original)
            if retries, (Double(i + 1) * retryFraction).rounded(.down) > (Double(i) * retryFraction).rounded(.down) {
                jobs.append(BankJob(request: try make(), amount: amount, retryOf: original))
                lanes[lane].append(jobs.count - 1)
            }
        }
        return (jobs, originals == 0 ? [] : lanes)
    }
}

/// The ledger as the database holds it after the run (the server stopped), read in this process.
struct LedgerReadBack {
    let audit: LedgerAudit
    let balance: Int64
    /// The debtor's entries besides the opening deposit.
    let debits: [LedgerEntry]

    static func read(_ databaseURL: String) async throws -> LedgerReadBack {
        var logger = Logger(label: "kura-bench")
        logger.logLevel = .warning
        let backend = try Database.open(databaseURL, logger: logger)
        do {
            guard let bank = (backend as? any BankStoreProvider)?.bank else { throw BenchError("the database holds no bank ledger") }
            let audit = try await bank.audit()
            guard let account = try await bank.account(id: BankBenchSeed.accountID) else { throw BenchError("the bench account is gone") }
            var entries: [LedgerEntry] = []
            var cursor: TransactionCursor?
            repeat {
                let page = try await bank.transactions(accountID: BankBenchSeed.accountID, query: TransactionQuery(limit: TransactionQuery.maxLimit, after: cursor))
                entries += page.entries
                cursor = page.next
            } while cursor != nil
            try await backend.shutdown()
            return LedgerReadBack(audit: audit, balance: account.balanceMinor, debits: entries.filter { $0.bookingID != "bench-opening" })
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    func problems(seeded: BankBenchSeed, bookedCount: Int, bookedAmount: Int64) -> [String] {
        var problems: [String] = []
        if !audit.isConsistent { problems.append("the ledger audit is not consistent: \(audit)") }
        if seeded.balanceMinor - balance != bookedAmount {
            problems.append("the balance fell by \(seeded.balanceMinor - balance) yen, the transfers answered 201 sum to \(bookedAmount)")
        }
        if debits.count != bookedCount { problems.append("\(debits.count) debit entries, \(bookedCount) transfers answered 201") }
        if debits.contains(where: { $0.amountMinor >= 0 }) { problems.append("an entry other than the opening deposit is a credit") }
        if -debits.map(\.amountMinor).reduce(0, +) != bookedAmount { problems.append("the debit entries do not sum to the booked amount") }
        return problems
    }

    var summary: String {
        "audit \(audit.isConsistent ? "consistent" : "NOT CONSISTENT"); \(debits.count) transfer debits; balance \(balance) yen"
    }
}
