import AuthorizationServer
import Foundation
import HTTPMessageSignatures
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OAuthCore

/// What a bank API handler sees: the authenticated token, the grant it carries, the request's body, query and
/// verified signature.
struct APIRequest: Sendable {
    let token: AuthenticatedAccessToken
    let grant: BankGrant
    let body: [UInt8]
    let query: FormParameters
    let parameters: Parameters
    let signature: VerifiedHTTPSignature?
    let headers: HTTPFields
    let logger: Logger
}

/// A handler's answer: status, JSON and extra header fields (before signing).
struct APIResult: Sendable {
    var status: Int
    var body: JSONValue
    var headers: [(name: String, value: String)] = []
    /// The success body already written as JSON text by a handler that lays out its members itself (a transactions
    /// page, `BankJSON.transactionsPage`); when set, it is what is sent and signed instead of `body`.
    var encodedBody: [UInt8]? = nil
}

/// One bank API exchange from arrival to signed response, the same for every endpoint:
///
/// 1. `x-fapi-interaction-id`: echoed, or a new RFC 4122 UUID; on the response and in every log line (FAPI 2.0 SP
///    §5.3.4 / FAPI 1.0 Baseline §6.2.1-11);
/// 2. the access token only from the `Authorization` header: one in the query is refused (SP §5.3.4-2, RFC 6750 §2.3
///    not supported);
/// 3. the token: signature, `typ`, `iss`, `aud`, expiry, revocation and the sender constraint — DPoP proof with `ath`
///    and `jkt`, or the mTLS certificate (`AuthenticateAccessToken`; RFC 9068 §4, RFC 9449 §7, RFC 8705 §3);
///    the resource server's own DPoP nonce when configured (RFC 9449 §9);
/// 4. the RFC 9421 request signature: verified whenever present, required for clients registered with
///    `require_http_message_signatures` (FAPI 2.0 HTTP Signatures; checklist C.5-14…21) — 401 otherwise;
/// 5. the handler;
/// 6. every response — errors included — gets `Content-Digest` and an RFC 9421 signature with tag `fapi-2-response`
///    covering `@status`, `content-type`, `content-digest` and the request's `@method`/`@target-uri` (C.5-22…26).
struct APIExchange: Sendable {
    let api: BankAPI

