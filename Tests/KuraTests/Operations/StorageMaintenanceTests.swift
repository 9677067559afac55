import AuthorizationServer
import Foundation
import KuraServer
import Logging
import OAuthCore
import StorageSQLite
import Testing

/// The periodic purge `kura serve` runs: expired records go, but only after the retention margin, so a late code
/// replay is still recognised (RFC 6749 §4.1.2).
@Suite("Storage maintenance")
struct StorageMaintenanceTests {
    @Test("purgeOnce keeps records for the retention margin past their expiry, then deletes them")
    func retention() async throws {
        let backend = try SQLiteBackend.inMemory()
        try await backend.migrate()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let code = AuthorizationCodeRecord(
            codeHash: "h", clientID: "c", userID: "u", grantID: "g",
            request: AuthorizationRequest(clientID: "c", responseType: "code", redirectURI: "https://c.example/cb", scope: ["openid"],
                                          state: nil, nonce: nil, codeChallenge: "x", codeChallengeMethod: "S256"),
            authTime: clock.now(), acr: "a", amr: [], issuedAt: clock.now(), expiresAt: clock.now().addingTimeInterval(60))
        try await backend.stores.codes.insert(code)
        _ = try await backend.stores.codes.consume(codeHash: "h", now: clock.now())
        let maintenance = StorageMaintenance(backend: backend, clock: clock, retention: 3600, logger: Logger(label: "test"))

        clock.advance(by: 61 + 1800)
        #expect(try await maintenance.purgeOnce() == 0)
        guard case .alreadyConsumed = try await backend.stores.codes.consume(codeHash: "h", now: clock.now()) else {
            Issue.record("a consumed code must still be recognised as a replay within the retention margin")
            return
        }
        clock.advance(by: 1800)
        #expect(try await maintenance.purgeOnce() == 1)
        guard case .notFound = try await backend.stores.codes.consume(codeHash: "h", now: clock.now()) else {
            Issue.record("the code should be gone after the retention margin")
            return
        }
    }
}
