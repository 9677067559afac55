import ArgumentParser
import AuthorizationServer
import Foundation

/// `kura serve` options for DPoP server nonces (RFC 9449 §8) and signed request objects (FAPI 2.0 Message Signing
/// §5.3). Each falls back to a `KURA_*` environment variable.
struct NonceAndSigningOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "DPoP server nonces at PAR and token: off, on, or clients:ID1,ID2 (env KURA_DPOP_NONCE).", valueName: "mode"))
    var dpopNonce: String = ProcessInfo.processInfo.environment["KURA_DPOP_NONCE"] ?? "off"

    @Flag(name: .long, help: "Require a signed request object in every pushed authorization request (env KURA_REQUIRE_SIGNED_REQUESTS=true).")
    var requireSignedRequests = ProcessInfo.processInfo.environment["KURA_REQUIRE_SIGNED_REQUESTS"] == "true"

    /// Sets the nonce requirement and the signed-request requirement on `configuration`.
    func apply(to configuration: inout ServerConfiguration) throws {
        guard let nonces = DPoPNonceConfiguration(parsing: dpopNonce, window: configuration.dpopNonce.window) else {
            throw ValidationError("--dpop-nonce must be off, on or clients:ID1,ID2")
        }
        configuration.dpopNonce = nonces
        configuration.features.requireSignedRequestObjects = requireSignedRequests
    }
}
