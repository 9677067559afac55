import ArgumentParser
import AuthorizationServer
import Foundation
import OAuthCore

/// `kura users`: bank customers who log in with a password and a TOTP authenticator.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage bank customers.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a customer with a password (scrypt-hashed) and a TOTP secret; prints the otpauth:// URI once.")
        @OptionGroup var db: DatabaseOptions
        @Option var username: String
        @Option(help: "Display name shown on the consent page.")
        var name: String
        @Option(help: "Password (default: read from env KURA_NEW_PASSWORD, else generated and printed).")
        var password: String?

        func run() async throws {
            guard username.count >= 3, username.count <= 64 else { throw ValidationError("username must be 3–64 characters") }
            let random = SystemRandom()
            let generated = password ?? ProcessInfo.processInfo.environment["KURA_NEW_PASSWORD"]
            let secretPassword = generated ?? Base64URL.encode(random.bytes(12))
            guard secretPassword.count >= 10 else { throw ValidationError("password must have at least 10 characters") }
            let (backend, server) = try await db.open(logger: .kura())
            let secret = Data(random.bytes(20))
            try await server.stores.users.insert(UserRecord(
                id: Base64URL.encode(random.bytes(16)), username: username,
                passwordHash: try server.passwordHasher.hash(secretPassword, random: random), totpSecret: secret,
                displayName: name, createdAt: Date()))
            try await backend.shutdown()
            print("Created customer \(username)")
            if generated == nil { print("Password: \(secretPassword)") }
            print("TOTP secret (base32): \(Base32.encode(secret))")
            print("Add to an authenticator app: \(TOTP(secret: secret).provisioningURI(account: username, issuer: server.configuration.displayName))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List customers.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let (backend, server) = try await db.open(logger: .kura())
            for user in try await server.stores.users.list() {
                let locked = user.lockedUntil.map { $0 > Date() ? "locked until \($0)" : "" } ?? ""
                print("\(user.username)\t\(user.displayName)\t\(locked)")
            }
            try await backend.shutdown()
        }
    }
}
