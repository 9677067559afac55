import Foundation
import OAuthJOSE

/// Creating (RFC 9421 §3.1) and verifying (§3.2) one HTTP message signature, without any profile policy.
public enum HTTPMessageSigning {
    /// Signs `message` (§3.1): builds the signature base for `components` and `parameters`, signs it with `key`
    /// using the algorithm bound to the key (`alg` is written only when `parameters.alg` is set and must name it),
    /// and returns the `Signature-Input` and `Signature` field lines to add.
    public static func sign(
        _ message: HTTPSignedMessage, label: String, components: [HTTPSignatureComponent],
        parameters: HTTPSignatureParameters, key: JWSSigningKey
    ) throws -> (fields: [(name: String, value: String)], input: HTTPSignatureInput, signature: [UInt8]) {
        if let alg = parameters.alg, alg != key.httpSignatureAlgorithm.rawValue {
            throw HTTPSignatureError("The key signs \(key.httpSignatureAlgorithm.rawValue), not \(alg.prefix(40))")
        }
        let input = HTTPSignatureInput(components: components, parameters: parameters)
        let base = try input.signatureBase(for: message)
        let signature = Array(try key.httpSignature(for: Data(base)))
        return (try HTTPMessageSignature.fields(label: label, input: input, signature: signature), input, signature)
    }

    /// Verifies `signature` on `message` with `key` (§3.2 steps 5–8): an `alg` parameter must name the key's
    /// algorithm, then the signature base is rebuilt from the message and the signature checked.
    ///
    /// Time (`created`/`expires`), required coverage and key selection are the caller's policy (§3.2.1, §7.2).
    public static func verify(_ signature: HTTPMessageSignature, in message: HTTPSignedMessage, key: HTTPSignatureVerificationKey) throws(HTTPSignatureError) {
        if let alg = signature.input.parameters.alg, alg != key.algorithm {
            throw HTTPSignatureError("The alg parameter \(alg.prefix(40)) does not match the key's algorithm \(key.algorithm)")
        }
        let base = try signature.input.signatureBase(for: message)
        guard key.verify(signature.signature, over: base) else {
            throw HTTPSignatureError("The signature \(signature.label.prefix(40)) does not verify")
        }
    }
}
