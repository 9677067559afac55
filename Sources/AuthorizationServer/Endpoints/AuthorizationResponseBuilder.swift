import Foundation
import Hummingbird
import OAuthCore
import OAuthJOSE

/// Builds every redirect the authorization endpoint makes to a client (RFC 6749 §4.1.2 success, §4.1.2.1 error):
/// plain query parameters with `state` and `iss` (RFC 9207 §2), or a signed JARM response (JARM §2.1, §2.3.1;
/// FAPI 2.0 Message Signing §5.4) as the single query parameter `response`.
///
/// In a JARM response `iss` appears only inside the JWT (MS §5.4 NOTE: the AS "should only include the iss
/// authorization response parameter … inside the JWT"), next to `aud` (the client_id), `exp`, `iat` and the response
/// parameters: `code` and `state`, or `error`, `error_description` and `state`.
struct AuthorizationResponseBuilder: Sendable {
    /// JARM §2.1: "A maximum JWT lifetime of 10 minutes is RECOMMENDED"; the conformance suite expects at least 10 s.
    static let jwtLifetime: TimeInterval = 300
    let server: OAuthServer

    /// A 303 redirect (FAPI 2.0 SP §5.3.2.2-11) to the request's redirect URI carrying `parameters` (`code`, or
    /// `error` and `error_description`) in the request's response mode.
    func redirect(_ request: AuthorizationRequest, _ parameters: [String: String]) async throws -> Response {
        var pairs = parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let state = request.state { pairs.append(("state", state)) }
        let query: [(String, String)]
        if AuthorizationResponseMode(request.responseMode).isJWT {
            query = [("response", try await signedResponse(pairs, clientID: request.clientID))]
        } else {
            query = pairs + [("iss", server.configuration.issuer)]
        }
        let separator = request.redirectURI.contains("?") ? "&" : "?"
        return Responses.seeOther(request.redirectURI + separator + FormParameters.encode(query))
    }

    /// The JARM response JWT (JARM §2.1), signed with the server's active key (FAPI 2.0 SP §5.4.1-1 algorithms).
    func signedResponse(_ pairs: [(String, String)], clientID: String) async throws -> String {
        let now = server.clock.now().epochSeconds
        var claims: [String: JSONValue] = [
            "iss": .string(server.configuration.issuer), "aud": .string(clientID),
            "iat": .int(now), "exp": .int(now + Int64(Self.jwtLifetime)),
        ]
        for (name, value) in pairs { claims[name] = .string(value) }
        return try JWT.sign(claims: claims, typ: nil, key: try await server.keys.signingKey())
    }
}
