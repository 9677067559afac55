import ArgumentParser
import AuthorizationServer
import Foundation
import NIOHTTP1
import OAuthCore
import OAuthJOSE

/// How the bench client authenticates at the token and introspection endpoints (FAPI 2.0 SP §5.3.2.1-6), and with
/// it how its access tokens are sender-constrained (SP §5.3.2.1-4).
enum BenchClientAuth: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// `private_key_jwt` (RFC 7523 §2.2, ES256) with DPoP-bound tokens (RFC 9449, `cnf.jkt`).
    case privateKeyJWT = "private_key_jwt"
    /// `tls_client_auth` (RFC 8705 §2.1) with a client certificate from the bench's development CA and
    /// certificate-bound tokens (RFC 8705 §3, `cnf.x5t#S256`; registered `tls_client_certificate_bound_access_tokens`).
    case mtls

    var clientID: String {
        switch self {
        case .privateKeyJWT: BenchSeed.clientID
        case .mtls: "bench-partner-mtls"
        }
    }

    /// RFC 6749 §5.1 `token_type` of the tokens this client gets.
    var tokenType: String {
        switch self {
        case .privateKeyJWT: "DPoP"
        case .mtls: "Bearer"
        }
    }

    /// The `cnf` member its access tokens carry.
    var confirmationMember: String {
        switch self {
        case .privateKeyJWT: "jkt"
        case .mtls: "x5t#S256"
        }
    }

    /// For the report: client authentication and sender constraint, spelled out.
    var label: String {
        switch self {
        case .privateKeyJWT: "private_key_jwt (ES256) + DPoP-bound tokens (cnf.jkt, ES256 proof per token request)"
        case .mtls: "tls_client_auth (dev-CA client certificate) + certificate-bound tokens (cnf.x5t#S256)"
        }
    }

    /// Subject of the mTLS client certificate and of its registration (`tls_client_auth_subject_dn`, RFC 4514).
    static let mutualTLSSubjectDN = "CN=bench-partner-mtls,O=Kura Bench"

    /// RFC 7591 metadata of the bench client, registered for every grant Kura implements.
    func metadata(clientKey: JWSSigningKey) -> [String: JSONValue] {
        var m: [String: JSONValue] = [
            "client_name": .string("Bench Partner (\(rawValue))"),
            "redirect_uris": [.string(BenchSeed.redirectURI)],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
            "scope": "openid accounts",
        ]
        switch self {
        case .privateKeyJWT:
            m["token_endpoint_auth_method"] = "private_key_jwt"
            m["token_endpoint_auth_signing_alg"] = "ES256"
            m["jwks"] = .object(JWKSet(keys: [clientKey.publicJWK]).publicJSON)
        case .mtls:
            m["token_endpoint_auth_method"] = "tls_client_auth"
            m["tls_client_auth_subject_dn"] = .string(Self.mutualTLSSubjectDN)
            m["tls_client_certificate_bound_access_tokens"] = true
        }
        return m
    }
}

/// Options of the request benches that can authenticate either way (`client-credentials`, `refresh`, `introspect`).
struct ClientAuthBenchOptions: ParsableArguments {
    @Option(help: "Client authentication: private_key_jwt (DPoP-bound tokens) or mtls (tls_client_auth, certificate-bound tokens).")
    var clientAuth: BenchClientAuth = .privateKeyJWT

    @OptionGroup var load: RequestBenchOptions
    @OptionGroup var options: BenchOptions

    /// Starts the server with the client registered for `clientAuth`: `seed` adds what else the bench needs (the
    /// database is closed before the server starts), `body` runs against the server with `load.connections` keep-alive
    /// connections (presenting the client certificate for mTLS).
    func run<S, T>(seed: (BenchServer, BenchSeed) async throws -> S,
                   body: (BenchServer, [BenchConnection], S) async throws -> T) async throws -> T {
        try await BenchServer.run(options, connections: load.connections, clientAuth: clientAuth, seed: { server in
            let bench = try await BenchSeed.open(server, clientAuth: clientAuth)
            do {
                let seeded = try await seed(server, bench)
                try await bench.backend.shutdown()
                return seeded
            } catch {
                try? await bench.backend.shutdown()
                throw error
            }
        }, body: { server, _, seeded in
            try await server.withConnections(load.connections, clientAuth: clientAuth) { try await body(server, $0, seeded) }
        })
    }
}

