import Foundation
import OAuthCore
import OAuthJOSE
import Testing

/// Interoperability with an independent implementation: Python joserfc (CI installs joserfc==1.6.5).
///
/// The test FAILS, never skips, when `python3` or joserfc is missing: interop is a requirement, not a nicety.
@Suite("Interop with Python joserfc (RFC 7515, RFC 7638, RFC 9449)")
struct JoserfcInteropTests {
    /// The oracle: verifies the tokens Swift wrote, computes RFC 7638 thumbprints, and signs tokens for Swift.
    static let oracle = #"""
        import json, sys, warnings
        warnings.simplefilter("ignore")
        from joserfc import jws, jwt
        from joserfc.jwk import JWKRegistry, ECKey, RSAKey, OKPKey
        jws.JWSRegistry.max_header_length = 4096
        work = sys.argv[1]
        with open(work + "/swift.json") as f:
            given = json.load(f)
        verified = []
        for item in given["tokens"]:
            try:
                key = JWKRegistry.import_key(item["jwk"])
                obj = jws.deserialize_compact(item["token"], key, algorithms=[item["alg"]])
                verified.append({"name": item["name"], "ok": True, "claims": json.loads(obj.payload)})
            except Exception as e:
                verified.append({"name": item["name"], "ok": False, "error": repr(e)})
        thumbprints = [JWKRegistry.import_key(j).thumbprint() for j in given["jwks"]]
        signed = []
        keys = [("ES256", ECKey.generate_key("P-256")), ("PS256", RSAKey.generate_key(2048)),
                ("EdDSA", OKPKey.generate_key("Ed25519")), ("Ed25519", OKPKey.generate_key("Ed25519"))]
        for alg, key in keys:
            public = key.as_dict(private=False)
            public["kid"] = "py-" + alg
            token = jwt.encode({"alg": alg, "kid": public["kid"], "typ": "JWT"}, {"iss": "joserfc", "alg_used": alg},
                               key, algorithms=[alg])
            proof = jws.serialize_compact(
                {"alg": alg, "typ": "dpop+jwt", "jwk": key.as_dict(private=False)},
                json.dumps({"jti": "py-" + alg, "htm": "POST", "htu": given["htu"], "iat": given["iat"]}).encode(),
                key, algorithms=[alg])
            signed.append({"alg": alg, "token": token, "proof": proof, "jwk": public,
                           "thumbprint": key.thumbprint()})
        with open(work + "/python.json", "w") as f:
            json.dump({"verified": verified, "thumbprints": thumbprints, "signed": signed}, f)
        """#

    struct PythonSigned: Decodable {
        let alg: String, token: String, proof: String, jwk: [String: JSONValue], thumbprint: String
    }
    struct PythonVerified: Decodable {
        let name: String, ok: Bool, claims: [String: JSONValue]?, error: String?
    }
    struct PythonOutput: Decodable {
        let verified: [PythonVerified], thumbprints: [String], signed: [PythonSigned]
    }

    @Test("Swift tokens verify in joserfc, joserfc tokens verify in Swift, and RFC 7638 thumbprints agree")
    func interop() throws {
        let now = JOSEFixtures.now
        let htu = "https://as.example.com/token"
        var tokens: [JSONValue] = []
        var expectedNames: [String] = []
        for alg in JWSAlgorithm.allCases {
            let key = JOSEFixtures.key(alg)
            let jwt = try JWT.sign(claims: ["iss": "kura", "alg_used": .string(alg.rawValue)], typ: "JWT", key: key)
            let proof = try JWT.sign(
                claims: ["jti": "j", "htm": "POST", "htu": .string(htu), "iat": .int(now.epochSeconds)],
                typ: "dpop+jwt",
                key: key, includeKid: false, extraHeader: ["jwk": .object(key.publicJWK.publicJSON)])
            for (kind, token) in [("jwt", jwt), ("dpop", proof)] {
                let name = "\(kind)-\(alg.rawValue)"
                expectedNames.append(name)
                tokens.append([
                    "name": .string(name), "alg": .string(alg.rawValue), "token": .string(token),
                    "jwk": .object(key.publicJWK.publicJSON),
                ])
            }
        }
        let jwks: [JWK] =
            [try JWK(json: JOSEFixtures.rfc7638Key)] + JWSAlgorithm.allCases.map { JOSEFixtures.key($0).publicJWK }
        let input: JSONValue = [
            "tokens": .array(tokens), "jwks": .array(jwks.map { .object($0.publicJSON) }), "htu": .string(htu),
            "iat": .int(now.epochSeconds),
        ]

        let output = try Self.runOracle(input: input)

        // Swift → joserfc
        #expect(output.verified.map(\.name) == expectedNames)
        for result in output.verified {
            #expect(result.ok, "joserfc rejected \(result.name): \(result.error ?? "")")
        }
        #expect(output.verified.first?.claims?["iss"] == "kura")
        // RFC 7638: the same thumbprints on both sides, including the RFC's own example.
        #expect(output.thumbprints == jwks.map { $0.thumbprint() })
        #expect(output.thumbprints.first == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        // joserfc → Swift
        #expect(output.signed.map(\.alg) == ["ES256", "PS256", "EdDSA", "Ed25519"])
        let pythonKeys = try JWKSet(json: ["keys": .array(output.signed.map { .object($0.jwk) })])
        #expect(pythonKeys.keys.count == 4)
        let dpop = DPoPProofVerifier()
        for signed in output.signed {
            let jwk = try JWK(json: signed.jwk)
            #expect(jwk.thumbprint() == signed.thumbprint, "thumbprint of joserfc's \(signed.alg) key")
            let jws = try CompactJWS.parse(signed.token)
            try jws.verify(with: jwk, allowed: Set(JWSAlgorithm.allCases))
            #expect(try jws.payloadObject()["alg_used"] == .string(signed.alg))
            #expect(try jws.verify(with: pythonKeys, allowed: Set(JWSAlgorithm.allCases)) == jwk)
            let proof = try dpop.verify(
                headerValues: [signed.proof], method: "POST", url: htu, accessToken: nil, now: now)
            #expect(proof.jkt == signed.thumbprint)
        }
    }

    /// Writes `input` to a temporary directory, runs the oracle there with `python3` and decodes its answer.
    static func runOracle(input: JSONValue) throws -> PythonOutput {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kura-joserfc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try input.jsonData().write(to: work.appendingPathComponent("swift.json"))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", oracle, work.path]
        let messages = Pipe()
        process.standardOutput = messages
        process.standardError = messages
        try process.run()
        let log = String(decoding: messages.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "python3 with joserfc is required for this test (pip install joserfc==1.6.5); exit \(process.terminationStatus): \(log)"
        )
        let data = try Data(contentsOf: work.appendingPathComponent("python.json"))
        return try JSONDecoder().decode(PythonOutput.self, from: data)
    }
}
