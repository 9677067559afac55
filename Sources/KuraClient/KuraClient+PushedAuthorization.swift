import Foundation
import OAuthCore

extension KuraClient {
    /// Pushes an authorization request (RFC 9126 §2.1) and returns the `request_uri` with the flow's secrets.
    ///
    /// Sends `response_type=code`, `client_id`, `redirect_uri` (FAPI 2.0 SP §5.3.2.2-6), `scope`, `state`, `nonce`
    /// (for `openid`), the S256 `code_challenge` (SP §5.3.2.2-5), optional `authorization_details` (RFC 9396 §2),
    /// client authentication, and a DPoP proof that binds the code to the DPoP key (RFC 9449 §10). With
    /// `requestObjectSigningKey` the parameters travel in a signed request object (JAR, RFC 9126 §3), and with
    /// `responseMode` JARM is requested.
    /// - Parameters:
    ///   - scope: defaults to the configured scopes.
    ///   - authorizationDetails: a JSON array of RAR objects.
    ///   - state: defaults to a fresh random value.
    ///   - nonce: defaults to a fresh random value when `scope` contains `openid`.
    /// - Throws: `.server` with the AS's error (RFC 9126 §2.3), `missingMetadata` when the AS has no PAR endpoint.
    public func pushAuthorizationRequest(
        scope: [String]? = nil, authorizationDetails: JSONValue? = nil, state: String? = nil, nonce: String? = nil
    ) async throws -> PushedAuthorization {
        let metadata = try await serverMetadata()
        guard let published = metadata.pushedAuthorizationRequestEndpoint else {
            throw KuraClientError.missingMetadata("pushed_authorization_request_endpoint")
        }
        let endpoint = metadata.endpoint(
            named: "pushed_authorization_request_endpoint", default: published, mutualTLS: usesClientCertificate)
        let scope = scope ?? configuration.scopes
        let state = state ?? random.token()
        let nonce = nonce ?? (scope.contains("openid") ? random.token() : nil)
        let verifier = PKCE.makeVerifier(using: random)

        var parameters: [(String, String)] = [
            ("response_type", "code"),
            ("redirect_uri", configuration.redirectURI.absoluteString),
            ("scope", scope.joined(separator: " ")),
            ("state", state),
            ("code_challenge", PKCE.challenge(for: verifier)),
            ("code_challenge_method", PKCE.s256),
        ]
        if let nonce { parameters.append(("nonce", nonce)) }
        if let authorizationDetails {
            parameters.append(("authorization_details", String(decoding: authorizationDetails.jsonData(), as: UTF8.self)))
        }
        if let mode = configuration.responseMode { parameters.append(("response_mode", mode.rawValue)) }
        if let key = configuration.requestObjectSigningKey { // RFC 9126 §3: only client authentication stays outside.
            let factory = RequestObjectFactory(clientID: configuration.clientID, key: key, clock: clock, random: random)
            parameters = [("request", try factory.requestObject(parameters: parameters, audience: configuration.issuerIdentifier))]
        }
        let response = try await sendWithDPoP(method: "POST", url: endpoint) {
            .form(endpoint, try clientAuthenticationParameters() + parameters)
        }
        guard response.status == 201 || response.status == 200 else { throw Self.failure(response) }
        guard let body = response.jsonObject(), let requestURI = body["request_uri"]?.stringValue,
            let expiresIn = body["expires_in"]?.intValue
        else {
            throw KuraClientError.unexpectedResponse(status: response.status, body: "PAR response without request_uri/expires_in")
        }
        return PushedAuthorization(
            requestURI: requestURI, expiresIn: Int(expiresIn),
            authorizationURL: PushedAuthorization.authorizationURL(
                endpoint: metadata.authorizationEndpoint, clientID: configuration.clientID, requestURI: requestURI),
            codeVerifier: verifier, state: state, nonce: nonce, scope: scope, redirectURI: configuration.redirectURI,
            authorizationDetails: authorizationDetails)
    }
}
