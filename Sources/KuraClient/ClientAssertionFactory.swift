import Foundation
import OAuthCore
import OAuthJOSE

/// Creates `private_key_jwt` client assertions (OIDC Core §9; RFC 7523 §2.2, §3).
///
/// Claims: `iss` = `sub` = client_id, `aud` = the issuer identifier **as a string** (FAPI 2.0 SP §5.3.2.1-8: the
/// AS "shall only accept its issuer identifier value … as a string"), a random `jti`, `iat`, and `exp` at most 60
/// seconds later. Signed with the client key, whose `kid` goes in the header so the AS picks the key (SP §5.4.3).
public struct ClientAssertionFactory: Sendable {
    /// The `client_assertion_type` value (RFC 7523 §2.2).
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// The longest lifetime this factory issues.
    public static let maximumLifetime: TimeInterval = 60

    public let clientID: String
    /// The client's registered signing key (its `kid` names it to the AS).
    public let key: JWSSigningKey
    /// Seconds between `iat` and `exp`; capped at `maximumLifetime`.
    public var lifetime: TimeInterval
    let clock: any WallClock
    let random: any RandomSource

    public init(
        clientID: String, key: JWSSigningKey, lifetime: TimeInterval = 60, clock: any WallClock = SystemClock(),
        random: any RandomSource = SystemRandom()
    ) {
        self.clientID = clientID
        self.key = key
        self.lifetime = lifetime
        self.clock = clock
        self.random = random
    }

    /// A fresh assertion for `audience` (the issuer identifier). Each call has a new `jti` (RFC 7523 §3 item 7).
    public func assertion(audience: String) throws -> String {
        let iat = clock.now().epochSeconds
        let claims: [String: JSONValue] = [
            "iss": .string(clientID),
            "sub": .string(clientID),
            "aud": .string(audience),
            "jti": .string(random.token()),
            "iat": .int(iat),
            "exp": .int(iat + Int64(min(lifetime, Self.maximumLifetime).rounded(.down))),
        ]
        do {
            return try JWT.sign(claims: claims, typ: nil, key: key, includeKid: true)
        } catch {
            throw KuraClientError.signingFailed("client assertion: \(error)")
        }
    }

    /// The client-authentication form parameters (RFC 7521 §4.2): `client_assertion_type` and `client_assertion`.
    public func formParameters(audience: String) throws -> [(String, String)] {
        [("client_assertion_type", Self.assertionType), ("client_assertion", try assertion(audience: audience))]
    }
}
