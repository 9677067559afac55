import Foundation
import RawStructuredFieldValues

/// Signature parameters (RFC 9421 §2.3): `created`, `expires`, `nonce`, `alg`, `keyid`, `tag`.
///
/// Strict: each must have its registered type, and any other parameter is refused rather than silently ignored.
public struct HTTPSignatureParameters: Sendable, Equatable {
    /// `created`: creation time as a UNIX timestamp (§2.3).
    public var created: Int64?
    /// `expires`: expiration time as a UNIX timestamp (§2.3).
    public var expires: Int64?
    /// `nonce`: a random unique value (§2.3).
    public var nonce: String?
    /// `alg`: the §6.2 registry name of the algorithm. Never chooses the algorithm; it is only checked (§3.2 step 5).
    public var alg: String?
    /// `keyid`: identifies the verification key (§2.3).
    public var keyID: String?
    /// `tag`: an application-specific tag (§2.3), e.g. `fapi-2-request`.
    public var tag: String?

    public init(created: Int64? = nil, expires: Int64? = nil, nonce: String? = nil, alg: String? = nil, keyID: String? = nil, tag: String? = nil) {
        self.created = created
        self.expires = expires
        self.nonce = nonce
        self.alg = alg
        self.keyID = keyID
        self.tag = tag
    }

    /// Reads the parameters of a `Signature-Input` inner list.
    init(_ parameters: OrderedMap<String, RFC9651BareItem>) throws(HTTPSignatureError) {
        for (name, value) in parameters {
            switch (name, value) {
            case ("created", .integer(let v)): created = v
            case ("expires", .integer(let v)): expires = v
            case ("nonce", .string(let v)): nonce = v
            case ("alg", .string(let v)): alg = v
            case ("keyid", .string(let v)): keyID = v
            case ("tag", .string(let v)): tag = v
            case ("created", _), ("expires", _): throw HTTPSignatureError("The \(name) parameter must be an integer")
            case ("nonce", _), ("alg", _), ("keyid", _), ("tag", _):
                throw HTTPSignatureError("The \(name) parameter must be a string")
            default: throw HTTPSignatureError("Unknown signature parameter \(name.prefix(40))")
            }
        }
    }

    /// The parameters in the order created, expires, keyid, alg, nonce, tag.
    var structured: OrderedMap<String, RFC9651BareItem> {
        var map = OrderedMap<String, RFC9651BareItem>()
        if let created { map["created"] = .integer(created) }
        if let expires { map["expires"] = .integer(expires) }
        if let keyID { map["keyid"] = .string(keyID) }
        if let alg { map["alg"] = .string(alg) }
        if let nonce { map["nonce"] = .string(nonce) }
        if let tag { map["tag"] = .string(tag) }
        return map
    }
}

/// One signature's metadata (RFC 9421 §4.1): the covered components in order plus the signature parameters, exactly
/// as the `Signature-Input` member serializes them (`@signature-params`, §2.3).
public struct HTTPSignatureInput: Sendable {
    /// The covered components, in signing order.
    public let components: [HTTPSignatureComponent]
    /// The signature parameters.
    public let parameters: HTTPSignatureParameters
    let innerList: InnerList

    /// Builds the input a signer writes.
    public init(components: [HTTPSignatureComponent], parameters: HTTPSignatureParameters) {
        self.components = components
        self.parameters = parameters
        var list = BareInnerList()
        for component in components { list.append(component.item) }
        innerList = InnerList(bareInnerList: list, parameters: parameters.structured)
    }

    /// Reads a `Signature-Input` dictionary member.
    init(_ innerList: InnerList) throws(HTTPSignatureError) {
        var components: [HTTPSignatureComponent] = []
        for item in innerList.bareInnerList { components.append(try HTTPSignatureComponent(item: item)) }
        self.components = components
        self.parameters = try HTTPSignatureParameters(innerList.rfc9651Parameters)
        self.innerList = innerList
    }

    /// The serialized inner list with its parameters, e.g. `("@method" "@target-uri");created=1;keyid="k"`.
    public var serialized: String {
        var serializer = StructuredFieldValueSerializer()
        return (try? String(decoding: serializer.writeListFieldValue([.innerList(innerList)]), as: UTF8.self)) ?? ""
    }

    /// Whether some covered component is the plain component `name` (see `HTTPSignatureComponent.covers`).
    public func covers(_ name: String, request: Bool = false) -> Bool {
        components.contains { $0.covers(name, request: request) }
    }

    /// The signature base for `message` (RFC 9421 §2.5): one `identifier: value` line per component, then
    /// `"@signature-params": …`, joined by LF without a trailing newline.
    /// - Throws: when a component is repeated, missing from the message, or has a value that cannot be signed.
    public func signatureBase(for message: HTTPSignedMessage) throws(HTTPSignatureError) -> [UInt8] {
        var seen = Set<String>()
        var lines: [String] = []
        for component in components {
            guard seen.insert(component.identity).inserted else {
                throw HTTPSignatureError("The component \(component.identifier.prefix(60)) is covered twice")
            }
            let values: [String] =
                component.name.hasPrefix("@")
                ? try DerivedComponents.values(component, in: message)
                : [try FieldComponents.value(component, in: message)]
            for value in values {
                guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 }) else {
                    throw HTTPSignatureError("The value of \(component.identifier.prefix(60)) cannot be signed")
                }
                lines.append("\(component.identifier): \(value)")
            }
        }
        lines.append("\"@signature-params\": \(serialized)")
        return Array(lines.joined(separator: "\n").utf8)
    }
}
