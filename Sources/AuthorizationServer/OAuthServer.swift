import Foundation
import Hummingbird
import Logging
import OAuthCore
import OAuthJOSE

/// The authorization server: its configuration, stores and injected clock/randomness, and its routes.
public struct OAuthServer: Sendable {
    public let configuration: ServerConfiguration
    public let stores: Stores
    public let clock: any WallClock
    public let random: any RandomSource
    public let keys: ServerKeyRing
    public let passwordHasher: PasswordHasher
    /// Registered clients, parsed and briefly cached.
    public let clients: ClientRegistry
    /// Resolves clients' keys (`jwks` or `jwks_uri`).
    public let clientKeys: ClientKeyResolver
    public let logger: Logger
    /// Access tokens whose JWT this node already validated (RFC 9068 §4), so resource requests verify each token once.
    public let verifiedAccessTokens = VerifiedTokenCache()
    /// The `authorization_details` types the server understands (RFC 9396); nil refuses every `authorization_details`.
    public let authorizationDetails: (any AuthorizationDetailsPolicy)?

    public init(configuration: ServerConfiguration, stores: Stores, clock: any WallClock = SystemClock(),
                random: any RandomSource = SystemRandom(), passwordHasher: PasswordHasher = .init(),
                fetchClientJWKS: ClientKeyResolver.Fetch? = nil, logger: Logger,
                authorizationDetails: (any AuthorizationDetailsPolicy)? = nil) {
        self.configuration = configuration
        self.authorizationDetails = authorizationDetails
        self.stores = stores
        self.clock = clock
        self.random = random
        self.passwordHasher = passwordHasher
        self.logger = logger
        clients = ClientRegistry(store: stores.clients, clock: clock, lifetime: configuration.lifetimes.clientCache)
        clientKeys = fetchClientJWKS.map { ClientKeyResolver(fetch: $0, clock: clock) } ?? .noNetwork(clock: clock)
        keys = ServerKeyRing(store: stores.keys, algorithm: configuration.signingAlgorithm, clock: clock, random: random)
    }

    /// Endpoint paths, relative to the issuer. The route table below is the one place they are bound.
    public enum Path {
        public static let openIDConfiguration = "/.well-known/openid-configuration"
        public static let oauthMetadata = "/.well-known/oauth-authorization-server"
        public static let jwks = "/jwks"
        public static let par = "/par"
        public static let authorize = "/authorize"
        public static let login = "/authorize/login"
        public static let consent = "/authorize/consent"
        public static let token = "/token"
        /// RFC 7009 token revocation.
        public static let revocation = "/revoke"
        /// RFC 7662 token introspection (RFC 9701 JWT responses).
        public static let introspection = "/introspect"
        /// OIDC Core §5.3 UserInfo.
        public static let userinfo = "/userinfo"
        /// RFC 7591 client registration; `/register/{client_id}` is the RFC 7592 client configuration endpoint.
        public static let registration = "/register"
    }

    /// Registers every endpoint on `router` (features that are off register nothing).
    public func addRoutes(to router: Router<KuraRequestContext>) {
        let metadata = MetadataEndpoint(server: self)
        router.get(RouterPath(Path.openIDConfiguration)) { _, _ in metadata.response() }
        router.get(RouterPath(Path.oauthMetadata)) { _, _ in metadata.response() }
        router.get(RouterPath(Path.jwks)) { _, _ in try await JWKSEndpoint(keys: keys).response() }

        let par = PushedAuthorizationEndpoint(server: self)
        router.post(RouterPath(Path.par)) { request, context in try await par.handle(request, context: context) }
        router.on(RouterPath(Path.par), method: .get) { _, _ -> Response in throw Self.methodNotAllowed }

        let authorization = AuthorizationEndpoint(server: self)
        router.get(RouterPath(Path.authorize)) { request, _ in await authorization.start(request) }
        router.post(RouterPath(Path.login)) { request, _ in await authorization.login(request) }
        router.post(RouterPath(Path.consent)) { request, _ in await authorization.decide(request) }

        let token = TokenEndpoint(server: self)
        router.post(RouterPath(Path.token)) { request, context in try await token.handle(request, context: context) }
        router.on(RouterPath(Path.token), method: .get) { _, _ -> Response in throw Self.methodNotAllowed }

        let revocation = RevocationEndpoint(server: self)
        router.post(RouterPath(Path.revocation)) { request, context in try await revocation.handle(request, context: context) }
        router.on(RouterPath(Path.revocation), method: .get) { _, _ -> Response in throw Self.methodNotAllowed }
        let introspection = IntrospectionEndpoint(server: self)
        router.post(RouterPath(Path.introspection)) { request, context in try await introspection.handle(request, context: context) }
        router.on(RouterPath(Path.introspection), method: .get) { _, _ -> Response in throw Self.methodNotAllowed }
        if configuration.features.openIDConnect {
            let userinfo = UserInfoEndpoint(server: self)
            router.get(RouterPath(Path.userinfo)) { request, context in try await userinfo.handle(request, context: context) }
            router.post(RouterPath(Path.userinfo)) { request, context in try await userinfo.handle(request, context: context) }
        }

        if configuration.registration.isEnabled {
            let registration = RegistrationEndpoint(server: self), management = RegistrationManagementEndpoint(server: self)
            let client = RouterPath(Path.registration + "/:client_id")
            router.post(RouterPath(Path.registration)) { request, _ in try await registration.handle(request) }
            router.get(client) { request, context in try await management.read(request, clientID: try context.parameters.require("client_id")) }
            router.put(client) { request, context in try await management.update(request, clientID: try context.parameters.require("client_id")) }
            router.delete(client) { request, context in try await management.delete(request, clientID: try context.parameters.require("client_id")) }
        }
    }

    static let methodNotAllowed = OAuthError(.invalidRequest, "This endpoint accepts POST only", status: 405)
}
