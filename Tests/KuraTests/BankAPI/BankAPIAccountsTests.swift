import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import OAuthCore
import OAuthJOSE
import Testing

/// `GET /api/accounts`, `/api/accounts/{id}`, `/api/accounts/{id}/balances` and `/api/identity`: only what the grant
/// covers, only the customer's own (RFC 9396 §9.1; issue: "an account outside the grant → 403").
@Suite("Bank API: accounts, balances and identity are limited to the grant")
struct BankAPIAccountsTests {
    func key() throws -> JWSSigningKey { try JWSSigningKey.generate(.es256, kid: "dpop") }

    @Test("The accounts scope lists all of the customer's accounts, never another customer's")
    func accountsScope() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["accounts"], dpopKey: dpop)
            let response = try await api.call(.get, "/api/accounts", token: token, proofKey: dpop)
            #expect(response.status == .ok, "\(response.bodyText)")
            let ids = response.json["accounts"]?.arrayValue?.compactMap { $0["accountId"]?.stringValue }.sorted()
            #expect(ids == [BankAPIFixture.aliceOrdinary, BankAPIFixture.aliceSavings])
            let first = try #require(response.json["accounts"]?.arrayValue?.first)
            #expect(first["bankCode"] == "0999" && first["currency"] == "JPY" && first["accountType"] != nil)
        }
    }

    @Test("account_information details show only the accounts the customer picked; others are 403")
    func pickedAccountsOnly() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.accountInformation([BankAPIFixture.aliceSavings])], dpopKey: dpop)
            let list = try await api.call(.get, "/api/accounts", token: token, proofKey: dpop)
            #expect(list.json["accounts"]?.arrayValue?.compactMap { $0["accountId"]?.stringValue } == [BankAPIFixture.aliceSavings], "\(list.bodyText)")
            let other = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances", token: token, proofKey: dpop)
            #expect(other.status == .forbidden && other.oauthError == "insufficient_scope", "\(other.bodyText)")
            let picked = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceSavings)/balances", token: token, proofKey: dpop)
            #expect(picked.status == .ok, "\(picked.bodyText)")
        }
    }

    @Test("Another customer's account and an unknown account are both 403, so account ids cannot be probed")
    func otherCustomersAccount() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["accounts"], dpopKey: dpop)
            for id in [BankAPIFixture.bobOrdinary, "acc-does-not-exist", BankConfiguration.SystemAccount.clearing.id(.jpy)] {
                for suffix in ["", "/balances", "/transactions"] {
                    let response = try await api.call(.get, "/api/accounts/\(id)\(suffix)", token: token, proofKey: dpop)
                    #expect(response.status == .forbidden, "\(id)\(suffix): \(response.bodyText)")
                }
            }
        }
    }

    @Test("A grant naming another customer's account in its details still cannot reach it (ownership is checked at the API)")
    func detailsNamingForeignAccount() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: [], details: [BankAPIDriver.accountInformation([BankAPIFixture.bobOrdinary])], dpopKey: dpop)
            let response = try await api.call(.get, "/api/accounts/\(BankAPIFixture.bobOrdinary)/balances", token: token, proofKey: dpop)
            #expect(response.status == .forbidden, "\(response.bodyText)")
        }
    }

    @Test("Balances equal the sum of the account's entries, as decimal strings in the currency's minor units")
    func balances() async throws {
        let fixture = try await BankAPIFixture()
        try await fixture.bookHistory(count: 3)
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["accounts"], dpopKey: dpop)
            let response = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances", token: token, proofKey: dpop)
            #expect(response.status == .ok, "\(response.bodyText)")
            let current = response.json["balances"]?.arrayValue?.first { $0["type"] == "current" }
            #expect(current?["amount"] == ["amount": .string(String(100_000 - 100 - 101 - 102)), "currency": "JPY"], "\(response.bodyText)")
        }
    }

    @Test("A datatype the customer did not grant is 403: balances-only details cannot read transactions")
    func datatypes() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let details: JSONValue = [BankAPIDriver.accountInformation([BankAPIFixture.aliceOrdinary], datatypes: ["balances"])]
            let token = try await api.token(scope: [], details: details, dpopKey: dpop)
            let transactions = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceOrdinary)/transactions", token: token, proofKey: dpop)
            #expect(transactions.status == .forbidden, "\(transactions.bodyText)")
            let balances = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances", token: token, proofKey: dpop)
            #expect(balances.status == .ok, "\(balances.bodyText)")
        }
    }

    @Test("Without the accounts scope or account details, listing accounts is 403")
    func noAccountGrant() async throws {
        try await BankAPIFixture().withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["openid"], dpopKey: dpop)
            let response = try await api.call(.get, "/api/accounts", token: token, proofKey: dpop)
            #expect(response.status == .forbidden, "\(response.bodyText)")
        }
    }

    @Test("GET /api/identity returns verified_claims with the identity scope and 403 without it")
    func identity() async throws {
        let fixture = try await BankAPIFixture()
        let claims: JSONValue = [
            "verification": ["trust_framework": "jp_aml", "evidence": [["type": "document", "method": "pipp"]]],
            "claims": ["given_name": "Alice", "family_name": "Example", "birthdate": "1990-04-12"],
        ]
        try await fixture.store.saveIdentity(VerifiedIdentity(userID: fixture.test.userID, verifiedClaims: claims, updatedAt: fixture.test.clock.now()))
        try await fixture.withAPI { api in
            let dpop = try key()
            let token = try await api.token(scope: ["identity"], dpopKey: dpop)
            let response = try await api.call(.get, "/api/identity", token: token, proofKey: dpop)
            #expect(response.status == .ok && response.json["verified_claims"] == claims, "\(response.bodyText)")
            #expect(response.json["sub"]?.stringValue == fixture.test.userID)
            let without = try await api.token(scope: ["accounts"], dpopKey: dpop)
            #expect(try await api.call(.get, "/api/identity", token: without, proofKey: dpop).status == .forbidden)
        }
    }

    @Test("GET /api/openapi.json is an OpenAPI 3.1 document describing every route")
    func openAPI() async throws {
        try await BankAPIFixture().withAPI { api in
            let response = try await api.call(.get, "/api/openapi.json", token: nil, proofKey: nil)
            #expect(response.status == .ok)
            #expect(response.json["openapi"] == "3.1.0")
            let paths = Set(response.json["paths"]?.objectValue?.keys.map { $0 } ?? [])
            #expect(paths == ["/accounts", "/accounts/{accountId}", "/accounts/{accountId}/balances", "/accounts/{accountId}/transactions",
                              "/identity", "/transfers", "/transfers/{transferId}"])
            #expect(response.json["servers"]?.arrayValue?.first?["url"] == "https://as.kura.test/api")
        }
    }
}
