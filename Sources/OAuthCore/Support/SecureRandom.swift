import Crypto
import Foundation

/// The source of randomness for codes, tokens and identifiers, injected so tests can be deterministic.
public protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}

/// Cryptographically strong randomness from the operating system: `SystemRandomNumberGenerator` reads
/// `getrandom(2)` on Linux and `arc4random_buf` on Apple platforms.
public struct SystemRandom: RandomSource {
    public init() {}
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }
}

extension RandomSource {
    /// An opaque credential with 256 bits of entropy, base64url (43 characters).
    /// FAPI 2.0 SP §5.4.1-4 asks for at least 128 bits for codes, tokens and request_uri references.
    public func token() -> String { Base64URL.encode(bytes(32)) }
}

/// SHA-256 of a credential, base64url: what storage keeps instead of the credential itself.
public enum CredentialHash {
    public static func of(_ credential: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(credential.utf8)))
    }
}
