import BankCore
import Crypto
import Foundation
import HTTPTypes
import OAuthCore
import OAuthJOSE

/// `POST /api/transfers` (with a required `Idempotency-Key`) and `GET /api/transfers/{id}`.
///
/// The body is a `payment_initiation` detail (RFC 9396 §A.3 members, `type` optional) naming the debtor account:
/// `{"debtorAccount": {"accountId"}, "instructedAmount": {"amount", "currency"}, "creditorName", "creditorAccount":
/// {"bankCode", "branchCode", "accountNumber"}, "remittanceInformationUnstructured"}`.
///
/// A transfer is allowed when it is exactly the payment the customer consented to (every member equal; the consent is
/// consumed atomically with the booking, so it pays once), or — with the plain `transfers` scope — when it goes to one
/// of the customer's saved payees or own accounts. The ledger books it in one transaction (`BankStore.postTransfer`).
///
/// Idempotency (draft-ietf-httpapi-idempotency-key-header): the key is required (400 without); the same key with the
/// same request returns the original transfer (`Idempotent-Replayed: true`), with a different request 422.
struct TransfersEndpoint: Sendable {
    let api: BankAPI
    static let idempotencyKeyField = HTTPField.Name("Idempotency-Key")!

    func create(_ request: APIRequest) async throws -> APIResult {
        let grant = request.grant
        guard let userID = grant.userID, grant.payment != nil || grant.transfersToPayees else {
            throw BankAPIError.forbidden("The access token grants no transfers")
        }
        let key = try Self.idempotencyKey(request.headers[values: Self.idempotencyKeyField])
        let detail = try Self.parseInstruction(request)
        // A retry is answered before authorization: its consent was consumed by the original.
        if let original = try await api.store.transfer(clientID: request.token.clientID, idempotencyKey: key) {
            return try replay(original, hash: Self.requestHash(detail), userID: userID)
        }
        guard let debtorID = detail.debtorAccountID, let debtor = try await api.store.account(id: debtorID),
              debtor.account.userID == userID, debtor.account.kind != .system
        else { throw BankAPIError.forbidden("The debtor account is not an account of this customer") }

        let consentID = try await authorize(detail, debtor: debtor.account, grant: grant, userID: userID)
        let credited = try await creditedAccount(detail)
        guard credited != debtor.account.id else { throw BankAPIError.unprocessable("same_account", "The creditor account is the debtor account") }
        let transfer = Transfer(
            id: "trf_" + Base64URL.encode(api.server.random.bytes(16)), clientID: request.token.clientID, userID: userID,
            idempotencyKey: key, requestHash: Self.requestHash(detail), consentID: consentID, debtorAccountID: debtor.account.id,
            creditedAccountID: credited, creditor: detail.creditor, amount: detail.instructedAmount,
            remittanceInformation: detail.remittanceInformation, createdAt: api.server.clock.now())
        switch try await api.store.postTransfer(transfer) {
        case .booked(let booked):
            request.logger.info("transfer booked", metadata: ["transfer_id": "\(booked.id)", "amount": "\(booked.amount.decimalString) \(booked.amount.currency)"])
            return APIResult(status: 201, body: BankJSON.transfer(booked), headers: [("location", api.configuration.origin + BankAPI.Path.transfer(booked.id))])
        case .replayed(let original), .idempotencyKeyReused(let original):
            return try replay(original, hash: transfer.requestHash, userID: userID)
        case .consentAlreadyUsed:
            throw BankAPIError.forbidden("The payment consent has already been used")
        case .insufficientFunds:
            throw BankAPIError.unprocessable("insufficient_funds", "The debtor account's balance does not cover the amount")
        case .currencyMismatch:
            throw BankAPIError.unprocessable("currency_mismatch", "The accounts are not held in the instructed currency")
        case .accountNotFound:
            throw BankAPIError.unprocessable("account_not_found", "An account of the transfer no longer exists")
        }
    }

    func show(_ request: APIRequest) async throws -> APIResult {
        let id = try request.parameters.require("transfer_id")
        guard request.grant.payment != nil || request.grant.transfersToPayees, let userID = request.grant.userID else {
            throw BankAPIError.forbidden("The access token grants no transfers")
        }
        guard id.utf8.count <= 64, let transfer = try await api.store.transfer(id: id), transfer.clientID == request.token.clientID,
              transfer.userID == userID
        else { throw BankAPIError.notFound("No such transfer of this client and customer") }
        return APIResult(status: 200, body: BankJSON.transfer(transfer))
    }

    // MARK: - Steps

    /// The original transfer for a retry with the same key and the same request; 422 for a key reused otherwise.
    private func replay(_ original: Transfer, hash: String, userID: String) throws -> APIResult {
        guard original.requestHash == hash, original.userID == userID else {
            throw BankAPIError.unprocessable("idempotency_key_reused", "This Idempotency-Key was already used for a different request")
        }
        return APIResult(status: 201, body: BankJSON.transfer(original), headers: [
            ("location", api.configuration.origin + BankAPI.Path.transfer(original.id)), ("idempotent-replayed", "true"),
        ])
    }

