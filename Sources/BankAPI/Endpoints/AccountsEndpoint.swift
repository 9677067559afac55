import BankCore
import Foundation
import Hummingbird
import OAuthCore

/// `GET /api/accounts`, `GET /api/accounts/{id}`, `GET /api/accounts/{id}/balances`.
///
/// Only accounts in the grant are visible (RFC 9396 §9.1: the resource server enforces the granted details): the
/// list holds the granted accounts of the customer, and any other account id — another customer's, or one that does
/// not exist — is a 403 (never a 404, so account ids cannot be probed).
struct AccountsEndpoint: Sendable {
    let api: BankAPI

    func list(_ request: APIRequest) async throws -> APIResult {
        guard request.grant.readsAccounts, let userID = request.grant.userID else {
            throw BankAPIError.forbidden("The access token does not grant access to accounts")
        }
        let visible = try await api.store.accounts(ofUser: userID).filter { request.grant.access(to: $0.account) != nil }
        return APIResult(status: 200, body: ["accounts": .array(visible.map { BankJSON.account($0.account, bankCode: api.configuration.bank.bankCode) })])
    }

    func show(_ request: APIRequest) async throws -> APIResult {
        let (account, _) = try await grantedAccount(request)
        return APIResult(status: 200, body: BankJSON.account(account, bankCode: api.configuration.bank.bankCode))
    }

    func balances(_ request: APIRequest) async throws -> APIResult {
        let (account, access) = try await grantedAccount(request)
        guard access.balances else { throw BankAPIError.forbidden("The grant does not cover this account's balances") }
        guard let balance = try await api.store.account(id: account.id) else {
            throw BankAPIError.forbidden("The access token does not grant access to this account")
        }
        return APIResult(status: 200, body: BankJSON.balances(balance))
    }

    /// The account named in the path, when the grant covers it.
    func grantedAccount(_ request: APIRequest) async throws -> (Account, BankGrant.AccountAccess) {
        let id = try request.parameters.require("account_id")
        guard id.utf8.count <= 64, let account = try await api.directory.account(id: id), let access = request.grant.access(to: account) else {
            throw BankAPIError.forbidden("The access token does not grant access to this account")
        }
        return (account, access)
    }
}
