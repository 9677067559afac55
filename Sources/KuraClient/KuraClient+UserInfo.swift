import Foundation
import OAuthCore

extension KuraClient {
    /// Calls the UserInfo endpoint (OpenID Connect Core §5.3.1) with a sender-constrained access token and returns the
    /// claims after the §5.3.2 subject check.
    ///
    /// The request goes to `userinfo_endpoint`, or to its RFC 8705 §5 alias when this client presents a certificate,
    /// with `Authorization: DPoP` and a proof (RFC 9449 §7.1), or `Authorization: Bearer` on the certificate-bound
    /// connection (RFC 8705 §3). Only a JSON response is accepted (§5.3.2; Kura signs no UserInfo responses).
    /// - Parameter expectedSubject: the `sub` of the ID token of the same authentication. OIDC Core §5.3.2: "The sub
    ///   Claim in the UserInfo Response MUST be verified to exactly match the sub Claim in the ID Token; if they do not
    ///   match, the UserInfo Response values MUST NOT be used."
    /// - Throws: `missingMetadata("userinfo_endpoint")`; `.server` with the RFC 6750 §3 error of the
    ///   `WWW-Authenticate` challenge (e.g. `insufficient_scope` without `openid`); `unexpectedResponse` for a body
    ///   that is not a JSON object; `userInfoSubjectMismatch` when `sub` is missing or another subject's.
    public func userInfo(accessToken: String, expectedSubject: String) async throws -> [String: JSONValue] {
        let metadata = try await serverMetadata()
        guard let published = metadata.userinfoEndpoint else { throw KuraClientError.missingMetadata("userinfo_endpoint") }
        let endpoint = metadata.endpoint(named: "userinfo_endpoint", default: published, mutualTLS: usesClientCertificate)
        let response = try await get(endpoint, token: accessToken)
        guard response.status == 200 else { throw Self.failure(response) }
        guard let claims = response.jsonObject() else {
            throw KuraClientError.unexpectedResponse(status: 200, body: "UserInfo response is not a JSON object")
        }
        let subject = claims["sub"]?.stringValue
        guard subject == expectedSubject else {
            throw KuraClientError.userInfoSubjectMismatch(expected: expectedSubject, actual: subject)
        }
        return claims
    }
}
