import Foundation
import HTTPTypes
import Hummingbird
import OAuthCore

/// Client configuration endpoint (RFC 7592 §2): read (`GET`), update (`PUT`) and delete (`DELETE`)
/// `/register/{client_id}` with the client's registration access token.
///
/// Every operation first authenticates the token against the hash stored with that client (constant time). A wrong
/// token, a client registered by `kura clients add` (no token) and an unknown client_id all get the same 401
/// `invalid_token` (§2.1–2.3: "If the client does not exist on this server, the server MUST respond with HTTP 401
/// Unauthorized"), so the endpoint never tells whether a client_id exists.
///
/// Token lifecycle: a read keeps the token and returns it unchanged (RFC 7592 §3 makes it a REQUIRED member; Kura
/// holds only its hash, so it echoes the one presented). A successful update rotates it (§5: the token "MAY be
/// rotated when the developer or client does a read or update operation"): the response carries the new token and
/// the old one stops working, which bounds the life of a leaked token. A rejected update changes nothing, the token
/// included. Of two updates racing with the same token, both succeed and the later write's token is the one kept.
struct RegistrationManagementEndpoint: Sendable {
    let server: OAuthServer

    /// RFC 7592 §2.1: the client's current metadata, as registered.
    func read(_ request: Request, clientID: String) async throws -> Response {
        let (record, token) = try await authenticate(request, clientID: clientID)
        return Responses.json(RegistrationEndpoint.clientInformation(record, registrationAccessToken: token, configuration: server.configuration))
    }

    /// RFC 7592 §2.2: replaces the metadata ("Valid values of client metadata fields in this request MUST replace, not
    /// augment, the values previously associated with this client"), validated exactly as at registration.
    func update(_ request: Request, clientID: String) async throws -> Response {
        var (record, _) = try await authenticate(request, clientID: clientID)
        var metadata = try await RegistrationEndpoint.metadata(request)
        // §2.2: "The client MUST include its client_id field in the request, and it MUST be the same as its currently
        // issued client identifier."
        guard metadata["client_id"]?.stringValue == clientID else {
            throw OAuthError(.invalidClientMetadata, "client_id: must be present and equal the client's identifier (RFC 7592 2.2)")
        }
        metadata["client_id"] = nil
        let validated = try RegistrationEndpoint.validator(server.configuration).validate(metadata)

        let registrationAccessToken = server.random.token()
        record.metadata = validated
        record.registrationAccessTokenHash = CredentialHash.of(registrationAccessToken)
        record.updatedAt = server.clock.now()
        do {
            try await server.stores.clients.update(record)
            server.clients.invalidate(id: record.clientID)
        } catch StorageError.notFound {
            throw Self.rejected // deleted since it was authenticated
        }
        return Responses.json(RegistrationEndpoint.clientInformation(record, registrationAccessToken: registrationAccessToken,
                                                                     configuration: server.configuration))
    }

    /// RFC 7592 §2.3: deprovisions the client; its client_id and registration access token stop working at once, so
    /// it can no longer authenticate at PAR or the token endpoint. 204 No Content.
    func delete(_ request: Request, clientID: String) async throws -> Response {
        _ = try await authenticate(request, clientID: clientID)
        guard try await server.stores.clients.delete(clientID: clientID) else { throw Self.rejected }
        server.clients.invalidate(id: clientID)
        // RFC 7592 §2.3: the server "SHOULD immediately invalidate all existing ... tokens" of a deleted client.
        _ = try await server.stores.tokens.revokeAll(clientID: clientID, now: server.clock.now())
        return Response(status: .noContent, headers: Responses.noStore)
    }

    /// The client and the presented token, if the token is the one stored (as a hash) for that client.
    private func authenticate(_ request: Request, clientID: String) async throws -> (ClientRecord, String) {
        let token = try RegistrationEndpoint.bearerToken(request)
        let presented = CredentialHash.of(token)
        guard let record = try await server.stores.clients.find(clientID: clientID),
              let stored = record.registrationAccessTokenHash, ConstantTime.equals(presented, stored)
        else { throw Self.rejected }
        return (record, token)
    }

    static var rejected: OAuthError {
        RegistrationEndpoint.invalidToken("The registration access token is not valid for this client")
    }
}
