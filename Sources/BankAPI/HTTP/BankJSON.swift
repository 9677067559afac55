import BankCore
import Foundation
import OAuthCore

/// The bank API's JSON shapes, in one place. Member names follow RFC 9396 §A.3 (`instructedAmount`, `creditorName`,
/// `creditorAccount`, `remittanceInformationUnstructured`), camelCase throughout; amounts are decimal strings with the
/// currency's minor units, never JSON numbers (no floating point anywhere near money).
enum BankJSON {
    static func amount(_ money: Money) -> JSONValue {
        ["amount": .string(money.decimalString), "currency": .string(money.currency.code)]
    }

    static func timestamp(_ date: Date) -> JSONValue {
        .string(RFC3339.string(date))
    }

    static func account(_ account: Account, bankCode: String) -> JSONValue {
        [
            "accountId": .string(account.id), "accountType": .string(account.kind.rawValue),
            "currency": .string(account.currency.code), "bankCode": .string(bankCode), "branchCode": .string(account.branchCode),
            "accountNumber": .string(account.accountNumber), "name": .string(account.name), "holderName": .string(account.holderName),
            "openedAt": timestamp(account.openedAt),
        ]
    }

    static func balances(_ balance: AccountBalance) -> JSONValue {
        let amount = amount(balance.balance)
        return [
            "accountId": .string(balance.account.id),
            "balances": [
                ["type": "current", "amount": amount, "asOf": timestamp(balance.asOf)],
                ["type": "available", "amount": amount, "asOf": timestamp(balance.asOf)],
            ],
        ]
    }

    static func creditorAccount(_ reference: BankAccountReference) -> JSONValue {
        ["bankCode": .string(reference.bankCode), "branchCode": .string(reference.branchCode), "accountNumber": .string(reference.accountNumber)]
    }

    static func transfer(_ transfer: Transfer) -> JSONValue {
        var value: [String: JSONValue] = [
            "transferId": .string(transfer.id), "status": "booked",
            "debtorAccount": ["accountId": .string(transfer.debtorAccountID)],
            "instructedAmount": amount(transfer.amount),
            "creditorName": .string(transfer.creditor.name),
            "creditorAccount": creditorAccount(transfer.creditor),
            "createdAt": timestamp(transfer.createdAt),
        ]
        if let remittance = transfer.remittanceInformation { value["remittanceInformationUnstructured"] = .string(remittance) }
        if let consent = transfer.consentID { value["consentId"] = .string(consent) }
        return .object(value)
    }
}
