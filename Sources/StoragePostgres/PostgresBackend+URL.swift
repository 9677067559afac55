import Foundation
import PostgresNIO

/// A PostgreSQL connection URL Kura cannot use. The message never contains the password.
public struct PostgresURLError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the URL.
    public let description: String
}

extension PostgresBackend {
    /// Parses `postgres://user:password@host:port/database?sslmode=…` (or `postgresql://`) into a client
    /// configuration.
    ///
    /// * `user` and `password` may be percent-encoded; the port defaults to 5432 and the database to the
    ///   user name. IPv6 hosts are written in brackets.
    /// * `sslmode=disable`: no TLS.
    /// * `sslmode=require` (or `verify-full`): TLS is mandatory **and** the server certificate and host
    ///   name are verified, against the system trust store or the PEM bundle in `sslrootcert=/path`.
    ///   This is stricter than libpq's `require`, which encrypts without authenticating the server: a
    ///   FAPI authorization server does not send its keys to a server it has not authenticated.
    /// * Without `sslmode`: `disable` for a loopback host (`localhost`, `127.0.0.1`, `::1`), `require`
    ///   otherwise.
    ///
    /// Other query parameters are rejected rather than ignored, so a misspelt `sslmode` cannot silently
    /// turn TLS off.
    /// - Throws: `PostgresURLError`.
    public static func parseURL(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql"
        else { throw PostgresURLError(description: "expected a postgres://user:password@host:port/database URL") }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw PostgresURLError(description: "the URL has no host") }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresURLError(description: "the URL has no user name")
        }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.contains("/") else { throw PostgresURLError(description: "invalid database name in the URL") }

        var sslMode: String?
        var rootCertificates: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode": sslMode = item.value
            case "sslrootcert": rootCertificates = item.value
            default: throw PostgresURLError(description: "unsupported URL parameter \(item.name)")
            }
        }
        let loopback = ["localhost", "127.0.0.1", "::1"].contains(host.lowercased())
        let tls: PostgresClient.Configuration.TLS
        switch sslMode ?? (loopback ? "disable" : "require") {
        case "disable":
            guard rootCertificates == nil else {
                throw PostgresURLError(description: "sslrootcert needs sslmode=require")
            }
            tls = .disable
        case "require", "verify-full":
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let rootCertificates { configuration.trustRoots = .file(rootCertificates) }
            tls = .require(configuration)
        case let other:
            throw PostgresURLError(description: "unsupported sslmode \(other); use disable or require")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? user : database, tls: tls)
    }
}
