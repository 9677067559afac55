/// The JWS algorithms Kura signs and verifies with: FAPI 2.0 SP §5.4.1-1 allows only PS256, ES256 and EdDSA (Ed25519).
///
/// Deliberately closed: `RS256`, `none` and every `HS*` have no case, so no header can select them (RFC 8725 §3.1–3.2).
public enum JWSAlgorithm: String, Sendable, Codable, CaseIterable {
    /// RSASSA-PSS with SHA-256 and MGF1-SHA-256, salt length 32 (RFC 7518 §3.5).
    case ps256 = "PS256"
    /// ECDSA on P-256 with SHA-256, signature `r || s` (RFC 7518 §3.4).
    case es256 = "ES256"
    /// Ed25519 (RFC 8037 §3.1). Only the Ed25519 curve is accepted under this name.
    case edDSA = "EdDSA"

    /// Reads a JOSE header or JWK `alg` value (RFC 7515 §4.1.1).
    ///
    /// Accepts the fully specified name `Ed25519` (RFC 9864 §2.2) as `.edDSA`; comparison is case-sensitive,
    /// as RFC 7515 §4.1.1 requires. Returns nil for every other value, including `none`, `RS256` and `HS256`.
    public init?(headerValue: String) {
        if headerValue == "Ed25519" {
            self = .edDSA
        } else {
            self.init(rawValue: headerValue)
        }
    }

    /// The JWK `kty` a key must have to be used with this algorithm (RFC 7518 §6.1, RFC 8037 §2).
    public var keyType: String {
        switch self {
        case .ps256: "RSA"
        case .es256: "EC"
        case .edDSA: "OKP"
        }
    }
}
