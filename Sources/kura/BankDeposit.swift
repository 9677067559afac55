import ArgumentParser
import BankCore
import Foundation

extension Bank {
    /// `kura bank deposit`: money paid in at the counter, booked against the bank's funding account.
    struct Deposit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pay money into a customer account (a balanced booking against the bank's funding account).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The account id (acc_…).")
        var account: String
        @Option(help: "Decimal amount in the account's currency: 10000 (JPY), 12.30 (USD).")
        var amount: String
        @Option(help: "Statement text.")
        var description: String = "ご入金"

        func validate() throws {
            guard !description.isEmpty, description.count <= 140 else { throw ValidationError("--description must be 1–140 characters") }
        }

        func run() async throws {
            let after = try await BankSession.with(db) { session in
                let target = try await session.customerAccount(account)
                let currency = target.account.currency
                guard let money = Money.parse(amount, currency: currency), money.minorUnits > 0 else {
                    throw ValidationError("--amount must be a positive decimal with at most \(currency.minorUnits) decimals for \(currency.code), e.g. \(currency.minorUnits == 0 ? "10000" : "100.00")")
                }
                let funding = BankConfiguration.SystemAccount.funding.id(currency)
                try await session.bank.post(Booking(id: BankSession.newID("bk_"), bookedAt: Date(), legs: [
                    Booking.Leg(accountID: funding, amountMinor: -money.minorUnits, description: description),
                    Booking.Leg(accountID: target.account.id, amountMinor: money.minorUnits, description: description),
                ]))
                return try await session.customerAccount(account)
            }
            print("Deposited into \(after.account.id) (\(BankFormat.number(after.account))); balance \(BankFormat.money(after.balance))")
        }
    }
}
