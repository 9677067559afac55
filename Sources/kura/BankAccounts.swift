import ArgumentParser
import BankCore
import Foundation

extension Bank {
    /// `kura bank accounts`: open and list customer accounts.
    struct Accounts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open and list customer accounts.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Open an account with a zero balance and a new random 7-digit number; prints its id, branch and number.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer (see `kura users list`).")
            var username: String
            @Option(help: "ordinary (普通預金) or savings (貯蓄預金).")
            var kind: String
            @Option(help: "ISO 4217 code: JPY, USD or EUR.")
            var currency: String = "JPY"
            @Option(help: "Display name of the account, e.g. \"Travel savings\".")
            var name: String
            @Option(help: "3-digit branch code (000 is reserved for the bank's own accounts).")
            var branch: String = "001"
            @Option(help: "Account holder's name as the bank records it (default: the customer's display name).")
            var holder: String?

            func validate() throws {
                guard let kind = AccountKind(rawValue: kind), kind != .system else {
                    throw ValidationError("--kind must be ordinary or savings")
                }
                guard Currency.named(currency) != nil else {
                    throw ValidationError("--currency must be one of \(Currency.supported.map(\.code).joined(separator: ", "))")
                }
                guard Account.isDigits(branch, count: 3), branch != "000" else {
                    throw ValidationError("--branch must be 3 digits other than 000")
                }
                guard Self.isName(name) else { throw ValidationError("--name must be 1–140 characters without control characters") }
                if let holder, !Self.isName(holder) { throw ValidationError("--holder must be 1–140 characters without control characters") }
            }

            func run() async throws {
                let account = try await BankSession.with(db) { session in
                    let user = try await session.customer(username)
                    var generator = SystemRandomNumberGenerator()
                    for _ in 0..<50 {
                        let number = String(format: "%07d", UInt32.random(in: 0..<10_000_000, using: &generator))
                        guard try await session.bank.account(branchCode: branch, accountNumber: number) == nil else { continue }
                        let account = Account(id: BankSession.newID("acc_"), userID: user.id, kind: AccountKind(rawValue: kind)!,
                                              currency: Currency.named(currency)!, branchCode: branch, accountNumber: number,
                                              name: name, holderName: holder ?? user.displayName, openedAt: Date())
                        do {
                            try await session.bank.createAccount(account)
                            return account
                        } catch BankStoreError.duplicate {
                            continue  // taken between the check and the insert
                        }
                    }
                    throw ValidationError("branch \(branch) has no free account number left after 50 tries")
                }
                print("Opened \(account.kind.rawValue) account for \(username)")
                print("id:      \(account.id)")
                print("branch:  \(account.branchCode)")
                print("number:  \(account.accountNumber)")
            }

            static func isName(_ text: String) -> Bool {
                !text.isEmpty && text.count <= 140 && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a customer's accounts with their balances.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer.")
            var username: String

            func run() async throws {
                let accounts = try await BankSession.with(db) { session in
                    try await session.bank.accounts(ofUser: try await session.customer(username).id)
                }
                if accounts.isEmpty { print("\(username) has no accounts") }
                for balance in accounts {
                    let account = balance.account
                    print([account.id, account.kind.rawValue, BankFormat.number(account), account.currency.code,
                           BankFormat.money(balance.balance), account.name, account.holderName].joined(separator: "\t"))
                }
            }
        }
    }
}
