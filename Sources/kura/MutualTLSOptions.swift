import ArgumentParser
import AuthorizationServer
import Foundation

/// `kura serve` options for RFC 8705 mutual TLS and RFC 9440 trusted proxies. Each falls back to a `KURA_*`
/// environment variable; flags win.
struct MutualTLSOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "RFC 8705 mutual-TLS client authentication and certificate-bound tokens (env KURA_MTLS=false disables).")
    var mtls: Bool = ProcessInfo.processInfo.environment["KURA_MTLS"].map { !["0", "false", "no", "off"].contains($0.lowercased()) } ?? true

    @Option(name: .customLong("mtls-ca"), help: ArgumentHelp(
        "PEM bundle of CAs trusted to issue tls_client_auth client certificates; repeatable (env KURA_MTLS_CA, comma-separated).",
        valueName: "file"))
    var mtlsCA: [String] = []

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "IP address or CIDR range of a TLS-terminating proxy whose RFC 9440 Client-Cert header is trusted; repeatable (env KURA_TRUSTED_PROXIES, comma-separated).",
        valueName: "addr"))
    var trustedProxy: [String] = []

    /// The typed configuration these options describe.
    /// - Throws: `ValidationError` naming the option when a file cannot be read or an address does not parse.
    func configuration() throws -> MutualTLSConfiguration {
        let files = mtlsCA.isEmpty ? Self.environmentList("KURA_MTLS_CA") : mtlsCA
        let proxies = trustedProxy.isEmpty ? Self.environmentList("KURA_TRUSTED_PROXIES") : trustedProxy
        var configuration = MutualTLSConfiguration(enabled: mtls)
        for file in files {
            guard let bundle = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("--mtls-ca \(file): cannot read the file")
            }
            do { configuration.trustedCertificateAuthorities += try MutualTLSConfiguration.certificates(pemBundle: bundle) } catch {
                throw ValidationError("--mtls-ca \(file): \(error)")
            }
        }
        do { configuration.trustedProxies = try proxies.map(TrustedProxy.init) } catch { throw ValidationError("--trusted-proxy: \(error)") }
        return configuration
    }

    static func environmentList(_ name: String) -> [String] {
        (ProcessInfo.processInfo.environment[name] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
