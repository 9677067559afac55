import AuthorizationServer
import BankCore
import Foundation
import Hummingbird
import Logging
import OAuthCore

/// The bank's resource API: accounts, balances, transaction history, verified identity and transfers, for partners
/// holding a sender-constrained access token of this server (FAPI 2.0 SP §5.3.4; FAPI 2.0 HTTP Signatures).
///
/// It needs only the database the authorization server writes (tokens, clients, keys, the ledger), so it runs in the
/// same process as the authorization server (`kura serve`) or alone (`kura serve --role resource-server`) on any
/// number of nodes.
public struct BankAPI: Sendable {
    public let server: OAuthServer
    public let store: any BankStore
    public let configuration: BankAPIConfiguration
    public let logger: Logger
    /// Account ownership, remembered per node (it never changes).
    let directory: AccountDirectory

    public init(server: OAuthServer, store: any BankStore, configuration: BankAPIConfiguration, logger: Logger) {
        self.server = server
        self.store = store
        directory = AccountDirectory(store: store)
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "component"] = "bank-api"
        self.logger = logger
    }

    /// Paths under the API origin. The route table below is the one place they are bound.
    public enum Path {
        public static let base = "/api"
        public static let accounts = "/api/accounts"
        public static let identity = "/api/identity"
        public static let transfers = "/api/transfers"
        public static let openAPI = "/api/openapi.json"
        public static func account(_ id: String) -> String { accounts + "/" + id }
        public static func balances(_ id: String) -> String { accounts + "/" + id + "/balances" }
        public static func transactions(_ id: String) -> String { accounts + "/" + id + "/transactions" }
        public static func transfer(_ id: String) -> String { transfers + "/" + id }
    }

    /// Registers every API route on `router`.
    public func addRoutes(to router: Router<KuraRequestContext>) {
        let exchange = APIExchange(api: self)
        let accounts = AccountsEndpoint(api: self), transactions = TransactionsEndpoint(api: self)
        let identity = IdentityEndpoint(api: self), transfers = TransfersEndpoint(api: self)
        let document = OpenAPIDocument.json(baseURL: configuration.baseURL)
        router.get(RouterPath(Path.openAPI)) { request, _ in await exchange.runPublic(request, document) }
        router.get(RouterPath(Path.accounts)) { request, context in await exchange.run(request, context: context, accounts.list) }
        router.get(RouterPath(Path.accounts + "/:account_id")) { request, context in
            await exchange.run(request, context: context, accounts.show)
        }
        router.get(RouterPath(Path.accounts + "/:account_id/balances")) { request, context in
            await exchange.run(request, context: context, accounts.balances)
        }
        router.get(RouterPath(Path.accounts + "/:account_id/transactions")) { request, context in
            await exchange.run(request, context: context, transactions.list)
        }
        router.get(RouterPath(Path.identity)) { request, context in await exchange.run(request, context: context, identity.show) }
        router.post(RouterPath(Path.transfers)) { request, context in await exchange.run(request, context: context, transfers.create) }
        router.get(RouterPath(Path.transfers + "/:transfer_id")) { request, context in
            await exchange.run(request, context: context, transfers.show)
        }
    }
}
