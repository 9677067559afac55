import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import _CryptoExtras

/// Shared keys and helpers for the OAuthJOSE suites. Keys are generated once per test run (RSA generation is slow).
enum JOSEFixtures {
    /// A fixed "now" so every time rule is tested at an exact offset.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let es256 = try! JWSSigningKey.generate(.es256, kid: "es-1")
    static let ps256 = try! JWSSigningKey.generate(.ps256, kid: "ps-1")
    static let edDSA = try! JWSSigningKey.generate(.edDSA, kid: "ed-1")
    static let otherES256 = try! JWSSigningKey.generate(.es256, kid: "es-2")

    static func key(_ alg: JWSAlgorithm) -> JWSSigningKey {
        switch alg {
        case .es256: es256
        case .ps256: ps256
        case .edDSA: edDSA
        }
    }

    /// An RSA key swift-crypto only creates on request: used to build RS256 tokens and 1024-bit JWKs.
    static let legacyRSA = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// RFC 7638 §3.1's example RSA key.
    static let rfc7638Key: [String: JSONValue] = [
        "kty": "RSA",
        "n": """
        0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiF\
        V4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgd\
        AZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEg\
        U8awapJzKnqDKgw
        """,
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    ]

    /// A compact JWS with any header, payload and signing function: for tokens Kura itself would never produce.
    static func rawToken(header: [String: JSONValue], payload: Data, sign: (Data) throws -> Data) rethrows -> String {
        let input = Base64URL.encode(JSONValue.object(header).jsonData()) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try sign(Data(input.utf8)))
    }

    static func claimsData(_ claims: [String: JSONValue]) -> Data {
        JSONValue.object(claims).jsonData()
    }

    /// Replaces the payload of a signed token, keeping its header and signature.
    static func tamperedPayload(_ token: String, with claims: [String: JSONValue]) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "\(parts[0]).\(Base64URL.encode(claimsData(claims))).\(parts[2])"
    }

    static func jwkSet(_ keys: JWSSigningKey...) -> JWKSet {
        JWKSet(keys: keys.map(\.publicJWK))
    }
}
