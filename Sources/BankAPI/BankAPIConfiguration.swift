import BankCore
import Foundation

/// How the bank's resource API is reached and what it demands of partners.
public struct BankAPIConfiguration: Sendable {
    /// The bank's identity in domestic transfers and its system accounts.
    public var bank: BankConfiguration
    /// The public origin partners call (`https://bank.example`), without a trailing slash. The API is under `/api` on it.
    /// DPoP proofs name `origin + path` in `htu` (RFC 9449 §4.3 check 9) and RFC 9421 signatures cover
    /// `origin + path + query` as `@target-uri` (RFC 9421 §2.2.2), so behind a TLS-terminating load balancer this is
    /// the balancer's origin, never the node's.
    public var origin: String
    /// Demand an RFC 9421 request signature from every client, not only from clients registered with
    /// `require_http_message_signatures` (FAPI 2.0 HTTP Signatures §5.x "shall verify", checklist C.5-14…21).
    public var requireSignedRequestsFromAllClients: Bool
    /// Largest request body accepted (a transfer instruction is a few hundred bytes).
    public var maxBodyBytes: Int
    /// How old an RFC 9421 `created` may be (FAPI 2.0 HTTP Signatures: "1 minute is recommended").
    public var signatureMaxAge: TimeInterval

    public init(bank: BankConfiguration = .init(), origin: String, requireSignedRequestsFromAllClients: Bool = false,
                maxBodyBytes: Int = 16 * 1024, signatureMaxAge: TimeInterval = 60) {
        self.bank = bank
        self.origin = origin.hasSuffix("/") ? String(origin.dropLast()) : origin
        self.requireSignedRequestsFromAllClients = requireSignedRequestsFromAllClients
        self.maxBodyBytes = maxBodyBytes
        self.signatureMaxAge = signatureMaxAge
    }

    /// The API's base URL, advertised in RAR `locations` (RFC 9396 §2.2) and the OpenAPI `servers`.
    public var baseURL: String { origin + BankAPI.Path.base }
}
