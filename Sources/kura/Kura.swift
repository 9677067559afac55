import ArgumentParser

/// `kura`: run and operate the Kura authorization server and bank.
@main
struct Kura: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kura",
        abstract: "Kura: a FAPI 2.0 authorization server and Banking-as-a-Service platform.",
        subcommands: [Serve.self, Demo.self, Migrate.self, Clients.self, Users.self, Keys.self, Bank.self, Bench.self])
}
