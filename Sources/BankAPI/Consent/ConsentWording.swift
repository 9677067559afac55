import BankCore

/// Plain-words text for the consent page (FAPI 2.0 SP §5.3.2.2-13: the customer sees exactly what is granted):
/// amounts, accounts, creditors and periods as a customer reads them.
enum ConsentWording {
    /// `¥5,000`, `$1,234.50`, `€12.30`: the currency's symbol, grouped digits, exactly its minor units.
    static func money(_ money: Money) -> String {
        let symbol = switch money.currency.code { case "JPY": "¥"; case "USD": "$"; case "EUR": "€"; default: money.currency.code + " " }
        let decimal = money.decimalString
        let negative = decimal.hasPrefix("-")
        let unsigned = negative ? String(decimal.dropFirst()) : decimal
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        var grouped = ""
        for (offset, digit) in parts[0].reversed().enumerated() {
            if offset > 0, offset % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let whole = String(grouped.reversed())
        return (negative ? "-" : "") + symbol + whole + (parts.count == 2 ? "." + parts[1] : "")
    }

    /// `Ordinary deposit 001-1234567 (JPY)`: name, branch and number, currency; never the balance.
    static func account(_ account: Account) -> String {
        "\(account.name) \(account.branchCode)-\(account.accountNumber) (\(account.currency.code))"
    }

    /// `ヤマダ タロウ (bank 0999, branch 001, account 1234567)`.
    static func creditor(_ creditor: BankAccountReference) -> String {
        "\(creditor.name) (bank \(creditor.bankCode), branch \(creditor.branchCode), account \(creditor.accountNumber))"
    }

    /// `See balances and transactions from 2026-01-01 to 2026-11-30 of`.
    static func accountInformation(_ detail: AccountInformationDetail) -> String {
        let what = detail.datatypes.map(\.rawValue).joined(separator: " and ")
        var period = ""
        if detail.datatypes.contains(.transactions) {
            let from = detail.transactionsFrom.map(JapanDate.day(of:))
            let to = detail.transactionsTo.map { JapanDate.day(of: $0.addingTimeInterval(-1)) }
            switch (from, to) {
            case let (from?, to?): period = " from \(from) to \(to)"
            case let (from?, nil): period = " from \(from) onwards"
            case let (nil, to?): period = " up to \(to)"
            case (nil, nil): period = ""
            }
        }
        return "See \(what)\(period) of"
    }

    /// `Pay ¥5,000 to ヤマダ タロウ (bank 0999, branch 001, account 1234567), reference “Invoice 123”, once`.
    static func payment(_ detail: PaymentInitiationDetail) -> String {
        let reference = detail.remittanceInformation.map { ", reference “\($0)”" } ?? ""
        return "Pay \(money(detail.instructedAmount)) to \(creditor(detail.creditor))\(reference), once"
    }
}
