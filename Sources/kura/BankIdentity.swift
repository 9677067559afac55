import ArgumentParser
import BankCore
import Foundation
import OAuthCore

extension Bank {
    /// `kura bank identity`: a customer's identity as the bank verified it (本人確認), in the OpenID Connect for Identity
    /// Assurance 1.0 `verified_claims` shape.
    struct Identity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record and show a customer's verified identity.",
                                                        subcommands: [Save.self, Show.self])

        struct Save: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Create or replace a customer's verified identity from a verified_claims JSON file.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer.")
            var username: String
            @Option(help: "JSON file: a verified_claims object ({\"verification\":…,\"claims\":…}) or {\"verified_claims\":…}. '-' reads standard input.")
            var file: String

            func run() async throws {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                let claims = try VerifiedClaimsFile.parse(data)
                try await BankSession.with(db) { session in
                    let user = try await session.customer(username)
                    try await session.bank.saveIdentity(VerifiedIdentity(userID: user.id, verifiedClaims: claims, updatedAt: Date()))
                }
                print("Saved the verified identity of \(username)")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a customer's verified_claims.")
            @OptionGroup var db: DatabaseOptions
            @Option(help: "The customer.")
            var username: String

            func run() async throws {
                let identity = try await BankSession.with(db) { session in
                    try await session.bank.identity(userID: try await session.customer(username).id)
                }
                guard let identity else { throw ValidationError("\(username) has no verified identity") }
                print(String(decoding: identity.verifiedClaims.jsonData(), as: UTF8.self))
            }
        }
    }
}

/// Reads a `verified_claims` object (OpenID Connect for Identity Assurance 1.0 §5) and checks the structure every
/// consumer relies on; the content is the operator's record of the verification.
enum VerifiedClaimsFile {
    static let maximumSize = 64 * 1024

    static func parse(_ data: Data) throws -> JSONValue {
        guard data.count <= maximumSize else { throw ValidationError("the file is larger than \(maximumSize / 1024) KiB") }
        guard var object = JSONValue.parseObject(data) else { throw ValidationError("the file is not a JSON object") }
        if object.count == 1, let inner = object["verified_claims"] {
            guard let unwrapped = inner.objectValue else { throw ValidationError("verified_claims must be an object") }
            object = unwrapped
        }
        guard let verification = object["verification"]?.objectValue else {
            throw ValidationError("verified_claims.verification is missing or not an object")
        }
        guard let framework = verification["trust_framework"]?.stringValue, !framework.isEmpty else {
            throw ValidationError("verified_claims.verification.trust_framework must be a non-empty string (e.g. jp_aml)")
        }
        if let time = verification["time"], time.stringValue == nil {
            throw ValidationError("verified_claims.verification.time must be a date-time string")
        }
        if let evidence = verification["evidence"] {
            guard let items = evidence.arrayValue,
                  items.allSatisfy({ $0["type"]?.stringValue.map { !$0.isEmpty } ?? false }) else {
                throw ValidationError("verified_claims.verification.evidence must be an array of objects, each with a type")
            }
        }
        guard let claims = object["claims"]?.objectValue, !claims.isEmpty else {
            throw ValidationError("verified_claims.claims must be a non-empty object")
        }
        return .object(object)
    }
}
