import Foundation
import RawStructuredFieldValues

/// One signature found in a message: its label, its `Signature-Input` member (RFC 9421 §4.1) and its `Signature`
/// member's bytes (§4.2).
public struct HTTPMessageSignature: Sendable {
    /// The dictionary key shared by both fields, e.g. `sig1`. Not covered by the signature (§4.1), so never trusted alone.
    public let label: String
    /// The covered components and parameters.
    public let input: HTTPSignatureInput
    /// The decoded signature value.
    public let signature: [UInt8]

    /// Every signature of `message` (or of its request, when `request` is set on a response) in `Signature-Input`
    /// order.
    /// - Throws: when either field is missing or malformed, or their labels differ (§4: each label must be in both).
    public static func all(in message: HTTPSignedMessage) throws(HTTPSignatureError) -> [HTTPMessageSignature] {
        let inputs = try dictionary("signature-input", message)
        let signatures = try dictionary("signature", message)
        guard inputs.map(\.0).sorted() == signatures.map(\.0).sorted() else {
            throw HTTPSignatureError("Signature-Input and Signature have different labels")
        }
        var result: [HTTPMessageSignature] = []
        for (label, member) in inputs {
            guard case .innerList(let innerList) = member else {
                throw HTTPSignatureError("Signature-Input member \(label.prefix(40)) must be an inner list")
            }
            guard case .item(let item)? = signatures[label], case .undecodedByteSequence(let base64) = item.rfc9651BareItem,
                let bytes = Data(base64Encoded: base64), !bytes.isEmpty
            else { throw HTTPSignatureError("Signature member \(label.prefix(40)) must be a byte sequence") }
            result.append(HTTPMessageSignature(label: label, input: try HTTPSignatureInput(innerList), signature: Array(bytes)))
        }
        return result
    }

    /// Parses the combined lines of dictionary field `name`; a missing field is reported as an unsigned message.
    static func dictionary(_ name: String, _ message: HTTPSignedMessage) throws(HTTPSignatureError) -> OrderedMap<String, ItemOrInnerList> {
        let lines = message.fieldLines(name)
        guard !lines.isEmpty else { throw HTTPSignatureError("The message has no \(name == "signature" ? "Signature" : "Signature-Input") field") }
        return try FieldComponents.parseDictionary(lines.map(FieldComponents.trimmed).joined(separator: ", "), field: name)
    }

    /// The `Signature-Input` and `Signature` field lines for a new signature (§4.1, §4.2), each a one-member
    /// dictionary, so they can be added next to existing signatures.
    static func fields(label: String, input: HTTPSignatureInput, signature: [UInt8]) throws(HTTPSignatureError) -> [(name: String, value: String)] {
        var inputMap = OrderedMap<String, ItemOrInnerList>()
        inputMap[label] = .innerList(input.innerList)
        var signatureMap = OrderedMap<String, ItemOrInnerList>()
        let bytes = RFC9651BareItem.undecodedByteSequence(Data(signature).base64EncodedString())
        signatureMap[label] = .item(Item(bareItem: bytes, parameters: OrderedMap<String, RFC9651BareItem>()))
        do {
            var serializer = StructuredFieldValueSerializer()
            let inputValue = String(decoding: try serializer.writeDictionaryFieldValue(inputMap), as: UTF8.self)
            var serializer2 = StructuredFieldValueSerializer()
            let signatureValue = String(decoding: try serializer2.writeDictionaryFieldValue(signatureMap), as: UTF8.self)
            return [("Signature-Input", inputValue), ("Signature", signatureValue)]
        } catch {
            throw HTTPSignatureError("The signature label \(label.prefix(40)) is not a valid dictionary key")
        }
    }
}
