import Foundation
import HTTPMessageSignatures
import OAuthJOSE

extension KuraClient {
    /// Signs a resource request per the FAPI 2.0 HTTP Signatures profile (RFC 9421; FAPI2-CHECKLIST §C.5 "client
    /// signer") when `signsResourceRequests` is on: adds `Content-Digest` (with a body), `Signature-Input` and
    /// `Signature`, covering `@method`, `@target-uri`, `authorization`, `dpop` and `content-digest`.
    ///
    /// The key is the `private_key_jwt` key, one of the client's registered JWKS, so the resource server finds it by
    /// `keyid` = its `kid`.
    nonisolated func signResourceRequest(_ request: inout HTTPRequestMessage) throws {
        guard configuration.signsResourceRequests else { return }
        guard case .privateKeyJWT(let key) = configuration.authentication else {
            throw KuraClientError.invalidConfiguration("signing resource requests needs a private_key_jwt signing key")
        }
        let fields: [(name: String, value: String)]
        do {
            fields = try FAPIHTTPSignatures.signRequest(Self.signatureView(of: request), key: key, created: clock.now())
        } catch {
            throw KuraClientError.signingFailed("HTTP message signature: \(error)")
        }
        for field in fields { request.headers.set(field.name, field.value) }
    }

    /// Verifies the response's `fapi-2-response` signature against the AS JWKS when request signing and
    /// `verifiesResponseSignatures` are on; an unknown `keyid` re-fetches `jwks_uri` once (key rotation).
    /// - Throws: `KuraClientError.invalidResponseSignature` with the reason.
    func verifyResourceResponse(_ response: HTTPResponseMessage, to request: HTTPRequestMessage) async throws {
        guard configuration.signsResourceRequests, configuration.verifiesResponseSignatures else { return }
        let view = Self.signatureView(of: request)
        let headers = response.headers.fields.map { (name: $0.name, value: $0.value) }
        var keys = try await jwks()
        let message = HTTPSignedMessage.response(
            HTTPSignatureResponse(status: response.status, headers: headers, body: Array(response.body)), request: view)
        let keyIDs = ((try? HTTPMessageSignature.all(in: message)) ?? []).compactMap(\.input.parameters.keyID)
        if keyIDs.contains(where: { keys.keys(withKID: $0).isEmpty }) { keys = try await jwks(refresh: true) }
        do throws(HTTPSignatureError) {
            _ = try FAPIHTTPSignatures.verifyResponse(
                status: response.status, headers: headers, body: Array(response.body), request: view, keys: keys,
                now: clock.now(), maxAge: 60 + configuration.clockSkew)
        } catch {
            throw KuraClientError.invalidResponseSignature(error.description)
        }
    }

    /// The request as RFC 9421 sees it: the absolute URL and every header field line as sent.
    nonisolated static func signatureView(of request: HTTPRequestMessage) -> HTTPSignatureRequest {
        HTTPSignatureRequest(
            method: request.method, targetURI: request.url.absoluteString,
            headers: request.headers.fields.map { (name: $0.name, value: $0.value) }, body: Array(request.body ?? Data()))
    }
}
