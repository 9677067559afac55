import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 with the RFC 4226 §5.3 dynamic truncation), HMAC-SHA-1,
/// as every authenticator app implements them.
public struct TOTP: Sendable {
    public let secret: Data
    public let digits: Int
    public let period: Int64

    public init(secret: Data, digits: Int = 6, period: Int64 = 30) {
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// The RFC 6238 §4.2 time step `T = floor((unixTime - T0) / X)` for `date`.
    public func step(at date: Date) -> Int64 { date.epochSeconds / period }

    /// The code for time step `step` (RFC 4226 §5.3).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The code at `date`.
    public func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The time step whose code equals `candidate`, looking `window` steps either side of `date`
    /// (RFC 6238 §5.2 allows for clock drift and network delay). Compared in constant time.
    public func matchingStep(for candidate: String, at date: Date, window: Int64 = 1) -> Int64? {
        let now = step(at: date)
        var found: Int64?
        for s in (now - window)...(now + window) where ConstantTime.equals(code(step: s), candidate) {
            found = s
        }
        return found
    }

    /// The `otpauth://` URI authenticator apps import (Key Uri Format, as Google Authenticator defines it).
    public func provisioningURI(account: String, issuer: String) -> String {
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? account
        let iss = issuer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(iss)&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}

/// RFC 4648 §6 base32 (upper case, no padding), the encoding of TOTP secrets in `otpauth://` URIs.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ data: Data) -> String {
        var out = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for byte in data {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> Data? {
        var out = Data()
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.uppercased().utf8 where c != UInt8(ascii: "=") {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}
