import AuthorizationServer
import BankCore
import Foundation
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// Interop: the bank flow of an independent partner written only with PyPI libraries (requests, cryptography,
/// joserfc, http-message-signatures; interop/bank_flow.py and interop/fapi2/) against the whole platform over HTTPS.
/// It consents to RFC 9396 `account_information` + `payment_initiation` by ticking the HTML form's choices, then reads
/// accounts, balances and transactions and books a transfer, signing every API request with RFC 9421 and verifying
/// every response signature and Content-Digest against `jwks_uri` with its own key resolvers. The script checks each
/// step and exits non-zero on a failure; the test then cross-checks its report against the ledger. Fails, never
/// skips, when Python or a library is missing.
@Suite("Interop: an independent Python partner runs the bank flow", .serialized)
struct BankInteropTests {
    /// interop/bank_flow.py in this checkout.
    static let script = URL(fileURLWithPath: PythonFAPIClient.script).deletingLastPathComponent().appendingPathComponent("bank_flow.py").path

    @Test("python3 with http-message-signatures 3.0.0 is installed (the bank interop fails, never skips, without it)")
    func libraryInstalled() throws {
        let result = try runProcess("python3", ["-c", "import http_message_signatures, joserfc, requests; from importlib.metadata import version; print(version('http-message-signatures'))"])
        #expect(result.status == 0 && result.output.contains("3.0.0"), "pip install http-message-signatures==3.0.0 (scripts/test.sh does): \(result.output)")
    }

    @Test("RAR consent with ticked choices → token → accounts, balances, paged transactions → transfer, retry, refused second transfer; every request RFC 9421-signed, every response signature verified")
    func bankFlow() async throws {
        try await run(signingAlgorithm: .es256)
    }

    @Test("The same flow when the server signs with PS256 keys: its RFC 9421 responses are rsa-pss-sha512 and verify in the library")
    func bankFlowWithRSAServerKey() async throws {
        try await run(signingAlgorithm: .ps256)
    }

    func run(signingAlgorithm: JWSAlgorithm) async throws {
        try await LiveServer.run(configure: { $0.signingAlgorithm = signingAlgorithm }) { live in
            try await LiveBank.seed(live, history: 8)
            let clientID = "interop-bank-partner"
            let key = try await live.test.registerOtherClient(id: clientID, extra: ["require_http_message_signatures": true])
            let files = try PythonFAPIClient()
            defer { files.remove() }
            let before = try await LiveBank.balance(live)
            let hexSecret = TestServer.totpSecret.map { String(format: "%02x", $0) }.joined()
            let arguments = [
                Self.script, "--issuer", live.issuer, "--ca", live.caFile, "--client-id", clientID,
                "--client-jwk", try files.write("client.json", json: key.privateJWKJSON),
                "--username", TestServer.username, "--password", TestServer.password, "--totp-secret-hex", hexSecret,
                "--redirect-uri", TestServer.redirectURI, "--creditor-bank", LiveBank.creditor.bankCode,
                "--creditor-branch", LiveBank.creditor.branchCode, "--creditor-account", LiveBank.creditor.accountNumber,
                "--creditor-name", LiveBank.creditorName, "--amount", "2500", "--account", LiveBank.aliceOrdinary,
                "--debtor", LiveBank.aliceOrdinary, "--expect-signatures-required",
            ]
            let result = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(with: Result { try runProcess("python3", arguments) }) }
            }
            try #require(result.status == 0 && result.output.contains("interop: PASS"), "bank_flow.py: \(result.output)")
            let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("interop-report: ") })
            let report = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(line.dropFirst("interop-report: ".count).utf8)).objectValue)

            #expect(result.output.contains("6. Transfer") && result.output.contains("7. Verified"), "the summary: \(result.output)")
            #expect(report["picks"] == ["account": .string(LiveBank.aliceOrdinary), "debtor": .string(LiveBank.aliceOrdinary)])
            let transferID = try #require(report["transfer"]?["transferId"]?.stringValue)
            let booked = try #require(try await live.platform.bankAPI.store.transfer(id: transferID))
            #expect(booked.clientID == clientID && booked.amount.minorUnits == 2500 && booked.consentID != nil)
            #expect(try await LiveBank.balance(live) == before - 2500, "booked exactly once")
            #expect(report["second_transfer_status"] == 403)
            #expect(report["transactions"] == 9, "8 card payments and the opening deposit over pages of 5 and 4")
            let verified = try #require(report["verified_responses"]?.arrayValue)
            #expect(verified.count >= 9, "every API response was verified: \(verified.count)")
            let expectedAlg = signingAlgorithm == .ps256 ? "rsa-pss-sha512" : "ecdsa-p256-sha256"
            #expect(verified.allSatisfy { $0["alg"]?.stringValue == expectedAlg })
            let signingKey = try await live.platform.server.keys.signingKey()
            #expect(verified.allSatisfy { $0["keyid"]?.stringValue == signingKey.kid })
        }
    }
}
