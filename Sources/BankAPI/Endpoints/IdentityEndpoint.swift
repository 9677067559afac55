import BankCore
import Foundation
import OAuthCore

/// `GET /api/identity`: the customer's verified identity (本人確認済情報) in the OpenID Connect for Identity Assurance
/// 1.0 `verified_claims` shape (trust framework, evidence, verified claims), for tokens with the `identity` scope.
struct IdentityEndpoint: Sendable {
    let api: BankAPI

    func show(_ request: APIRequest) async throws -> APIResult {
        guard request.grant.identity, let userID = request.grant.userID else {
            throw BankAPIError.forbidden("The access token lacks the identity scope")
        }
        guard let identity = try await api.store.identity(userID: userID) else {
            throw BankAPIError.notFound("The bank holds no verified identity for this customer")
        }
        return APIResult(status: 200, body: ["sub": .string(userID), "verified_claims": identity.verifiedClaims])
    }
}
