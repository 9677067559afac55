import AuthorizationServer
import BankAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// The bank API runs with the authorization server (`kura serve`, role `all`) or alone (`--role resource-server`) on
/// the same database; an authorization-server-only node serves no `/api`.
@Suite("Bank API deployment roles")
struct BankAPIDeploymentTests {
    @Test("A resource-server node serves /api (tokens from another node of the same database work) and no OAuth endpoints")
    func resourceServerRole() async throws {
        let fixture = try await BankAPIFixture()
        let dpop = try JWSSigningKey.generate(.es256, kid: "dpop")
        // The token comes from a node serving everything …
        let token = try await fixture.withAPI { api in try await api.token(dpopKey: dpop) }
        // … and is used at a node serving only the bank API.
        let router = KuraApplication.router(server: fixture.platform.server, bankAPI: fixture.platform.bankAPI, role: .resourceServer)
        try await Application(router: router).test(.router) { client in
            let api = BankAPIDriver(fixture: fixture, flow: FlowDriver(test: fixture.test, client: client))
            let balances = try await api.call(.get, "/api/accounts/\(BankAPIFixture.aliceOrdinary)/balances", token: token, proofKey: dpop)
            #expect(balances.status == .ok, "\(balances.bodyText)")
            #expect(try await client.execute(uri: OAuthServer.Path.openIDConfiguration, method: .get).status == .notFound)
            #expect(try await client.execute(uri: OAuthServer.Path.token, method: .post).status == .notFound)
        }
    }

    @Test("An authorization-server node serves no /api")
    func authorizationServerRole() async throws {
        let fixture = try await BankAPIFixture()
        let router = KuraApplication.router(server: fixture.platform.server, bankAPI: fixture.platform.bankAPI, role: .authorizationServer)
        try await Application(router: router).test(.router) { client in
            let api = try await client.execute(uri: "/api/openapi.json", method: .get)
            let discovery = try await client.execute(uri: OAuthServer.Path.openIDConfiguration, method: .get)
            #expect(api.status == .notFound && discovery.status == .ok)
        }
    }

    @Test("The platform plugs the bank's RAR policy into the authorization server: discovery lists both detail types")
    func discoveryListsDetailTypes() async throws {
        let fixture = try await BankAPIFixture()
        let router = KuraApplication.router(server: fixture.platform.server, bankAPI: fixture.platform.bankAPI)
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: OAuthServer.Path.openIDConfiguration, method: .get)
            let metadata = JSONValue.parseObject(response.body.readableBytesView) ?? [:]
            let types = Set(metadata["authorization_details_types_supported"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            #expect(types == ["account_information", "payment_initiation"])
        }
    }
}
