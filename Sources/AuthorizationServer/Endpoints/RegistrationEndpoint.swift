import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OAuthCore

/// Client registration endpoint (RFC 7591 §3.1–3.2), open only to holders of an initial access token (RFC 7591 §3).
///
/// Steps, in order: authenticate the initial access token (RFC 6750 §2.1; 401 `invalid_token`) → read the JSON body
/// (≤ 64 KiB) → drop a client-proposed `client_id` → validate the metadata exactly as `kura clients add` does
/// (`ClientMetadataValidator`: `invalid_redirect_uri` / `invalid_client_metadata` naming the field) → assign a random
/// client_id and registration access token, storing only the token's hash → 201 client information response
/// (RFC 7591 §3.2.1 + RFC 7592 §3), `Cache-Control: no-store`.
struct RegistrationEndpoint: Sendable {
    /// Largest metadata document read: generous for a JWK Set with a few RSA keys, small enough to bound the work.
    static let maxBodyBytes = 64 * 1024
    let server: OAuthServer

    func handle(_ request: Request) async throws -> Response {
        let token = try Self.bearerToken(request)
        guard server.configuration.registration.accepts(initialAccessToken: token) else {
            throw Self.invalidToken("The initial access token is not valid")
        }
        var metadata = try await Self.metadata(request)
        // RFC 7591 §3.2.1: the server issues client_id ("a unique string"); one the client proposes is ignored.
        metadata["client_id"] = nil
        let validated = try Self.validator(server.configuration).validate(metadata)

        let registrationAccessToken = server.random.token()
        let now = server.clock.now()
        let record = ClientRecord(clientID: server.random.token(), metadata: validated,
                                  registrationAccessTokenHash: CredentialHash.of(registrationAccessToken), createdAt: now, updatedAt: now)
        try await server.stores.clients.insert(record)
        return Responses.json(Self.clientInformation(record, registrationAccessToken: registrationAccessToken,
                                                     configuration: server.configuration), status: .created)
    }

    // MARK: - Shared with the client configuration endpoint (RFC 7592)

    /// The validator `kura clients add` builds, from the same configuration: one rule set for both paths.
    static func validator(_ configuration: ServerConfiguration) -> ClientMetadataValidator {
        ClientMetadataValidator(configuration: configuration)
    }

    /// The client information response (RFC 7591 §3.2.1; RFC 7592 §3): the metadata as validated and stored, plus
    /// `client_id`, `client_id_issued_at`, `registration_access_token` and `registration_client_uri`. No
    /// `client_secret` (FAPI 2.0 SP §5.3.2.1-6: no shared secrets), hence no `client_secret_expires_at`.
    static func clientInformation(_ record: ClientRecord, registrationAccessToken: String, configuration: ServerConfiguration) -> JSONValue {
        var document = record.metadata
        document["client_id"] = .string(record.clientID)
        document["client_id_issued_at"] = .int(record.createdAt.epochSeconds)
        document["registration_access_token"] = .string(registrationAccessToken)
        document["registration_client_uri"] = .string(configuration.url(OAuthServer.Path.registration + "/" + record.clientID))
        return .object(document)
    }

    /// The client metadata of a request body: a JSON object sent as `application/json` (RFC 7591 §3.1, RFC 7592 §2.2).
    /// - Throws: `invalid_client_metadata` for another media type or a body that is not a JSON object; 413 past 64 KiB.
    static func metadata(_ request: Request) async throws -> [String: JSONValue] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw OAuthError(.invalidClientMetadata, "Client metadata must be sent as application/json (RFC 7591 3.1)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw OAuthError(.invalidRequest, "Request body too large", status: 413)
        }
        guard let object = JSONValue.parseObject(buffer.readableBytesView) else {
            throw OAuthError(.invalidClientMetadata, "The request body is not a JSON object")
        }
        return object
    }

    /// The token of an `Authorization: Bearer` header (RFC 6750 §2.1), the only place it is read: a token in the body
    /// or query (§2.2, §2.3) would be logged and cached too easily.
    ///
    /// RFC 6750 §3.1: a request without credentials (or with another scheme) gets a bare `Bearer` challenge, without
    /// an error code; a malformed token gets `error="invalid_token"`.
    static func bearerToken(_ request: Request) throws(OAuthError) -> String {
        let values = request.headers[values: .authorization]
        let parts = values.first?.split(separator: " ", maxSplits: 1) ?? []
        guard values.count == 1, parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw OAuthError(.invalidToken, "Authorization: Bearer with the access token is required", headers: ["WWW-Authenticate": "Bearer"])
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard B64Token.isValid(token) else { throw invalidToken("The access token is malformed") }
        return token
    }

    /// 401 `invalid_token` with its RFC 6750 §3 challenge.
    static func invalidToken(_ description: String) -> OAuthError {
        OAuthError(.invalidToken, description, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
    }
}

/// The RFC 6750 §2.1 token syntax: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
enum B64Token {
    static func isValid(_ token: String) -> Bool {
        let body = token.utf8.reversed().drop { $0 == UInt8(ascii: "=") }
        return !body.isEmpty && body.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default:
                false
            }
        }
    }
}
