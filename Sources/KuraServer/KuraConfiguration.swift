import AuthorizationServer
import Foundation
import OAuthJOSE

/// How a Kura node is started: listener, TLS material, database and the authorization server's settings.
///
/// Every field can come from a command-line flag or a `KURA_*` environment variable (see README,
/// "Configuration"); flags win.
public struct KuraConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// PEM files of the server certificate chain and its private key.
    public var tlsCertificateFile: String
    public var tlsPrivateKeyFile: String
    /// `sqlite:PATH`, `sqlite::memory:` or `postgres://user:password@host:port/database[?sslmode=require]`.
    public var database: String
    public var server: ServerConfiguration

    public init(host: String = "0.0.0.0", port: Int = 8443, tlsCertificateFile: String, tlsPrivateKeyFile: String,
                database: String, server: ServerConfiguration) {
        self.host = host
        self.port = port
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsPrivateKeyFile = tlsPrivateKeyFile
        self.database = database
        self.server = server
    }

    /// Checks what a misconfiguration would otherwise turn into a confusing failure later.
    public func validate() throws {
        guard let url = URLComponents(string: server.issuer), url.scheme == "https", url.host?.isEmpty == false,
              url.query == nil, url.fragment == nil
        else { throw ConfigurationError("issuer must be an https URL without query or fragment (RFC 8414 §2): \(server.issuer)") }
        guard (1...65535).contains(port) else { throw ConfigurationError("port must be 1–65535") }
        for file in [tlsCertificateFile, tlsPrivateKeyFile] where !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("cannot read TLS file \(file)")
        }
    }
}

/// A configuration problem, stated for the operator.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
