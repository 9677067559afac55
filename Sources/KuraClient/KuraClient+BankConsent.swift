import Foundation
import OAuthCore

extension KuraClient {
    /// Like `authorize(_:username:password:otp:approve:)`, ticking choices on the consent page before approving: the
    /// accounts of an `account_information` detail pushed without `accounts`, the debtor account of a
    /// `payment_initiation` pushed without `debtorAccount` (RFC 9396 §4: the customer completes the details at
    /// consent). Kura renders them as checkboxes `detail.<index>.<name>.<value>` and radio buttons
    /// `detail.<index>.<name>` whose values are account ids; every control whose value is in `choosing` is ticked, and
    /// an entry `detail.<index>.=<account id>` ticks that account only under detail `<index>`.
    ///
    /// - Returns: a response carrying a `code`, checked for `iss` (RFC 9207 §2.4) and `state` (RFC 6749 §4.1.2).
    /// - Throws: `authorizationFailed` for an error response, e.g. `access_denied` when a choice is not the customer's.
    public func authorize(_ pushed: PushedAuthorization, username: String, password: String, otp: String? = nil,
                          choosing: Set<String>) async throws -> AuthorizationResponse {
        let response = try await verifiedAuthorizationResponse(try await makeBrowserSession().authorize(
            url: pushed.authorizationURL, username: username, password: password, otp: otp, approve: true, choosing: choosing))
        _ = try response.authorizationCode(issuer: configuration.issuerIdentifier, state: pushed.state)
        return response
    }
}
