import ArgumentParser
import BankCore
import Foundation

extension Bank {
    /// `kura bank payees`: the creditors a customer saved (plain `transfers` may go only to these and own accounts).
    struct Payees: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save and list a customer's payees.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Save a payee: a domestic (Zengin) account at this or another bank.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer.")
            var username: String
            @Option(help: "4-digit Zengin bank code (this bank: \(BankConfiguration().bankCode)).")
            var bankCode: String
            @Option(help: "3-digit branch code.")
            var branch: String
            @Option(help: "7-digit account number.")
            var number: String
            @Option(help: "The account holder's name as the payee is addressed.")
            var name: String

            var reference: BankAccountReference {
                BankAccountReference(bankCode: bankCode, branchCode: branch, accountNumber: number, name: name)
            }

            func validate() throws {
                guard Account.isDigits(bankCode, count: 4) else { throw ValidationError("--bank-code must be 4 digits") }
                guard Account.isDigits(branch, count: 3) else { throw ValidationError("--branch must be 3 digits") }
                guard Account.isDigits(number, count: 7) else { throw ValidationError("--number must be 7 digits") }
                guard reference.isWellFormed else { throw ValidationError("--name must be 1–140 characters without control characters") }
            }

            func run() async throws {
                let payee = try await BankSession.with(db) { session in
                    let user = try await session.customer(username)
                    if bankCode == session.configuration.bankCode {
                        guard let account = try await session.bank.account(branchCode: branch, accountNumber: number), account.kind != .system else {
                            throw ValidationError("no customer account \(branch)-\(number) at this bank (\(bankCode))")
                        }
                    }
                    if try await session.bank.payees(ofUser: user.id).contains(where: { $0.account.sameAccount(as: reference) }) {
                        throw ValidationError("\(username) already has a payee for \(bankCode) \(branch)-\(number)")
                    }
                    let payee = Payee(id: BankSession.newID("pye_"), userID: user.id, account: reference, createdAt: Date())
                    try await session.bank.addPayee(payee)
                    return payee
                }
                print("Saved payee \(payee.id): \(bankCode) \(branch)-\(number) \(name)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a customer's payees.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer.")
            var username: String

            func run() async throws {
                let payees = try await BankSession.with(db) { session in
                    try await session.bank.payees(ofUser: try await session.customer(username).id)
                }
                if payees.isEmpty { print("\(username) has no payees") }
                for payee in payees {
                    let account = payee.account
                    print([payee.id, account.bankCode, "\(account.branchCode)-\(account.accountNumber)", account.name].joined(separator: "\t"))
                }
            }
        }
    }
}
