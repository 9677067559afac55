import AuthorizationServer
import BankCore
import Foundation
import OAuthCore
import Testing

/// `BankStore` accounts, identities and payees, checked against every backend (see `StorageConformanceTests`).
@Suite("Bank ledger: accounts, identities and payees are stored exactly; duplicates, malformed numbers and unknown customers are rejected")
struct BankStoreConformanceAccountTests {
    @Test("an account opens with a zero balance and reads back by id, by branch/number and by customer (ordered by account number)",
          arguments: StorageTestBackend.underTest)
    func accountsRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await stores.users.insert(StorageFixture.user())
            try await stores.users.insert(StorageFixture.user("user-2", username: "bob"))
            let savings = BankFixture.account("acc_s", number: "0000300", kind: .savings, currency: .usd)
            let ordinary = BankFixture.account("acc_o", number: "0000200")
            let other = BankFixture.account("acc_x", number: "0000100", userID: "user-2")
            let clearing = BankFixture.system(BankFixture.clearingAccountID, number: "0000001")
            for account in [savings, ordinary, other, clearing] { try await bank.createAccount(account) }

            let read = try #require(try await bank.account(id: "acc_s"))
            #expect(read == AccountBalance(account: savings, balanceMinor: 0, asOf: savings.openedAt))
            #expect(read.balance == Money(minorUnits: 0, currency: .usd))
            #expect(try await bank.account(branchCode: "001", accountNumber: "0000200") == ordinary)
            #expect(try await bank.account(branchCode: "999", accountNumber: "0000001") == clearing)
            #expect(try await bank.account(branchCode: "002", accountNumber: "0000200") == nil)
            #expect(try await bank.accounts(ofUser: "user-1").map(\.account) == [ordinary, savings])
            #expect(try await bank.accounts(ofUser: "user-2").map(\.account.id) == ["acc_x"])
            #expect(try await bank.accounts(ofUser: "nobody").isEmpty)
            #expect(try await bank.account(id: "missing") == nil)
        }
    }

    @Test("a taken account id or branch/number pair is duplicate and changes nothing", arguments: StorageTestBackend.underTest)
    func accountDuplicates(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await stores.users.insert(StorageFixture.user())
            let original = BankFixture.account("acc_1", number: "1234567")
            try await bank.createAccount(original)
            await expectBankError(.duplicate("")) { try await bank.createAccount(BankFixture.account("acc_1", number: "7654321")) }
            await expectBankError(.duplicate("")) { try await bank.createAccount(BankFixture.account("acc_2", number: "1234567")) }
            #expect(try await bank.account(id: "acc_2") == nil)
            #expect(try await bank.account(branchCode: "001", accountNumber: "7654321") == nil)
            #expect(try await bank.accounts(ofUser: "user-1").map(\.account) == [original])
            // The same number at another branch is another account.
            try await bank.createAccount(BankFixture.account("acc_3", number: "1234567", branch: "002"))
        }
    }

    @Test("a branch code other than 3 digits or an account number other than 7 digits is invalid",
          arguments: StorageTestBackend.underTest)
    func accountNumbersValidated(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await stores.users.insert(StorageFixture.user())
            for (branch, number) in [("01", "1234567"), ("0012", "1234567"), ("001", "123456"), ("001", "12345678"),
                                     ("00a", "1234567"), ("001", "１２３４５６７"), ("001", "123 567")] {
                await expectBankError(.invalid("")) {
                    try await bank.createAccount(BankFixture.account("acc_\(branch)_\(number)", number: number, branch: branch))
                }
            }
            #expect(try await bank.accounts(ofUser: "user-1").isEmpty)
        }
    }

    @Test("an account of an unknown customer is notFound", arguments: StorageTestBackend.underTest)
    func accountOfUnknownUser(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, _ in
            await expectBankError(.notFound("")) { try await bank.createAccount(BankFixture.account("acc_1", number: "1234567")) }
            let stored = try await bank.account(id: "acc_1")
            #expect(stored == nil)
        }
    }

    @Test("a verified identity is created, replaced and read back exactly", arguments: StorageTestBackend.underTest)
    func identityRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await stores.users.insert(StorageFixture.user())
            let claims: JSONValue = [
                "verification": ["trust_framework": "jp_aml", "time": "2030-03-01T10:00:00Z",
                                 "evidence": [["type": "document", "document_details": ["type": "driving_permit"]]]],
                "claims": ["given_name": "太郎", "family_name": "山田", "birthdate": "1990-01-01",
                           "address": ["country": "JP", "locality": "千代田区"], "age": 40, "ratio": .double(0.5)],
            ]
            let first = VerifiedIdentity(userID: "user-1", verifiedClaims: claims, updatedAt: BankFixture.at(2))
            try await bank.saveIdentity(first)
            #expect(try await bank.identity(userID: "user-1") == first)
            let second = VerifiedIdentity(userID: "user-1", verifiedClaims: ["claims": ["given_name": "花子"]], updatedAt: BankFixture.at(3))
            try await bank.saveIdentity(second)
            #expect(try await bank.identity(userID: "user-1") == second)
            #expect(try await bank.identity(userID: "user-2") == nil)
            await expectBankError(.notFound("")) {
                try await bank.saveIdentity(VerifiedIdentity(userID: "user-2", verifiedClaims: [:], updatedAt: BankFixture.at(3)))
            }
        }
    }

    @Test("payees are stored per customer, oldest first; a taken id is duplicate, a malformed account invalid",
          arguments: StorageTestBackend.underTest)
    func payeesRoundTrip(_ backend: StorageTestBackend) async throws {
        try await backend.withBank { bank, stores in
            try await stores.users.insert(StorageFixture.user())
            try await stores.users.insert(StorageFixture.user("user-2", username: "bob"))
            let newer = Payee(id: "payee-a", userID: "user-1", account: BankFixture.creditor, createdAt: BankFixture.at(5))
            let older = Payee(id: "payee-b", userID: "user-1",
                              account: BankAccountReference(bankCode: "0001", branchCode: "123", accountNumber: "0000001", name: "タナカ"),
                              createdAt: BankFixture.at(4))
            let bobs = Payee(id: "payee-c", userID: "user-2", account: BankFixture.creditor, createdAt: BankFixture.at(4))
            for payee in [newer, older, bobs] { try await bank.addPayee(payee) }
            #expect(try await bank.payees(ofUser: "user-1") == [older, newer])
            #expect(try await bank.payees(ofUser: "user-2") == [bobs])
            func payee(_ id: String, of userID: String, _ account: BankAccountReference = BankFixture.creditor) -> Payee {
                Payee(id: id, userID: userID, account: account, createdAt: BankFixture.at(6))
            }
            await expectBankError(.duplicate("")) { try await bank.addPayee(payee("payee-a", of: "user-2")) }
            var malformed = BankFixture.creditor
            malformed.accountNumber = "12345"
            await expectBankError(.invalid("")) { try await bank.addPayee(payee("payee-d", of: "user-1", malformed)) }
            await expectBankError(.notFound("")) { try await bank.addPayee(payee("payee-e", of: "nobody")) }
            #expect(try await bank.payees(ofUser: "user-1") == [older, newer])
            #expect(try await bank.payees(ofUser: "user-2") == [bobs])
        }
    }
}
