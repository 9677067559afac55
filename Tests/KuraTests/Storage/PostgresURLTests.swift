import Foundation
import PostgresNIO
import StoragePostgres
import Testing

/// `PostgresBackend.parseURL(_:)`: the connection URL Kura accepts.
@Suite("PostgreSQL connection URL")
struct PostgresURLTests {
    @Test("a full URL yields host, port, credentials and database; loopback defaults to no TLS")
    func fullURL() throws {
        let configuration = try PostgresBackend.parseURL("postgres://kura:s%40cret%2F1@127.0.0.1:55432/kura_db")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 55432)
        #expect(configuration.username == "kura")
        #expect(configuration.password == "s@cret/1")
        #expect(configuration.database == "kura_db")
        #expect("\(configuration.tls)".contains("disable"))
    }

    @Test("defaults: port 5432, database = user, TLS required for a remote host")
    func defaults() throws {
        let configuration = try PostgresBackend.parseURL("postgresql://app@db.internal.example")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "app")
        #expect(configuration.password == nil)
        #expect("\(configuration.tls)".contains("require"))
    }

    @Test("sslmode=require and sslmode=disable are honoured; IPv6 hosts lose their brackets")
    func sslModes() throws {
        #expect("\(try PostgresBackend.parseURL("postgres://u:p@localhost/db?sslmode=require").tls)".contains("require"))
        #expect("\(try PostgresBackend.parseURL("postgres://u:p@db.example/db?sslmode=disable").tls)".contains("disable"))
        #expect(try PostgresBackend.parseURL("postgres://u:p@[::1]:6000/db").host == "::1")
    }

    @Test("malformed URLs, unknown parameters and unknown sslmodes are rejected", arguments: [
        "mysql://u:p@localhost/db", "postgres://localhost/db", "postgres://u:p@/db", "not a url",
        "postgres://u:p@localhost/db?sslmode=prefer", "postgres://u:p@localhost/db?sslmod=require",
        "postgres://u:p@localhost/a/b",
    ])
    func rejected(_ url: String) {
        #expect(throws: PostgresURLError.self) { try PostgresBackend.parseURL(url) }
    }

    @Test("errors never echo the password")
    func noPasswordInErrors() {
        do {
            _ = try PostgresBackend.parseURL("postgres://u:hunter2@localhost/db?sslmode=bogus")
            Issue.record("accepted sslmode=bogus")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
