import BankCore
import KuraServer

extension Demo.Start {
    /// The demo customer's bank accounts for the `kura demo` banner (lines indented to the banner's columns).
    static func bankLines(_ bank: DemoBankSummary?, database: String) -> String {
        guard let bank, !bank.accounts.isEmpty else { return "  bank accounts:    none (this database holds no bank ledger)" }
        let column = String(repeating: " ", count: 20)
        let accounts = bank.accounts.map { balance in
            "\(balance.account.name) \(BankFormat.number(balance.account))  \(BankFormat.money(balance.balance))  id \(balance.account.id)"
        }
        return "  bank accounts:    " + accounts.joined(separator: "\n" + column)
            + "\n\(column)(\(bank.bankName), bank code \(bank.bankCode); \(DemoBank.historyMonths) months of history, verified identity, 3 payees)"
            + "\n\(column)statement: swift run kura bank transactions --database \(database) --account \(bank.accounts[0].account.id)"
    }
}