    /// The consent this transfer consumes (the grant ID), or nil for a payee transfer under the `transfers` scope.
    private func authorize(_ detail: PaymentInitiationDetail, debtor: Account, grant: BankGrant, userID: String) async throws -> String? {
        if let consented = grant.payment {
            if let difference = Self.difference(consented, detail) {
                guard grant.transfersToPayees else {
                    throw BankAPIError.forbidden("The transfer differs from the payment the customer consented to: \(difference)")
                }
            } else {
                guard let grantID = grant.grantID else { throw BankAPIError.forbidden("The payment consent has no grant") }
                return grantID
            }
        }
        // `transfers` scope: only to a saved payee or one of the customer's own accounts.
        let payees = try await api.store.payees(ofUser: userID)
        if payees.contains(where: { $0.account.sameAccount(as: detail.creditor) }) { return nil }
        if detail.creditor.bankCode == api.configuration.bank.bankCode,
           let own = try await api.store.account(branchCode: detail.creditor.branchCode, accountNumber: detail.creditor.accountNumber),
           own.userID == userID {
            return nil
        }
        throw BankAPIError.forbidden("The creditor is not a saved payee of the customer; a one-off payment needs the customer's payment consent")
    }

    /// The ledger account to credit: the creditor's account when it is at this bank, else the clearing account.
    private func creditedAccount(_ detail: PaymentInitiationDetail) async throws -> String {
        let currency = detail.instructedAmount.currency
        guard detail.creditor.bankCode == api.configuration.bank.bankCode else {
            return BankConfiguration.SystemAccount.clearing.id(currency)
        }
        guard let account = try await api.store.account(branchCode: detail.creditor.branchCode, accountNumber: detail.creditor.accountNumber),
              account.kind != .system
        else { throw BankAPIError.unprocessable("creditor_account_not_found", "The creditor account does not exist at this bank") }
        return account.id
    }

    /// The first member in which `requested` differs from the consented payment, or nil when it is the same payment.
    static func difference(_ consented: PaymentInitiationDetail, _ requested: PaymentInitiationDetail) -> String? {
        if consented.debtorAccountID != requested.debtorAccountID { return "debtorAccount" }
        if consented.instructedAmount != requested.instructedAmount { return "instructedAmount" }
        if !consented.creditor.sameAccount(as: requested.creditor) { return "creditorAccount" }
        if consented.creditor.name != requested.creditor.name { return "creditorName" }
        if consented.remittanceInformation != requested.remittanceInformation { return "remittanceInformationUnstructured" }
        return nil
    }

    /// `Idempotency-Key`: exactly one, 1–255 visible ASCII characters; an RFC 8941 sf-string's quotes are removed.
    static func idempotencyKey(_ values: [String]) throws -> String {
        guard values.count == 1, var key = values.first else {
            throw BankAPIError.invalidRequest(values.isEmpty ? "The Idempotency-Key header is required" : "Send exactly one Idempotency-Key header")
        }
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw BankAPIError.invalidRequest("The Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }

    /// The JSON body as a `payment_initiation` detail, strictly: one JSON object, no duplicate members, a debtor account.
    static func parseInstruction(_ request: APIRequest) throws -> PaymentInitiationDetail {
        guard let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/json") else {
            throw BankAPIError(status: 415, code: "invalid_request", "Content-Type must be application/json")
        }
        var object: [String: JSONValue]
        do {
            object = try StrictJSON.object(Data(request.body), what: "The transfer")
        } catch {
            throw BankAPIError.invalidRequest("The body must be one JSON object without duplicate members")
        }
        if let type = object["type"], type != .string("payment_initiation") {
            throw BankAPIError.invalidRequest("type must be payment_initiation when present")
        }
        object["type"] = "payment_initiation"
        let detail: PaymentInitiationDetail
        do {
            guard case .paymentInitiation(let parsed)? = try BankAuthorizationDetail.parseAll(.array([.object(object)])).first else {
                throw BankAPIError.invalidRequest("The body is not a payment instruction")
            }
            detail = parsed
        } catch let error as BankAPIError {
            throw error
        } catch {
            throw BankAPIError.invalidRequest("The transfer is malformed: \(error)")
        }
        guard detail.debtorAccountID != nil else { throw BankAPIError.invalidRequest("debtorAccount.accountId is required") }
        return detail
    }

    /// Hex SHA-256 of the instruction's canonical JSON (sorted keys): equal requests hash equal whatever their
    /// whitespace or member order.
    static func requestHash(_ detail: PaymentInitiationDetail) -> String {
        SHA256.hash(data: JSONValue.object(detail.json).jsonData()).map { String(format: "%02x", $0) }.joined()
    }
}