extension BenchReport {
    /// The report of a request bench run with `clientAuth`: its title, the client authentication and sender constraint,
    /// and the standard rows.
    init(_ benchmark: String, _ what: String, clientAuth: BenchClientAuth, run: RequestRun, options: RequestBenchOptions) {
        self.init(title: "kura bench \(benchmark) — \(what), \(clientAuth.rawValue), HTTPS, SQLite on disk", benchmark: benchmark)
        row("client auth / sender", clientAuth.label)
        json["client_auth"] = .string(clientAuth.rawValue)
        json["sender_constraint"] = .string(clientAuth == .privateKeyJWT ? "dpop" : "mtls")
        add(run, options: options)
    }

    /// States that the requests were built, and what of them was signed, before the warm-up.
    mutating func noteSigning(_ clientAuth: BenchClientAuth, signed: String, seconds: Double) {
        notes.append(String(format: "requests were built%@ before the warm-up (%.2f s), so client-side signing is not measured",
                            clientAuth == .privateKeyJWT ? " and \(signed) signed" : "", seconds))
    }
}

/// Builds a bench's requests with everything signed up front: per request a client assertion (fresh `jti`, `aud` the
/// issuer) and, where a token is issued, a DPoP proof (fresh `jti`) for private_key_jwt; only `client_id` for mTLS,
/// whose certificate the TLS connection presents.
struct BenchRequestSigner {
    let clientAuth: BenchClientAuth
    let issuer: String
    let clientKey: JWSSigningKey
    let dpopKey: JWSSigningKey
    /// `iat` of every assertion and proof: the server accepts them for 300 s from here (see `validUntil`).
    let iat = Int64(Date().timeIntervalSince1970)
    let signedAt = ContinuousClock.now
    private let random = SystemRandom()

    init(clientAuth: BenchClientAuth, issuer: String, clientKey: JWSSigningKey, dpopKey: JWSSigningKey) {
        self.clientAuth = clientAuth
        self.issuer = issuer
        self.clientKey = clientKey
        self.dpopKey = dpopKey
    }

    /// Until when requests signed now are accepted: assertions expire after 300 s, DPoP proofs age out after 300 s.
    var validUntil: ContinuousClock.Instant { signedAt + .seconds(290) }

    /// Client authentication parameters (RFC 7523 §2.2 or RFC 8705 §2: `client_id`).
    func clientAuthentication() throws -> [(String, String)] {
        guard clientAuth == .privateKeyJWT else { return [("client_id", clientAuth.clientID)] }
        let assertion = try JWT.sign(claims: [
            "iss": .string(clientAuth.clientID), "sub": .string(clientAuth.clientID), "aud": .string(issuer),
            "jti": .string(random.token()), "iat": .int(iat), "exp": .int(iat + 300),
        ], typ: nil, key: clientKey)
        return [("client_id", clientAuth.clientID),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion)]
    }

    /// A POST of `form` plus client authentication to `path`; with `senderConstrained` and private_key_jwt, a DPoP
    /// proof (RFC 9449 §4.2) for it. mTLS sends no proof: the client is registered for certificate-bound tokens.
    func post(_ path: String, form: [(String, String)], senderConstrained: Bool) throws -> BenchWireRequest {
        let url = issuer + path
        var fields: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if senderConstrained, clientAuth == .privateKeyJWT {
            let proof = try JWT.sign(claims: ["htm": "POST", "htu": .string(url), "iat": .int(iat), "jti": .string(random.token())],
                                     typ: "dpop+jwt", key: dpopKey, includeKid: false,
                                     extraHeader: ["jwk": .object(dpopKey.publicJWK.publicJSON)])
            fields.append(("DPoP", proof))
        }
        return try BenchWireRequest(method: .POST, url: url, fields: fields,
                                    body: Array(FormParameters.encode(form + (try clientAuthentication())).utf8))
    }
}

/// Checks one access token the way a resource server would see its binding: `cnf` carries the member this client
/// auth implies, with the expected value where the bench knows it (the DPoP key's thumbprint, the certificate's).
func checkConfirmation(ofAccessTokenIn body: String, clientAuth: BenchClientAuth, expected: String) throws {
    guard let response = JSONValue.parseObject(Data(body.utf8)), let token = response["access_token"]?.stringValue,
          let claims = try? CompactJWS.parse(token).payloadObject(), let cnf = claims["cnf"]?.objectValue
    else { throw BenchError("the first token response carries no access token with a cnf claim: \(body.prefix(300))") }
    guard cnf.count == 1, cnf[clientAuth.confirmationMember]?.stringValue == expected else {
        throw BenchError("the access token's cnf is \(cnf), expected \(clientAuth.confirmationMember) = \(expected)")
    }
}
