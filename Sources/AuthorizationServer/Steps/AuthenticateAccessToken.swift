import Foundation
import Hummingbird
import OAuthCore
import OAuthJOSE

/// An access token a protected resource accepted: signed by this server, unexpired, unrevoked, and presented by its
/// sender (RFC 9068 §4, RFC 9449 §7, RFC 8705 §3; FAPI 2.0 SP §5.3.4-3).
public struct AuthenticatedAccessToken: Sendable {
    /// The stored record: client, customer, grant, scope, authorization details, `cnf`, expiry.
    public let record: TokenRecord
    /// The verified JWT claims (RFC 9068 §2.2).
    public let claims: [String: JSONValue]
    /// The scheme the token came with: `DPoP` for a DPoP-bound token, `Bearer` for a certificate-bound one.
    public let scheme: AuthenticateAccessToken.Scheme
    /// The verified DPoP proof of a DPoP-bound token, e.g. for a resource server's own nonce check (RFC 9449 §9).
    public let proof: VerifiedDPoPProof?

    public var clientID: String { record.clientID }
    /// The customer; nil for a client_credentials token.
    public var userID: String? { record.userID }
    public var scope: [String] { record.scope }
    public var authorizationDetails: JSONValue? { record.authorizationDetails }
}

/// Authenticates the access token of a request to a protected resource (userinfo, the bank API).
///
/// Steps: read the one `Authorization` header, never the query (RFC 6750 §2.1; SP §5.3.4-2) → verify the JWT with the
/// server's published keys, `typ` `at+jwt`, `iss`, `aud` and `exp` (RFC 9068 §4; once per token and node, see
/// `VerifiedTokenCache`) → look the token up by hash so a
/// revoked one fails (SP §5.3.4-3) → check the sender: a DPoP-bound token (`cnf.jkt`) needs the DPoP scheme and a proof
/// of that key with `ath` (RFC 9449 §7.1, §4.3 check 12); a certificate-bound token (`cnf.x5t#S256`) needs the Bearer
/// scheme and that TLS client certificate (RFC 8705 §3). Kura issues no bearer tokens, so a token without `cnf` fails.
///
/// Failures are RFC 6750 §3 errors with `WWW-Authenticate` (RFC 9449 §7.1 for DPoP): 401 `invalid_token` or
/// `invalid_dpop_proof`, 400 `invalid_request`; `insufficientScope` builds the 403.
public struct AuthenticateAccessToken: Sendable {
    /// An HTTP authentication scheme for access tokens (compared case-insensitively, RFC 9110 §11.1).
    public enum Scheme: String, Sendable {
        case bearer = "Bearer"
        case dpop = "DPoP"
    }

    let server: OAuthServer

    public init(server: OAuthServer) { self.server = server }

    /// Authenticates `request`; `url` is the resource's absolute URL, which DPoP proofs must name in `htu`.
    public func callAsFunction(_ request: Request, context: KuraRequestContext, url: String) async throws -> AuthenticatedAccessToken {
        try await callAsFunction(
            authorization: request.headerValues("Authorization"), dpop: request.headerValues("DPoP"), method: request.method.rawValue,
            url: url, clientCertificateDER: await context.clientCertificateDER())
    }

    /// Authenticates an access token from the request's `Authorization` and `DPoP` header values, method, URL and TLS
    /// client certificate.
    public func callAsFunction(authorization: [String], dpop: [String], method: String, url: String,
                               clientCertificateDER: [UInt8]?) async throws -> AuthenticatedAccessToken {
        let (scheme, token) = try readAuthorization(authorization)
        let now = server.clock.now()
        let hash = CredentialHash.of(token)
        let claims: [String: JSONValue]
        if let verified = server.verifiedAccessTokens.claims(hash: hash, now: now) {
            claims = verified
        } else {
            claims = try await verifyJWT(token, scheme: scheme)
            server.verifiedAccessTokens.insert(hash: hash, claims: claims, now: now)
        }
        guard let record = try await server.stores.tokens.find(tokenHash: hash), record.kind == .accessToken,
              record.revokedAt == nil, record.expiresAt > now
        else { throw failure(.invalidToken, "The access token has been revoked or has expired", scheme: scheme) }
        let proof = try await checkSender(claims["cnf"]?.objectValue ?? [:], scheme: scheme, token: token, dpop: dpop, method: method,
                                          url: url, clientCertificateDER: clientCertificateDER)
        return AuthenticatedAccessToken(record: record, claims: claims, scheme: scheme, proof: proof)
    }

    /// The 403 `insufficient_scope` error naming the scope the resource needs (RFC 6750 §3.1).
    public func insufficientScope(_ required: String, token: AuthenticatedAccessToken) -> OAuthError {
        failure(.insufficientScope, "The access token lacks the \(required) scope", scheme: token.scheme, scope: required)
    }

    // MARK: - Steps

    /// RFC 6750 §2.1 / RFC 9449 §7.1: `<scheme> <token68>`. No header, or another scheme, means no credentials.
    private func readAuthorization(_ values: [String]) throws(OAuthError) -> (Scheme, String) {
        guard let value = values.first else { throw failure(nil, "An access token is required", scheme: nil) }
        guard values.count == 1 else { throw failure(.invalidRequest, "Send exactly one Authorization header", scheme: nil) }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { throw failure(.invalidRequest, "The Authorization header is malformed", scheme: nil) }
        let scheme: Scheme
        switch parts[0].lowercased() {
        case "bearer": scheme = .bearer
        case "dpop": scheme = .dpop
        default: throw failure(nil, "Use the DPoP or the Bearer authentication scheme", scheme: nil)
        }
        let token = parts[1].trimmingOWS()
        guard Self.isToken68(token) else { throw failure(.invalidRequest, "The access token is malformed", scheme: scheme) }
        return (scheme, token)
    }

