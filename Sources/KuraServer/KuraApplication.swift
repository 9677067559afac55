import AuthorizationServer
import BankAPI
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOSSL
import OAuthCore
import ServiceLifecycle

/// Builds the Kura application: the router with every endpoint, over HTTPS (HTTP/1.1 and HTTP/2 by ALPN).
/// Shared by `kura serve`, `kura demo` and the end-to-end tests.
public enum KuraApplication {
    /// The router with every route and middleware of `role`; tests drive it directly with HummingbirdTesting.
    public static func router(server: OAuthServer, bankAPI: BankAPI? = nil, role: KuraRole = .all) -> Router<KuraRequestContext> {
        let router = Router(context: KuraRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        // RFC 8705 / RFC 9440: the client certificate is resolved once, before any route, for every endpoint.
        router.add(middleware: ClientCertificateMiddleware(configuration: server.configuration.mutualTLS))
        router.get("/health") { _, _ in "ok" }
        if role.servesAuthorizationServer { server.addRoutes(to: router) }
        if role.servesBankAPI, let bankAPI { bankAPI.addRoutes(to: router) }
        return router
    }

    /// The HTTPS application of a platform (authorization server and bank API) in `role`.
    public static func make(
        configuration: KuraConfiguration, platform: KuraPlatform, role: KuraRole = .all, logger: Logger, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try make(configuration: configuration, router: router(server: platform.server, bankAPI: platform.bankAPI, role: role),
                 logger: logger, services: services, onServerRunning: onServerRunning)
    }

    /// The HTTPS application. `onServerRunning` receives the bound port (useful with port 0 in tests).
    public static func make(
        configuration: KuraConfiguration, server: OAuthServer, logger: Logger, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try make(configuration: configuration, router: router(server: server), logger: logger, services: services,
                 onServerRunning: onServerRunning)
    }

    static func make(
        configuration: KuraConfiguration, router: Router<KuraRequestContext>, logger: Logger, services: [any Service],
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let tls = try TLSSetup.serverConfiguration(
            certificatePEMFile: configuration.tlsCertificateFile, privateKeyPEMFile: configuration.tlsPrivateKeyFile)
        let channel = try HummingbirdHTTP2.TLSChannelConfiguration(
            tlsConfiguration: tls, customVerificationCallback: TLSSetup.acceptAnyClientCertificate)
        return Application(
            router: router,
            server: try .http2Upgrade(tlsChannelConfiguration: channel),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