    func run(_ request: Request, context: KuraRequestContext,
             _ handler: @escaping @Sendable (APIRequest) async throws -> APIResult) async -> Response {
        let interactionID = interactionID(request.headers[HTTPField.Name("x-fapi-interaction-id")!])
        var logger = api.logger
        logger[metadataKey: "x-fapi-interaction-id"] = .string(interactionID)
        var signedRequest = HTTPSignatureRequest(
            method: request.method.rawValue, targetURI: api.configuration.origin + request.uri.description,
            headers: request.headers.map { ($0.name.canonicalName, $0.value) }, body: [])
        var requestSignature: VerifiedHTTPSignature?
        let result: APIResult
        do {
            let query = try request.queryParameters()
            if query.value("access_token") != nil {
                throw OAuthError.invalidRequest("Send the access token in the Authorization header, never in the query")
            }
            signedRequest.body = try await Self.collectBody(request, limit: api.configuration.maxBodyBytes)
            let authenticate = AuthenticateAccessToken(server: api.server)
            let token = try await authenticate(request, context: context, url: api.configuration.origin + request.uri.path)
            logger[metadataKey: "client_id"] = .string(token.clientID)
            if let proof = token.proof, api.server.configuration.dpopNonce.isRequired(for: token.clientID) {
                try await DPoPNonceCheck(server: api.server, purpose: .resourceServer).resourceServer(proof)
            }
            requestSignature = try await verifySignature(signedRequest, clientID: token.clientID)
            let grant = try BankGrant(token: token)
            result = try await handler(APIRequest(
                token: token, grant: grant, body: signedRequest.body, query: query, parameters: context.parameters,
                signature: requestSignature, headers: request.headers, logger: logger))
        } catch let error as OAuthError {
            result = APIResult(status: error.httpStatus, body: .object(error.jsonMembers.mapValues(JSONValue.string)),
                               headers: error.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        } catch let error as BankAPIError {
            result = APIResult(status: error.status, body: ["error": .string(error.code), "error_description": .string(error.description)],
                               headers: error.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        } catch {
            logger.error("bank API request failed", metadata: ["error": "\(String(reflecting: error))"])
            result = APIResult(status: 500, body: ["error": "server_error", "error_description": "The request could not be completed"])
        }
        // One access-log line per request, carrying the interaction id (FAPI 2.0 SP §5.3.4 / FAPI 1.0 §6.2.1-11).
        var line: Logger.Metadata = ["method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(result.status)"]
        if let error = result.body["error"]?.stringValue { line["error"] = "\(error)" }
        logger.info("bank API request", metadata: line)
        return await respond(result, to: signedRequest, requestSignature: requestSignature, interactionID: interactionID, logger: logger)
    }

    /// A response without a token check (the OpenAPI document), still with interaction id and signature.
    func runPublic(_ request: Request, _ body: JSONValue) async -> Response {
        let interactionID = interactionID(request.headers[HTTPField.Name("x-fapi-interaction-id")!])
        let signedRequest = HTTPSignatureRequest(
            method: request.method.rawValue, targetURI: api.configuration.origin + request.uri.description,
            headers: request.headers.map { ($0.name.canonicalName, $0.value) }, body: [])
        return await respond(APIResult(status: 200, body: body), to: signedRequest, requestSignature: nil,
                             interactionID: interactionID, logger: api.logger)
    }

    // MARK: - Steps

    /// C.5-14…21: a signature is checked whenever one is sent, and demanded from clients registered for it.
    private func verifySignature(_ request: HTTPSignatureRequest, clientID: String) async throws -> VerifiedHTTPSignature? {
        guard let client = try await api.server.clients.client(id: clientID) else {
            throw BankAPIError.invalidSignature("The client of this access token is no longer registered")
        }
        let signed = request.headers.contains { $0.name == "signature-input" || $0.name == "signature" }  // canonical names are lower case
        let required = api.configuration.requireSignedRequestsFromAllClients
            || client.metadata["require_http_message_signatures"]?.boolValue == true
        guard signed || required else { return nil }
        guard signed else { throw BankAPIError.invalidSignature("This client must sign its requests (RFC 9421 Signature and Signature-Input)") }
        let keys = try await api.server.clientKeys.keys(for: client, kid: nil)
        do {
            return try FAPIHTTPSignatures.verifyRequest(request, keys: keys, now: api.server.clock.now(),
                                                        maxAge: api.configuration.signatureMaxAge)
        } catch {
            throw BankAPIError.invalidSignature(error.description)
        }
    }

    /// Serialises, digests and signs the response (C.5-22…26) and adds the FAPI headers.
    private func respond(_ result: APIResult, to request: HTTPSignatureRequest, requestSignature: VerifiedHTTPSignature?,
                         interactionID: String, logger: Logger) async -> Response {
        let body = result.encodedBody ?? result.body.jsonBytes()
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("cache-control", "no-store"), ("x-fapi-interaction-id", interactionID),
        ]
        headers += result.headers
        do {
            let key = try await api.server.keys.signingKey()
            headers += try FAPIHTTPSignatures.signResponse(
                status: result.status, headers: headers, body: body, request: request, requestSignature: requestSignature,
                key: key, created: api.server.clock.now())
        } catch {
            logger.error("could not sign a bank API response", metadata: ["error": "\(String(reflecting: error))"])
            return Response(status: .internalServerError, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"server_error"}"#)))
        }
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: result.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The request body, at most `limit` bytes (413 beyond).
    private static func collectBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw BankAPIError(status: 413, code: "invalid_request", "The request body is larger than \(limit) bytes")
        }
    }

    /// The client's `x-fapi-interaction-id` when it is a sane identifier (a UUID, or up to 64 of `[A-Za-z0-9-]`, so it
    /// can be echoed and logged without injection), else a new RFC 4122 UUID.
    func interactionID(_ value: String?) -> String {
        if let value, (1...64).contains(value.utf8.count),
           value.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }) {
            return value
        }
        var bytes = api.server.random.bytes(16)
        bytes[6] = bytes[6] & 0x0F | 0x40  // RFC 4122 §4.4: version 4 (random)
        bytes[8] = bytes[8] & 0x3F | 0x80  // variant 10
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                               bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }
}
