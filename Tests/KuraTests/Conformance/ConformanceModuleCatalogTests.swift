import Foundation
import Testing

/// The 78 authorization-server test modules of the OIDF conformance suite's FAPI 2.0 plans
/// (`fapi2-security-profile-final-test-plan` and `fapi2-message-signing-final-test-plan`), in plan order, as listed
/// in FAPI2-CHECKLIST §E.3. Every one has exactly one test in this folder whose display name starts with its
/// `testName`.
enum ConformanceModules {
    static let all: [String] = [
        "fapi2-security-profile-final-discovery-end-point-verification",
        "fapi2-security-profile-final-happy-flow",
        "fapi2-security-profile-final-user-rejects-authentication",
        "fapi2-security-profile-final-ensure-request-object-with-multiple-aud-succeeds",
        "fapi2-security-profile-final-ensure-authorization-request-without-state-success",
        "fapi2-security-profile-final-ensure-authorization-request-without-nonce-success",
        "fapi2-security-profile-final-ensure-authorization-request-with-64-char-nonce-success",
        "fapi2-security-profile-final-ensure-other-scope-order-succeeds",
        "fapi2-security-profile-final-test-claims-parameter-identity-claims",
        "fapi2-security-profile-final-access-token-type-header-case-sensitivity",
        "fapi2-security-profile-final-ensure-request-object-with-nbf-8-seconds-in-the-future-is-accepted",
        "fapi2-security-profile-final-check-dpop-proof-nbf-exp",
        "fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-before-succeeds",
        "fapi2-security-profile-final-ensure-dpopproof-with-iat-10seconds-after-succeeds",
        "fapi2-security-profile-final-ensure-mismatched-dpop-jkt-fails",
        "fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-proof-jkt",
        "fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-jkt",
        "fapi2-security-profile-final-ensure-dpopproof-at-par-endpoint-binding-success",
        "fapi2-security-profile-final-ensure-dpop-auth-code-binding-success",
        "fapi2-security-profile-final-ensure-different-nonce-inside-and-outside-request-object",
        "fapi2-security-profile-final-ensure-different-state-inside-and-outside-request-object",
        "fapi2-security-profile-final-ensure-authorization-request-with-long-nonce",
        "fapi2-security-profile-final-ensure-authorization-request-with-long-state",
        "fapi2-security-profile-final-ensure-request-object-without-exp-fails",
        "fapi2-security-profile-final-ensure-request-object-without-nbf-fails",
        "fapi2-security-profile-final-state-only-outside-request-object-not-used",
        "fapi2-security-profile-final-ensure-request-object-without-redirect-uri-fails",
        "fapi2-security-profile-final-ensure-expired-request-object-fails",
        "fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails",
        "fapi2-security-profile-final-ensure-request-object-with-exp-over-60-fails",
        "fapi2-security-profile-final-australia-connectid-ensure-request-object-with-exp-over-10-fails",
        "fapi2-security-profile-final-ensure-request-object-with-nbf-over-60-fails",
        "fapi2-security-profile-final-australia-connectid-ensure-request-object-with-nbf-over-15-fails",
        "fapi2-security-profile-final-ensure-signed-request-object-with-RS256-fails",
        "fapi2-security-profile-final-ensure-request-object-signature-algorithm-is-not-none",
        "fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails",
        "fapi2-security-profile-final-ensure-matching-key-in-authorization-request",
        "fapi2-security-profile-final-ensure-unsigned-request-at-par-endpoint-fails",
        "fapi2-security-profile-final-ensure-registered-redirect-uri",
        "fapi2-security-profile-final-plain-fapi-tolerate-unregistered-redirect-uri",
        "fapi2-security-profile-final-ensure-unsigned-authorization-request-without-using-par-fails",
        "fapi2-security-profile-final-ensure-redirect-uri-in-authorization-request",
        "fapi2-security-profile-final-ensure-response-type-code-idtoken-fails",
        "fapi2-security-profile-final-australia-connectid-ensure-invalid-purpose-fails",
        "fapi2-security-profile-final-ensure-response-type-token-fails",
        "fapi2-security-profile-final-ensure-client-id-in-token-endpoint",
        "fapi2-security-profile-final-ensure-holder-of-key-required",
        "fapi2-security-profile-final-ensure-authorization-code-is-bound-to-client",
        "fapi2-security-profile-final-attempt-reuse-authorization-code-after-one-second",
        "fapi2-security-profile-final-ensure-token-endpoint-fails-with-expired-auth-code",
        "fapi2-security-profile-final-ensure-signed-client-assertion-with-RS256-fails",
        "fapi2-security-profile-final-ensure-client-assertion-in-token-endpoint",
        "fapi2-security-profile-final-ensure-client-assertion-with-exp-is-5-minutes-in-past-fails",
        "fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails",
        "fapi2-security-profile-final-ensure-client-assertion-with-no-sub-fails",
        "fapi2-security-profile-final-dpop-negative-tests",
        "fapi2-security-profile-final-refresh-token",
        "fapi2-security-profile-final-ensure-server-handles-non-matching-intent-id",
        "fapi2-security-profile-final-test-essential-acr-sca-claim",
        "fapi2-security-profile-final-brazil-ensure-bad-payment-signature-fails",
        "fapi2-security-profile-final-australia-connectid-test-claims-parameter-idtoken-identity-claims",
        "fapi2-security-profile-final-par-ensure-reused-request-uri-prior-to-auth-completion-succeeds",
        "fapi2-security-profile-final-par-attempt-reuse-request_uri",
        "fapi2-security-profile-final-par-attempt-to-use-expired-request_uri",
        "fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-8-seconds-in-the-future-is-accepted",
        "fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-over-60-seconds-in-the-future-fails",
        "fapi2-security-profile-final-par-attempt-to-use-request_uri-for-different-client",
        "fapi2-security-profile-final-par-authorization-request-containing-request_uri-form-param",
        "fapi2-security-profile-final-par-attempt-invalid-http-method",
        "fapi2-security-profile-final-par-ensure-pkce-required",
        "fapi2-security-profile-final-ensure-pkce-code-verifier-required",
        "fapi2-security-profile-final-incorrect-pkce-code-verifier-rejected",
        "fapi2-security-profile-final-par-plain-pkce-rejected",
        "fapi2-security-profile-final-par-authorization-request-containing-request_uri",
        "fapi2-security-profile-final-par-without-duplicate-parameters",
        "fapi2-security-profile-final-par-test-array-as-audience-fails",
        "fapi2-security-profile-final-par-test-par-endpoint-url-as-audience-fails",
        "fapi2-security-profile-final-par-test-token-endpoint-url-as-audience-fails",
    ]

