import ArgumentParser
import BankCore
import Foundation

extension Bank {
    /// `kura bank transactions`: an account's statement, newest first.
    struct Transactions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account's latest entries, newest first.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account id (acc_… or a system account such as sys-funding-JPY).")
        var account: String
        @Option(help: "How many entries, 1–\(TransactionQuery.maxLimit).")
        var limit: Int = 20

        func validate() throws {
            guard (1...TransactionQuery.maxLimit).contains(limit) else {
                throw ValidationError("--limit must be between 1 and \(TransactionQuery.maxLimit)")
            }
        }

        func run() async throws {
            let (balance, page) = try await BankSession.with(db) { session in
                guard let balance = try await session.bank.account(id: account) else {
                    throw ValidationError("no account with id '\(account)'")
                }
                return (balance, try await session.bank.transactions(accountID: account, query: TransactionQuery(limit: limit)))
            }
            let currency = balance.account.currency
            print("\(balance.account.id)  \(BankFormat.number(balance.account))  \(balance.account.name)  balance \(BankFormat.money(balance.balance))")
            for entry in page.entries {
                print([BankFormat.time(entry.bookedAt),
                       BankFormat.money(Money(minorUnits: entry.amountMinor, currency: currency)),
                       BankFormat.money(Money(minorUnits: entry.balanceAfterMinor, currency: currency)),
                       entry.description, entry.counterpartyName ?? ""].joined(separator: "\t"))
            }
            if page.next != nil { print("… older entries exist (raise --limit)") }
        }
    }
}
