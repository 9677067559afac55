import AuthorizationServer
import BankAPI
import BankCore
import Foundation
import Logging
import OAuthCore

/// What a Kura node serves: the authorization server, the bank API, or both (the default).
public enum KuraRole: String, Sendable, CaseIterable {
    case all
    /// PAR, authorize, token and the other OAuth endpoints; no `/api`.
    case authorizationServer = "authorization-server"
    /// Only the bank API (`/api`, `/health`): a resource server reading the same database, deployable separately.
    case resourceServer = "resource-server"

    var servesAuthorizationServer: Bool { self != .resourceServer }
    var servesBankAPI: Bool { self != .authorizationServer }
}

/// The authorization server and the bank's resource API over one database: what `kura serve`, `kura demo` and the
/// tests run. The RAR policy of the bank (`account_information`, `payment_initiation`) is plugged into the
/// authorization server here, so both halves agree on what a granted detail means.
public struct KuraPlatform: Sendable {
    public let server: OAuthServer
    public let bankAPI: BankAPI

    /// Builds both halves over `backend`, which must hold the bank ledger (both Kura backends do).
    /// - Parameter bank: the API's settings; by default its origin is the issuer's.
    public init(backend: any StorageBackend, configuration: ServerConfiguration, bank: BankAPIConfiguration? = nil,
                clock: any WallClock = SystemClock(), random: any RandomSource = SystemRandom(), passwordHasher: PasswordHasher = .init(),
                fetchClientJWKS: ClientKeyResolver.Fetch? = nil, logger: Logger) throws {
        guard let ledger = (backend as? any BankStoreProvider)?.bank else {
            throw ConfigurationError("the storage backend holds no bank ledger")
        }
        let bank = bank ?? BankAPIConfiguration(origin: Self.origin(of: configuration.issuer))
        server = OAuthServer(
            configuration: configuration, stores: backend.stores, clock: clock, random: random, passwordHasher: passwordHasher,
            fetchClientJWKS: fetchClientJWKS, logger: logger,
            authorizationDetails: BankAuthorizationDetailsPolicy(store: ledger, apiBaseURL: bank.baseURL))
        bankAPI = BankAPI(server: server, store: ledger, configuration: bank, logger: logger)
    }

    /// Prepares what both halves need on start: the signing key and the ledger's system accounts.
    public func prepare() async throws {
        try await server.keys.prepare()
        try await bankAPI.configuration.bank.ensureSystemAccounts(in: bankAPI.store, now: server.clock.now())
    }

    /// `https://host:port` of an issuer URL (its path dropped).
    public static func origin(of issuer: String) -> String {
        guard let url = URLComponents(string: issuer), let scheme = url.scheme, let host = url.host else { return issuer }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}
