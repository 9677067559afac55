import Foundation

/// Who the bank is in domestic transfers, and the bank-internal (system) accounts its ledger books against.
public struct BankConfiguration: Sendable, Hashable {
    /// The bank's 4-digit Zengin bank code. A creditor with this code is an account in this ledger; any other code is
    /// another bank, whose transfers are credited to the clearing account (to be settled through the Zengin system).
    public var bankCode: String
    /// The bank's name as shown to customers.
    public var bankName: String

    public init(bankCode: String = "0999", bankName: String = "Kura Bank") {
        self.bankCode = bankCode
        self.bankName = bankName
    }

    /// The system accounts every ledger has, per supported currency. Branch `000` is reserved for them.
    public enum SystemAccount: String, Sendable, CaseIterable {
        /// Counterpart of transfers to and from other banks (Zengin settlement).
        case clearing
        /// Counterpart of money entering or leaving the bank in other ways: cash, salaries paid in, card settlements,
        /// opening balances of the demo.
        case funding

        /// `sys-clearing-JPY`.
        public func id(_ currency: Currency) -> String { "sys-\(rawValue)-\(currency.code)" }

        func accountNumber(_ currency: Currency) -> String {
            let index = (Currency.supported.firstIndex(of: currency) ?? 0) * 2 + (self == .clearing ? 1 : 2)
            return String(format: "%07d", index)
        }
    }

    /// Creates any missing system account (idempotent; safe on every start).
    public func ensureSystemAccounts(in store: any BankStore, now: Date) async throws {
        for currency in Currency.supported {
            for system in SystemAccount.allCases where try await store.account(id: system.id(currency)) == nil {
                do {
                    try await store.createAccount(Account(
                        id: system.id(currency), userID: nil, kind: .system, currency: currency, branchCode: "000",
                        accountNumber: system.accountNumber(currency), name: "\(system.rawValue) \(currency.code)",
                        holderName: bankName, openedAt: now))
                } catch BankStoreError.duplicate {
                    // Another node created it between the check and the insert.
                }
            }
        }
    }
}
