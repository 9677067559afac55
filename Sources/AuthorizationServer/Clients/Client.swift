import Foundation
import OAuthCore
import OAuthJOSE

/// How a client authenticates at the token, PAR, revocation and introspection endpoints
/// (FAPI 2.0 SP §5.3.2.1-6: MTLS per RFC 8705 §2 or `private_key_jwt` per OIDC Core §9; nothing else).
public enum ClientAuthenticationMethod: String, Sendable, Codable, CaseIterable {
    case privateKeyJWT = "private_key_jwt"
    case tlsClientAuth = "tls_client_auth"
    case selfSignedTLSClientAuth = "self_signed_tls_client_auth"
}

/// A registered client, typed from its validated RFC 7591 metadata.
public struct Client: Sendable {
    public let id: String
    public let name: String
    public let redirectURIs: [String]
    public let authenticationMethod: ClientAuthenticationMethod
    /// The client's public keys (RFC 7591 `jwks`): verify its assertions and, for self-signed mTLS, its certificate.
    public let jwks: JWKSet
    /// Where the client publishes its keys instead (RFC 7591 `jwks_uri`); resolved by `ClientKeyResolver`.
    public let jwksURI: String?
    public let grantTypes: Set<String>
    /// Scopes the client may request; nil = any scope the server supports.
    public let allowedScopes: Set<String>?
    /// RFC 7591 metadata as registered.
    public let metadata: [String: JSONValue]

    /// Builds the typed client from a stored record (metadata was validated when it was registered).
    public init(record: ClientRecord) throws {
        let m = record.metadata
        id = record.clientID
        name = m["client_name"]?.stringValue ?? record.clientID
        redirectURIs = m["redirect_uris"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard let method = m["token_endpoint_auth_method"]?.stringValue.flatMap(ClientAuthenticationMethod.init(rawValue:)) else {
            throw StorageError.corrupt("client \(record.clientID): token_endpoint_auth_method")
        }
        authenticationMethod = method
        if let jwks = m["jwks"]?.objectValue {
            self.jwks = try JWKSet(json: jwks)
        } else {
            self.jwks = JWKSet(keys: [])
        }
        jwksURI = m["jwks_uri"]?.stringValue
        grantTypes = Set(m["grant_types"]?.arrayValue?.compactMap(\.stringValue) ?? ["authorization_code"])
        allowedScopes = m["scope"]?.stringValue.flatMap(Scope.parse).map(Set.init)
        metadata = m
    }
}
