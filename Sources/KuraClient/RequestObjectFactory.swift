import Foundation
import OAuthCore
import OAuthJOSE

/// Creates signed request objects (JAR, RFC 9101 §4) for pushed authorization requests, as FAPI 2.0 Message Signing
/// §5.3.2 asks of clients.
///
/// Header: `typ: oauth-authz-req+jwt` (RFC 9101 §10.8), `alg` and `kid` of the client's registered key. Claims: every
/// authorization request parameter, plus `iss` = `client_id` = the client, `aud` = the issuer identifier as a string,
/// `nbf` = `iat` = now, `exp` at most 60 minutes later (MS §5.3.1-3/-4) and a random `jti`.
public struct RequestObjectFactory: Sendable {
    /// The `typ` header value (RFC 9101 §10.8).
    public static let type = "oauth-authz-req+jwt"
    /// MS §5.3.1-4: "exp ... no longer than 60 minutes after the nbf claim".
    public static let maximumLifetime: TimeInterval = 3600

    public let clientID: String
    /// The client's registered signing key (its `kid` names it to the AS).
    public let key: JWSSigningKey
    /// Seconds between `nbf` and `exp`; capped at `maximumLifetime`.
    public var lifetime: TimeInterval
    let clock: any WallClock
    let random: any RandomSource

    public init(
        clientID: String, key: JWSSigningKey, lifetime: TimeInterval = 300, clock: any WallClock = SystemClock(),
        random: any RandomSource = SystemRandom()
    ) {
        self.clientID = clientID
        self.key = key
        self.lifetime = lifetime
        self.clock = clock
        self.random = random
    }

    /// A request object carrying `parameters` for the authorization server `audience` (its issuer identifier).
    ///
    /// `authorization_details` is put in as the JSON array it holds (RFC 9396 §2: "a JSON array of objects"); every
    /// other parameter as a string.
    /// - Throws: `signingFailed`.
    public func requestObject(parameters: [(String, String)], audience: String) throws -> String {
        let now = clock.now().epochSeconds
        var claims: [String: JSONValue] = [:]
        for (name, value) in parameters {
            if name == "authorization_details", let details = try? JSONDecoder().decode(JSONValue.self, from: Data(value.utf8)) {
                claims[name] = details
            } else {
                claims[name] = .string(value)
            }
        }
        claims["iss"] = .string(clientID)
        claims["client_id"] = .string(clientID)
        claims["aud"] = .string(audience)
        claims["jti"] = .string(random.token())
        claims["iat"] = .int(now)
        claims["nbf"] = .int(now)
        claims["exp"] = .int(now + Int64(min(lifetime, Self.maximumLifetime).rounded(.down)))
        do {
            return try JWT.sign(claims: claims, typ: Self.type, key: key)
        } catch {
            throw KuraClientError.signingFailed("request object: \(error)")
        }
    }
}

extension ClientConfiguration {
    /// How the authorization response comes back (JARM §2.3.1; FAPI 2.0 Message Signing §5.4).
    public enum ResponseMode: String, Sendable, Hashable {
        /// Plain query parameters with `iss` (RFC 9207), the FAPI 2.0 default.
        case query
        /// A signed JWT in the `response` query parameter (for the code flow `jwt` means `query.jwt`).
        case jwt
        case queryJWT = "query.jwt"

        /// Whether the response is a JARM JWT.
        public var isJWT: Bool { self != .query }
    }
}
