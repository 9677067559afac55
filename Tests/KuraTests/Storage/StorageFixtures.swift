import AuthorizationServer
import Foundation
import OAuthCore

/// Records for the storage conformance tests. Instants are whole milliseconds, the precision both
/// backends store, so round trips compare equal.
enum StorageFixture {
    /// A fixed "now": 2030-03-17T17:46:40Z.
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    /// `now` shifted by `seconds` (fractions of a millisecond are not stored).
    static func at(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(seconds) }

    /// Every migration of both backends, in the order they are applied.
    static let migrations = ["v1_core", "v2_token_authentication", "v3_bank"]

    /// RFC 9396 authorization details with the JSON shapes that tend to break round trips: nesting,
    /// unicode, escapes, `/`, big and negative integers, fractions, booleans, null, empty containers.
    static let authorizationDetails: JSONValue = [
        [
            "type": "payment_initiation",
            "locations": ["https://api.bank.example/payments"],
            "instructedAmount": ["currency": "EUR", "amount": "123.50"],
            "creditorName": "Merchant A/S — Zürich \"Ost\" \\ 東京 🚀",
            "creditorAccount": ["iban": "DE02100100109307118603"],
            "remittanceInformationUnstructured": "Ref Number Merchant\n\ttab",
            "limits": ["max": .int(Int64.max), "min": .int(-42), "ratio": .double(0.125), "zero": 0],
            "flags": [true, false, .null],
            "empty": [:],
            "none": [],
        ],
        ["type": "account_information", "actions": ["list_accounts", "read_balances"], "datatypes": .null],
    ]

    /// A FAPI 2.0 authorization request using every optional member.
    static func request(clientID: String = "client-1") -> AuthorizationRequest {
        AuthorizationRequest(
            clientID: clientID, responseType: "code", redirectURI: "https://client.example/cb?x=1&y=/z",
            scope: ["openid", "accounts"], state: "st-é", nonce: "n-0S6_WzA2Mj",
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", codeChallengeMethod: "S256",
            dpopJKT: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", authorizationDetails: authorizationDetails,
            responseMode: "query.jwt", maxAge: 300, acrValues: ["urn:bank:loa:2"], prompt: ["login", "consent"])
    }

    static func client(_ id: String = "client-1") -> ClientRecord {
        ClientRecord(
            clientID: id,
            metadata: [
                "redirect_uris": ["https://client.example/cb"],
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": ["keys": [["kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                   "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"]]],
                "dpop_bound_access_tokens": true,
                "authorization_details_types": ["payment_initiation"],
                "default_max_age": 3600,
            ],
            registrationAccessTokenHash: "rat-hash-\(id)", createdAt: at(0), updatedAt: at(0))
    }

    static func user(_ id: String = "user-1", username: String = "alice") -> UserRecord {
        UserRecord(
            id: id, username: username, passwordHash: "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
            totpSecret: Data([0x00, 0x01, 0xFE, 0xFF, 0x00, 0x7F] + Array(repeating: 0xA5, count: 14)),
            displayName: "Alice Ängström", createdAt: at(0.25))
    }

    static func session(_ idHash: String = "session-hash", expiresIn: TimeInterval = 600) -> AuthorizationSession {
        AuthorizationSession(
            idHash: idHash, requestKey: "par-key", clientID: "client-1", csrfHash: "csrf-hash",
            createdAt: at(0), expiresAt: at(expiresIn))
    }

    static func pushedRequest(_ key: String = "par-key", expiresIn: TimeInterval = 60) -> PushedRequestRecord {
        PushedRequestRecord(key: key, clientID: "client-1", request: request(), createdAt: at(0), expiresAt: at(expiresIn))
    }

    static func code(_ hash: String = "code-hash", expiresIn: TimeInterval = 60) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: hash, clientID: "client-1", userID: "user-1", grantID: "grant-1", request: request(),
            authTime: at(-30.5), acr: "urn:bank:loa:2", amr: ["pwd", "otp", "mfa"], issuedAt: at(0),
            expiresAt: at(expiresIn))
    }

    static func grant(_ id: String = "grant-1", userID: String = "user-1", createdAt: Date = at(0)) -> GrantRecord {
        GrantRecord(
            id: id, clientID: "client-1", userID: userID, scope: ["openid", "accounts"],
            authorizationDetails: authorizationDetails, createdAt: createdAt, updatedAt: createdAt,
            expiresAt: createdAt.addingTimeInterval(90 * 86_400))
    }

    static func token(_ hash: String, kind: TokenKind = .accessToken, grantID: String? = "grant-1") -> TokenRecord {
        TokenRecord(
            tokenHash: hash, kind: kind, tokenID: kind == .accessToken ? "jti-\(hash)" : hash, clientID: "client-1",
            userID: grantID == nil ? nil : "user-1", grantID: grantID, scope: ["accounts"],
            authorizationDetails: grantID == nil ? nil : authorizationDetails,
            confirmation: kind == .accessToken ? ["jkt": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"] : [:],
            issuedAt: at(0), expiresAt: at(kind == .accessToken ? 300 : 86_400))
    }

    static func key(_ kid: String, status: ServerKeyStatus = .active, createdAt: Date = at(0)) -> ServerKeyRecord {
        ServerKeyRecord(
            kid: kid, algorithm: "ES256",
            privateJWK: ["kty": "EC", "crv": "P-256", "kid": .string(kid), "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                         "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"],
            status: status, createdAt: createdAt)
    }
}

extension ConsumeResult {
    /// The case name, for comparisons and failure messages.
    var outcome: String {
        switch self {
        case .consumed: "consumed"
        case .alreadyConsumed: "alreadyConsumed"
        case .expired: "expired"
        case .notFound: "notFound"
        }
    }

    /// The record of `.consumed` or `.alreadyConsumed`.
    var record: Record? {
        switch self {
        case .consumed(let record), .alreadyConsumed(let record): record
        case .expired, .notFound: nil
        }
    }
}
