import Foundation
import OAuthCore

/// Lifecycle of a server signing key (rotation: next → active → retired, then removed from the JWKS).
public enum ServerKeyStatus: String, Sendable, Codable, Hashable {
    /// Published in the JWKS but not yet used to sign (pre-publication before rotation).
    case next
    /// Used to sign.
    case active
    /// No longer signs; still published so existing tokens verify.
    case retired
}

/// A server signing key. The private JWK is stored as the AS needs it to sign on every node.
public struct ServerKeyRecord: Sendable, Codable, Hashable {
    public var kid: String
    /// JWS `alg` (PS256, ES256, EdDSA).
    public var algorithm: String
    /// Private JWK JSON (including `d`).
    public var privateJWK: [String: JSONValue]
    public var status: ServerKeyStatus
    public var createdAt: Date

    public init(kid: String, algorithm: String, privateJWK: [String: JSONValue], status: ServerKeyStatus, createdAt: Date) {
        self.kid = kid
        self.algorithm = algorithm
        self.privateJWK = privateJWK
        self.status = status
        self.createdAt = createdAt
    }
}

/// Server signing keys.
public protocol KeyStore: Sendable {
    /// - Throws: `StorageError.duplicate` when the kid exists.
    func insert(_ key: ServerKeyRecord) async throws
    /// All keys, oldest first.
    func list() async throws -> [ServerKeyRecord]
    /// Returns whether the key existed.
    func setStatus(kid: String, status: ServerKeyStatus) async throws -> Bool
    /// Removes a key from the JWKS for good. Returns whether it existed.
    func delete(kid: String) async throws -> Bool
}