    /// The module a test display name starts with: the longest module name followed by the end, a space or a colon
    /// (`…-containing-request_uri` is a prefix of `…-containing-request_uri-form-param`).
    static func module(ofTestNamed name: String) -> String? {
        all.filter { module in
            guard name.hasPrefix(module) else { return false }
            let rest = name.dropFirst(module.count)
            return rest.isEmpty || rest.first == " " || rest.first == ":"
        }.max { $0.count < $1.count }
    }

    /// The display names of every `@Test` in the Swift files of this folder, read from the sources.
    static func testNamesInThisFolder(excluding excludedFile: String) throws -> [(file: String, name: String)] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") && $0 != excludedFile }
        var names: [(file: String, name: String)] = []
        for file in files.sorted() {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            var rest = source[...]
            while let start = rest.range(of: "@Test(\"") {
                let afterQuote = rest[start.upperBound...]
                guard let end = afterQuote.firstIndex(of: "\"") else { break }
                names.append((file, String(afterQuote[..<end])))
                rest = afterQuote[end...]
            }
        }
        return names
    }
}

@Suite("Conformance modules: the catalog of FAPI2-CHECKLIST E.3")
struct ConformanceModuleCatalogTests {
    @Test("The catalog holds the 78 module names of both FAPI 2.0 AS plans, each once")
    func catalog() {
        #expect(ConformanceModules.all.count == 78)
        #expect(Set(ConformanceModules.all).count == 78)
        #expect(ConformanceModules.all.allSatisfy { $0.hasPrefix("fapi2-security-profile-final-") })
    }

    @Test("Every module has exactly one test named after it, and every test in the folder belongs to a module")
    func coverage() throws {
        let tests = try ConformanceModules.testNamesInThisFolder(excluding: "ConformanceModuleCatalogTests.swift")
        var perModule: [String: Int] = [:]
        for test in tests {
            let module = ConformanceModules.module(ofTestNamed: test.name)
            #expect(module != nil, "\(test.file): '\(test.name)' does not start with a module name")
            if let module { perModule[module, default: 0] += 1 }
        }
        #expect(Set(perModule.keys) == Set(ConformanceModules.all),
                "missing: \(Set(ConformanceModules.all).subtracting(perModule.keys).sorted())")
        let repeated = perModule.filter { $0.value > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "more than one test for: \(repeated)")
        #expect(tests.count == 78)
    }
}

/// The row audit behind every "nothing stored" expectation of the module tests must see what the endpoints write,
/// or those expectations could not fail.
@Suite("Conformance support: the row audit")
struct ConformanceRowAuditTests {
    @Test("A complete flow through the audited server counts one pushed request, session, code, grant and access token")
    func completeFlowIsCounted() async throws {
        let conformance = try await ConformanceServer()
        try await conformance.withFlow { flow in
            #expect(conformance.rows == PersistedRows())
            let tokens = try await flow.token(code: try await flow.code(), dpopKey: try dpopKey())
            #expect(tokens.status == .ok)
            #expect(conformance.rows == PersistedRows(pushedRequests: 1, sessions: 1, codes: 1, grants: 1, accessTokens: 1, refreshTokens: 0))
            let grants = try await conformance.test.server.stores.grants.list(userID: conformance.test.userID)
            #expect(grants.count == 1, "the audit agrees with the store")
        }
    }
}