    /// RFC 9068 §4: `typ` `at+jwt`, signature by a key the server publishes (chosen by `kid` among the server's own
    /// keys only), `iss` this issuer, `aud` naming it, `exp` in the future.
    private func verifyJWT(_ token: String, scheme: Scheme) async throws -> [String: JSONValue] {
        let invalid = failure(.invalidToken, "The access token is not valid", scheme: scheme)
        guard let jws = try? CompactJWS.parse(token), let typ = jws.typ?.lowercased(), typ == "at+jwt" || typ == "application/at+jwt" else {
            throw invalid
        }
        let keys = try await server.keys.publishedKeys(including: jws.kid)
        // Every `JWSAlgorithm` is a FAPI algorithm; the key (found by `kid` among our own) must be bound to the `alg`.
        guard (try? jws.verify(with: keys, allowed: Set(JWSAlgorithm.allCases))) != nil, let claims = try? jws.payloadObject() else {
            throw invalid
        }
        let issuer = server.configuration.issuer
        guard claims["iss"]?.stringValue == issuer,
              claims["aud"]?.stringValue == issuer || claims["aud"]?.arrayValue?.contains(.string(issuer)) == true
        else { throw invalid }
        guard let exp = claims["exp"]?.intValue, exp > server.clock.now().epochSeconds else {
            throw failure(.invalidToken, "The access token has expired", scheme: scheme)
        }
        return claims
    }

    /// The sender constraint (`cnf`) of the token against this request; returns the DPoP proof for a DPoP-bound token.
    private func checkSender(_ cnf: [String: JSONValue], scheme: Scheme, token: String, dpop: [String], method: String, url: String,
                             clientCertificateDER: [UInt8]?) async throws -> VerifiedDPoPProof? {
        if let jkt = cnf["jkt"]?.stringValue {
            // RFC 9449 §7.1: a DPoP-bound token is sent with the DPoP scheme; as Bearer it would not be sender-checked.
            guard scheme == .dpop else {
                throw failure(.invalidToken, "This access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof", scheme: .dpop)
            }
            let proof: VerifiedDPoPProof?
            do {
                proof = try await VerifyDPoPProof(server: server)(headers: dpop, method: method, url: url, accessToken: token)
            } catch let error as OAuthError {
                throw failure(error.code, error.errorDescription?.value, scheme: .dpop, headers: error.headers)
            }
            guard let proof else { throw failure(.invalidDPoPProof, "A DPoP proof is required", scheme: .dpop) }
            guard proof.jkt == jkt else {
                throw failure(.invalidDPoPProof, "The DPoP proof is not signed by the key the access token is bound to", scheme: .dpop)
            }
            return proof
        } else if let x5t = cnf["x5t#S256"]?.stringValue {
            guard scheme == .bearer else {
                throw failure(.invalidToken, "This access token is bound to a TLS client certificate: use the Bearer scheme", scheme: .bearer)
            }
            guard let der = clientCertificateDER, ConstantTime.equals(SenderBinding.certificateThumbprint(der: der), x5t) else {
                throw failure(.invalidToken, "The access token is bound to another TLS client certificate", scheme: .bearer)
            }
            return nil
        } else {
            throw failure(.invalidToken, "The access token is not sender-constrained", scheme: scheme)
        }
    }

    // MARK: - Errors

    /// An RFC 6750 §3 / RFC 9449 §7.1 error: `WWW-Authenticate` with the challenge of `scheme` (both challenges when it
    /// is unknown), `error` and `error_description` when there is an error (§3.1: none when credentials are missing).
    /// Status 403 for `insufficient_scope`, 400 for `invalid_request`, else 401. `headers` are kept (e.g. `DPoP-Nonce`).
    public func failure(_ code: OAuthErrorCode?, _ description: String?, scheme: Scheme?, scope: String? = nil,
                 headers: [String: String] = [:]) -> OAuthError {
        let error = OAuthError(code ?? .invalidToken, description)
        var attributes: [String] = []
        if let code {
            attributes.append("error=\"\(code.rawValue)\"")
            if let text = error.errorDescription?.value { attributes.append("error_description=\"\(text)\"") }
        }
        if let scope { attributes.append("scope=\"\(scope)\"") }
        let algs = "algs=\"\(server.configuration.acceptedAlgorithms.map(\.rawValue).sorted().joined(separator: " "))\""
        let challenge: String
        switch scheme {
        case .dpop: challenge = "DPoP " + (attributes + [algs]).joined(separator: ", ")
        case .bearer: challenge = attributes.isEmpty ? "Bearer" : "Bearer " + attributes.joined(separator: ", ")
        case nil: challenge = "DPoP " + (attributes + [algs]).joined(separator: ", ") + ", Bearer"
        }
        var fields = headers
        fields["WWW-Authenticate"] = challenge
        let status = switch code {
        case .insufficientScope?: 403
        case .invalidRequest?: 400
        default: 401
        }
        return OAuthError(code ?? .invalidToken, description, headers: fields, status: status)
    }

    /// RFC 9110 §11.2 `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    static func isToken68(_ text: String) -> Bool {
        let body = text.utf8.reversed().drop { $0 == UInt8(ascii: "=") }
        return !body.isEmpty && body.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || "-._~+/".utf8.contains(c)
        }
    }
}
