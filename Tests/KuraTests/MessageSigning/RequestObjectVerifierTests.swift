import Foundation
import OAuthCore
import OAuthJOSE
import Testing

/// `RequestObjectVerifier` without HTTP: each rule of RFC 9101 §4/§6 and FAPI 2.0 MS §5.3.1 on its own, with the
/// failed rule named in `error_description`.
@Suite("Message Signing: RequestObjectVerifier")
struct RequestObjectVerifierTests {
    static let issuer = "https://as.kura.test"
    static let clientID = "client-1"
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let key = try! JWSSigningKey.generate(.es256, kid: "k1")
    var keys: JWKSet { JWKSet(keys: [key.publicJWK]) }
    let verifier = RequestObjectVerifier(issuer: issuer)

    func claims(_ changes: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        let t = now.epochSeconds
        var c: [String: JSONValue] = [
            "iss": .string(Self.clientID), "client_id": .string(Self.clientID), "aud": .string(Self.issuer),
            "nbf": .int(t), "exp": .int(t + 300), "response_type": "code", "scope": "openid", "max_age": 600,
            "authorization_details": [["type": "account_information"]], "prompt": .null, "ui_locales_ok": false,
        ]
        for (name, value) in changes { c[name] = value }
        return c
    }

    /// The `error_description` of the rejection of `claims`, or nil when accepted.
    func rejection(_ claims: [String: JSONValue], typ: String? = RequestObjectVerifier.mediaType) throws -> String? {
        let jwt = try JWT.sign(claims: claims, typ: typ, key: key)
        do {
            _ = try verifier.verify(jwt, clientID: Self.clientID, keys: keys, now: now)
            return nil
        } catch {
            #expect(error.code == .invalidRequestObject)
            return error.errorDescription?.value ?? ""
        }
    }

    @Test("A valid request object yields its authorization parameters, without the JWT claims, as form parameters")
    func parameters() throws {
        let verified = try verifier.verify(try JWT.sign(claims: claims(["jti": "j-1", "iat": .int(now.epochSeconds)]),
                                                        typ: RequestObjectVerifier.mediaType, key: key),
                                           clientID: Self.clientID, keys: keys, now: now)
        let form = verified.formParameters
        #expect(form["response_type"] == "code")
        #expect(form["client_id"] == Self.clientID)
        #expect(form["max_age"] == "600")
        #expect(form["ui_locales_ok"] == "false")
        #expect(form["prompt"] == nil, "a null member is absent")
        #expect(form["authorization_details"] == #"[{"type":"account_information"}]"#)
        for name in ["iss", "aud", "exp", "nbf", "iat", "jti"] { #expect(form[name] == nil, "\(name)") }
        #expect(verified.expiresAt == now.addingTimeInterval(300))
    }

    @Test("typ: absent, oauth-authz-req+jwt in any case and with application/ prefix pass; other types fail")
    func types() throws {
        for typ in [nil, "oauth-authz-req+jwt", "OAuth-Authz-Req+JWT", "application/oauth-authz-req+jwt"] {
            #expect(try rejection(claims(), typ: typ) == nil, "\(typ ?? "none")")
        }
        for typ in ["JWT", "dpop+jwt", "at+jwt"] { #expect(try rejection(claims(), typ: typ)?.contains("typ") == true) }
    }

    @Test("The time rules: exp and nbf required, nbf at most 10 s ahead and 60 min old, exp at most 60 min after nbf")
    func timeRules() throws {
        let t = now.epochSeconds
        #expect(try rejection(claims(["exp": nil]))?.contains("exp") == true)
        #expect(try rejection(claims(["nbf": nil]))?.contains("nbf") == true)
        #expect(try rejection(claims(["exp": .int(t - 10)]))?.contains("expired") == true)
        #expect(try rejection(claims(["nbf": .int(t + 10), "exp": .int(t + 600)])) == nil)
        #expect(try rejection(claims(["nbf": .int(t + 11), "exp": .int(t + 600)]))?.contains("nbf") == true)
        #expect(try rejection(claims(["nbf": .int(t - 3600), "exp": .int(t)])) == nil)
        #expect(try rejection(claims(["nbf": .int(t - 70 * 60), "exp": .int(t + 300)]))?.contains("minutes in the past") == true)
        #expect(try rejection(claims(["exp": .int(t + 3600)])) == nil)
        #expect(try rejection(claims(["exp": .int(t + 70 * 60)]))?.contains("after nbf") == true)
        #expect(try rejection(claims(["iat": .int(t + 61)]))?.contains("iat") == true)
        #expect(try rejection(claims(["exp": "soon"]))?.contains("NumericDate") == true)
    }

    @Test("aud: the issuer, or an array containing it; never another value, an empty array or a number")
    func audience() throws {
        #expect(try rejection(claims(["aud": ["https://x.example", .string(Self.issuer)]])) == nil)
        for aud: JSONValue? in ["https://as.kura.test/", ["https://x.example"], [], 1, nil] {
            #expect(try rejection(claims(["aud": aud]))?.contains("aud") == true, "\(String(describing: aud))")
        }
    }

    @Test("iss and client_id: both required and equal to the authenticated client")
    func identity() throws {
        #expect(try rejection(claims(["iss": nil]))?.contains("iss") == true)
        #expect(try rejection(claims(["iss": "client-2"]))?.contains("iss") == true)
        #expect(try rejection(claims(["client_id": nil]))?.contains("client_id") == true)
        #expect(try rejection(claims(["client_id": "client-2"]))?.contains("client_id") == true)
    }

    @Test("request and request_uri inside a request object are refused (RFC 9101 4)")
    func nested() throws {
        #expect(try rejection(claims(["request_uri": "urn:x"]))?.contains("request_uri") == true)
        #expect(try rejection(claims(["request": "a.b.c"]))?.contains("request") == true)
    }

    @Test("Algorithms: only the allowed set verifies; none, HS256 and a key of another type fail before any signature check")
    func algorithms() throws {
        let strict = RequestObjectVerifier(issuer: Self.issuer, allowedAlgorithms: [.edDSA])
        let jwt = try JWT.sign(claims: claims(), typ: nil, key: key)
        #expect(throws: OAuthError(.invalidRequestObject)) { try strict.verify(jwt, clientID: Self.clientID, keys: keys, now: now) }
        let none = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(JSONValue.object(claims()).jsonData()) + "."
        #expect(throws: OAuthError(.invalidRequestObject)) { try verifier.verify(none, clientID: Self.clientID, keys: keys, now: now) }
        let hs = try JWT.signCompact(header: ["alg": "HS256"], payload: JSONValue.object(claims()).jsonData(), key: key)
        #expect(throws: OAuthError(.invalidRequestObject)) { try verifier.verify(hs, clientID: Self.clientID, keys: keys, now: now) }
    }

    @Test("A JWE (five parts) or garbage is invalid_request_object, not a crash")
    func malformed() throws {
        for text in ["a.b.c.d.e", "not a jwt", ""] {
            #expect(throws: OAuthError(.invalidRequestObject)) { try verifier.verify(text, clientID: Self.clientID, keys: keys, now: now) }
        }
    }
}
