import Foundation
import HTTPTypes

/// The RFC 9440 header fields a TLS-terminating proxy uses to pass the client certificate on.
///
/// - `Client-Cert` (§2.2): one RFC 8941 §3.3.5 Byte Sequence, `:` base64(DER) `:`.
/// - `Client-Cert-Chain` (§2.3): an RFC 8941 List of Byte Sequences, the certificates "used for validation", in
///   order, not including the leaf.
///
/// Parsing is strict: anything malformed yields nil and the certificate is treated as absent.
public enum ClientCertHeader {
    public static let certificateField = HTTPField.Name("Client-Cert")!
    public static let chainField = HTTPField.Name("Client-Cert-Chain")!

    /// The DER of the `Client-Cert` field, or nil when it is absent, repeated or malformed.
    public static func certificate(in fields: HTTPFields) -> [UInt8]? {
        let values = fields[values: certificateField]
        guard values.count == 1 else { return nil }
        return byteSequence(values[0].trimmingCharacters(in: .whitespaces))
    }

    /// The DERs of `Client-Cert-Chain` (lines combined as one List, RFC 9110 §5.3): [] when absent, nil when malformed.
    public static func chain(in fields: HTTPFields) -> [[UInt8]]? {
        let values = fields[values: chainField]
        guard !values.isEmpty else { return [] }
        var members: [[UInt8]] = []
        for member in values.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false) {
            guard let der = byteSequence(member.trimmingCharacters(in: .whitespaces)) else { return nil }
            members.append(der)
        }
        return members
    }

    /// RFC 8941 §4.2.7: `:` base64 `:`; characters outside the base64 alphabet fail; missing `=` padding is
    /// tolerated ("SHOULD NOT fail"). Parameters are not accepted.
    public static func byteSequence(_ text: String) -> [UInt8]? {
        guard text.count >= 2, text.first == ":", text.last == ":" else { return nil }
        var body = String(text.dropFirst().dropLast())
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        guard !body.isEmpty, body.allSatisfy(alphabet.contains) else { return nil }
        if body.count % 4 != 0, !body.contains("=") { body += String(repeating: "=", count: 4 - body.count % 4) }
        return Data(base64Encoded: body).map(Array.init)
    }
}
