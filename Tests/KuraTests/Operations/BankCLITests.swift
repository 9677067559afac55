import Foundation
import Testing

/// `kura bank`, the operator CLI, driven as an operator would: the built `kura` executable against a SQLite file.
@Suite("kura bank operator CLI")
struct BankCLITests {
    struct Run {
        let status: Int32
        let output: String
        let error: String
    }

    /// The `kura` executable SwiftPM built beside the test bundle (`swift build --build-tests` builds both).
    static let executable: URL? = {
        var folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        if let bundle = Bundle.main.executableURL { folders.append(bundle.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug"))
        return folders.map { $0.appendingPathComponent("kura") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    let directory: URL
    var database: String { "sqlite:" + directory.appendingPathComponent("kura.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kura-bank-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func kura(_ arguments: [String]) throws -> Run {
        let executable = try #require(Self.executable, "build the kura executable first (swift build --build-tests)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--database", database]
        var environment = ProcessInfo.processInfo.environment
        environment["KURA_LOG_LEVEL"] = "error"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                   error: String(decoding: error, as: UTF8.self))
    }

    /// Runs a command that must succeed; returns its standard output.
    @discardableResult
    func succeed(_ arguments: [String]) throws -> String {
        let run = try kura(arguments)
        #expect(run.status == 0, "kura \(arguments.joined(separator: " ")) failed: \(run.error)")
        return run.output
    }

    /// Runs a command that must fail with `message` on standard error.
    func fail(_ arguments: [String], _ message: String) throws {
        let run = try kura(arguments)
        #expect(run.status != 0, "kura \(arguments.joined(separator: " ")) should fail")
        #expect(run.error.contains(message), "expected '\(message)' in: \(run.error)")
    }

    func addCustomer(_ username: String) throws {
        try succeed(["users", "add", "--username", username, "--name", "Carol Example", "--password", "a long enough password"])
    }

    func openAccount(_ username: String) throws -> String {
        let output = try succeed(["bank", "accounts", "add", "--username", username, "--kind", "ordinary", "--name", "普通預金", "--branch", "123"])
        let id = output.split(separator: "\n").first { $0.hasPrefix("id:") }.map { $0.dropFirst(3).trimmingCharacters(in: .whitespaces) }
        let number = output.split(separator: "\n").first { $0.hasPrefix("number:") }.map { $0.dropFirst(7).trimmingCharacters(in: .whitespaces) }
        #expect(number.map { $0.count == 7 && $0.allSatisfy(\.isNumber) } == true)
        return try #require(id)
    }

    @Test("An operator opens an account, pays in, saves a payee and an identity, reads the statement, and the audit passes")
    func operatorWorkflow() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try addCustomer("carol")
        let account = try openAccount("carol")
        #expect(account.hasPrefix("acc_"))
        #expect(try succeed(["bank", "deposit", "--account", account, "--amount", "10000", "--description", "窓口入金"]).contains("¥10,000"))
        #expect(try succeed(["bank", "accounts", "list", "--username", "carol"]).contains("¥10,000"))
        let statement = try succeed(["bank", "transactions", "--account", account, "--limit", "5"])
        #expect(statement.contains("窓口入金"))
        try succeed(["bank", "payees", "add", "--username", "carol", "--bank-code", "0009", "--branch", "123", "--number", "0482913",
                     "--name", "サクラ フドウサン"])
        #expect(try succeed(["bank", "payees", "list", "--username", "carol"]).contains("サクラ フドウサン"))
        let file = directory.appendingPathComponent("verified_claims.json")
        try Data(#"{"verified_claims":{"verification":{"trust_framework":"jp_aml","time":"2026-07-15T10:00:00+09:00","evidence":[{"type":"document","method":"pipp"}]},"claims":{"given_name":"Carol"}}}"#.utf8).write(to: file)
        try succeed(["bank", "identity", "set", "--username", "carol", "--file", file.path])
        #expect(try succeed(["bank", "identity", "show", "--username", "carol"]).contains("jp_aml"))
        #expect(try succeed(["bank", "audit"]).contains("Ledger consistent"))
    }

    @Test("Malformed operator input is refused with a message naming the option, and nothing is written")
    func validation() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try addCustomer("carol")
        let account = try openAccount("carol")
        try fail(["bank", "accounts", "add", "--username", "carol", "--kind", "system", "--name", "x"], "--kind must be ordinary or savings")
        try fail(["bank", "accounts", "add", "--username", "carol", "--kind", "savings", "--name", "x", "--branch", "000"], "--branch must be 3 digits")
        try fail(["bank", "accounts", "add", "--username", "carol", "--kind", "savings", "--name", "x", "--currency", "GBP"], "--currency must be one of")
        try fail(["bank", "accounts", "add", "--username", "nobody", "--kind", "savings", "--name", "x"], "no customer named 'nobody'")
        try fail(["bank", "deposit", "--account", account, "--amount", "12.5"], "--amount must be a positive decimal")
        try fail(["bank", "deposit", "--account", account, "--amount", "0"], "--amount must be a positive decimal")
        try fail(["bank", "deposit", "--account", "sys-funding-JPY", "--amount", "100"], "no customer account")
        try fail(["bank", "payees", "add", "--username", "carol", "--bank-code", "0009", "--branch", "123", "--number", "123", "--name", "x"],
                 "--number must be 7 digits")
        try fail(["bank", "payees", "add", "--username", "carol", "--bank-code", "0999", "--branch", "999", "--number", "7654321", "--name", "x"],
                 "no customer account 999-7654321 at this bank")
        let file = directory.appendingPathComponent("no-claims.json")
        try Data(#"{"verification":{"trust_framework":"jp_aml"}}"#.utf8).write(to: file)
        try fail(["bank", "identity", "set", "--username", "carol", "--file", file.path], "claims must be a non-empty object")
        try fail(["bank", "transactions", "--account", account, "--limit", "0"], "--limit must be between 1 and")
        #expect(try succeed(["bank", "accounts", "list", "--username", "carol"]).split(separator: "\n").count == 1)
        #expect(try succeed(["bank", "payees", "list", "--username", "carol"]).contains("no payees"))
    }

    @Test("kura bank audit exits non-zero when a stored balance no longer matches its entries",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func auditFailure() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try addCustomer("carol")
        let account = try openAccount("carol")
        try succeed(["bank", "deposit", "--account", account, "--amount", "5000"])
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [directory.appendingPathComponent("kura.sqlite").path, "UPDATE accounts SET balance_minor = balance_minor + 1 WHERE id = '\(account)'"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let run = try kura(["bank", "audit"])
        #expect(run.status == 1)
        #expect(run.output.contains("balance differs from its entries: \(account)"))
        #expect(run.output.contains("Ledger INCONSISTENT"))
    }
}
