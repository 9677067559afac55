import Foundation
import OAuthCore

/// A JWK Set (RFC 7517 §5): a client's registered `jwks`, or the keys Kura publishes at its `jwks_uri`.
public struct JWKSet: Sendable, Hashable {
    /// The keys Kura can use, in document order.
    public var keys: [JWK]
    /// Why each skipped member of `keys` was skipped. RFC 7517 §5: implementations "SHOULD ignore JWKs within a JWK Set
    /// that use "kty" values that are not understood by them, that are missing required members, or for which values
    /// are out of the supported ranges" — e.g. an `oct` key, an X25519 encryption key or RSA below 2048 bits.
    public private(set) var ignoredKeys: [JOSEError] = []

    /// A set of keys already parsed, e.g. Kura's own `publicJWK`s.
    public init(keys: [JWK]) {
        self.keys = keys
    }

    /// Reads `{"keys": [...]}` (RFC 7517 §5.1). The `keys` member is REQUIRED and must be an array of objects;
    /// single keys Kura does not support are skipped (see `ignoredKeys`), never the whole set.
    public init(json: [String: JSONValue]) throws(JOSEError) {
        guard let member = json["keys"] else { throw JOSEError("JWK Set has no keys member") }
        guard case .array(let items) = member else { throw JOSEError("JWK Set keys member must be an array") }
        keys = []
        for item in items {
            guard case .object(let object) = item else { throw JOSEError("JWK Set keys must be JSON objects") }
            do {
                keys.append(try JWK(json: object))
            } catch {
                ignoredKeys.append(error)
            }
        }
    }

    /// Reads a JWK Set from JSON text (RFC 7517 §5).
    public init(jsonData: Data) throws(JOSEError) {
        try self.init(json: StrictJSON.object(jsonData, what: "JWK Set"))
    }

    /// `{"keys": [...]}` with only public members (RFC 7517 §5): safe to serve at `jwks_uri`.
    public var publicJSON: [String: JSONValue] {
        ["keys": .array(keys.map { .object($0.publicJSON) })]
    }

    /// The keys whose `kid` equals `kid` exactly (RFC 7515 §4.1.4, compared case-sensitively).
    public func keys(withKID kid: String) -> [JWK] {
        keys.filter { $0.kid.map { Array($0.utf8) == Array(kid.utf8) } ?? false }
    }
}
