import Crypto
import Foundation
import OAuthCore

extension JWK {
    /// The RFC 7638 §3 JWK thumbprint with SHA-256, base64url without padding: DPoP's `jkt` (RFC 9449 §6.1) and a
    /// stable default `kid`.
    ///
    /// RFC 7638 §3.2-3.3: the input is the JSON object of the REQUIRED public members only, in lexicographic order,
    /// without whitespace. Every value here is a canonical base64url string or a registered curve name (validated at
    /// parse time), so none needs JSON escaping.
    public func thumbprint() -> String {
        Base64URL.encode(SHA256.hash(data: thumbprintInput))
    }

    /// The exact octets RFC 7638 §3.3 hashes, e.g. `{"e":"AQAB","kty":"RSA","n":"0vx7…"}`.
    public var thumbprintInput: Data {
        let members = material.requiredMembers.map { "\"\($0.name)\":\"\($0.value)\"" }
        return Data(("{" + members.joined(separator: ",") + "}").utf8)
    }
}
