// swift-tools-version:6.0
import PackageDescription

/// Settings every Kura target shares: Swift 6 language mode (strict concurrency) and explicit `any`.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Kura",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kura", targets: ["kura"]),
        .library(name: "KuraClient", targets: ["KuraClient"]),
        .library(name: "OAuthCore", targets: ["OAuthCore"]),
        .library(name: "OAuthJOSE", targets: ["OAuthJOSE"]),
        .library(name: "HTTPMessageSignatures", targets: ["HTTPMessageSignatures"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
    ],
    targets: [
        // PURE spec logic: no HTTP, no database, no clock or RNG singletons.
        .target(
            name: "OAuthCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Our own small, strict JOSE layer on swift-crypto (compact JWS, JWK, RFC 7638, verifiers).
        .target(
            name: "OAuthJOSE",
            dependencies: [
                "OAuthCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Endpoints, grants, client authentication, profile rules, storage protocols, HTTP glue.
        .target(
            name: "AuthorizationServer",
            dependencies: [
                "OAuthCore", "OAuthJOSE",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // RFC 9421 HTTP Message Signatures and RFC 9530 Content-Digest, with the FAPI 2.0 HTTP Signatures profile.
        .target(
            name: "HTTPMessageSignatures",
            dependencies: [
                "OAuthCore", "OAuthJOSE",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strict
        ),
        // PURE bank domain: money, accounts, the double-entry ledger contract, RAR detail types. No HTTP, no database.
        .target(
            name: "BankCore",
            dependencies: ["OAuthCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The bank's resource API (accounts, transactions, identity, transfers) and the RAR consent policy.
        .target(
            name: "BankAPI",
            dependencies: [
                "BankCore", "AuthorizationServer", "HTTPMessageSignatures", "OAuthCore", "OAuthJOSE",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "StorageSQLite",
            dependencies: ["AuthorizationServer", "BankCore", "OAuthCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "StoragePostgres",
            dependencies: [
                "AuthorizationServer", "BankCore", "OAuthCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Partner-side library: no server dependencies.
        .target(
            name: "KuraClient",
            dependencies: [
                "OAuthCore", "OAuthJOSE", "HTTPMessageSignatures",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Composition root shared by the executable and the tests: configuration → stores → TLS → Application.
        .target(
            name: "KuraServer",
            dependencies: [
                "AuthorizationServer", "StorageSQLite", "StoragePostgres", "OAuthCore", "OAuthJOSE",
                "BankCore", "BankAPI", "HTTPMessageSignatures",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kura",
            dependencies: [
                "KuraServer", "KuraClient", "AuthorizationServer", "OAuthCore", "OAuthJOSE", "BankCore", "BankAPI", "HTTPMessageSignatures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KuraTests",
            dependencies: [
                "OAuthCore", "OAuthJOSE", "AuthorizationServer", "StorageSQLite", "StoragePostgres",
                "KuraServer", "KuraClient", "BankCore", "BankAPI", "HTTPMessageSignatures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
