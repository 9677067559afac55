import Foundation

/// The authorization response the AS sends to the redirect URI (RFC 6749 §4.1.2 success, §4.1.2.1 error;
/// RFC 9207 §2 `iss`). Read from the query component only: FAPI 2.0 never uses the fragment for the code flow.
public struct AuthorizationResponse: Sendable, Hashable {
    public var code: String?
    public var state: String?
    /// The issuer identifier (RFC 9207 §2); the client MUST compare it with the issuer it sent the request to.
    public var iss: String?
    public var error: String?
    public var errorDescription: String?
    public var errorURI: String?
    /// A JARM response (JARM §2.3.1): the signed JWT in the `response` parameter, still to be verified and decoded
    /// with `KuraClient.verifiedAuthorizationResponse(_:)`.
    public var response: String?

    public init(
        code: String? = nil, state: String? = nil, iss: String? = nil, error: String? = nil,
        errorDescription: String? = nil, errorURI: String? = nil, response: String? = nil
    ) {
        self.response = response
        self.code = code
        self.state = state
        self.iss = iss
        self.error = error
        self.errorDescription = errorDescription
        self.errorURI = errorURI
    }

    /// Parses the query of the redirect to the client.
    ///
    /// - Throws: `malformedAuthorizationResponse` when a response parameter appears twice (RFC 6749 §3.1: "MUST NOT
    ///   be included more than once"), when there is neither `code` nor `error` nor a JARM `response`, or when a
    ///   `response` comes with other response parameters (JARM §2.3.1: it is the only one).
    public init(redirectURL: URL) throws {
        let query = URLComponents(url: redirectURL, resolvingAgainstBaseURL: true)?.percentEncodedQuery ?? ""
        var values: [String: String] = [:]
        for (name, value) in FormURLEncoding.decode(query) {
            guard values.updateValue(value, forKey: name) == nil else {
                throw KuraClientError.malformedAuthorizationResponse("parameter \(name) appears more than once")
            }
        }
        self.init(
            code: values["code"], state: values["state"], iss: values["iss"], error: values["error"],
            errorDescription: values["error_description"], errorURI: values["error_uri"], response: values["response"])
        if response != nil, code != nil || error != nil || state != nil || iss != nil {
            throw KuraClientError.malformedAuthorizationResponse("a JARM response must be the only response parameter")
        }
        guard code != nil || error != nil || response != nil else {
            throw KuraClientError.malformedAuthorizationResponse("neither code nor error in \(redirectURL.absoluteString)")
        }
    }

    /// RFC 9207 §2.4: "Clients MUST … compare the result to the issuer identifier of the authorization server where
    /// the authorization request was sent to. This comparison MUST use simple string comparison". A missing `iss`
    /// is rejected too: FAPI 2.0 SP §5.3.2.2-7 requires the AS to send it, on errors as well.
    public func checkIssuer(_ expected: String) throws {
        guard iss == expected else { throw KuraClientError.issuerMismatch(expected: expected, actual: iss) }
    }

    /// RFC 6749 §4.1.2: `state` must be "the exact value received from the client" (and absent when none was sent).
    public func checkState(_ expected: String?) throws {
        guard state == expected else { throw KuraClientError.stateMismatch(expected: expected, actual: state) }
    }

    /// Checks issuer and state, then returns the code or throws the response's error (RFC 6749 §4.1.2.1).
    public func authorizationCode(issuer: String, state expectedState: String?) throws -> String {
        try checkIssuer(issuer)
        try checkState(expectedState)
        if let error { throw KuraClientError.authorizationFailed(error: error, description: errorDescription) }
        guard let code, !code.isEmpty else { throw KuraClientError.malformedAuthorizationResponse("no code") }
        return code
    }
}
