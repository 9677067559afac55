import Foundation

/// Base64url without padding (RFC 4648 §5; RFC 7515 §2 "Base64url Encoding").
///
/// Table-driven: every token, proof and hash Kura handles passes through here several times per request
/// (`kura bench token` measured Foundation's base64 plus string replacement at 20 % of server CPU).
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode<S: Sequence<UInt8>>(_ bytes: S) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        switch input.count - i {
        case 1:
            let n = UInt32(input[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
        case 2:
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
        default: break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes strict base64url: no padding, no whitespace, only `A–Z a–z 0–9 - _`. A length of 1 mod 4 is
    /// invalid. Unused trailing bits are ignored here; `OAuthJOSE` additionally requires them to be zero.
    public static func decode(_ text: some StringProtocol) -> Data? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(characters: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(characters: $0) }
    }

    /// Four characters to three bytes at a time, into one buffer of the exact size (no per-byte `Data` growth).
    static func decode(characters chars: UnsafeBufferPointer<UInt8>) -> Data? {
        guard chars.count % 4 != 1 else { return nil }
        let count = chars.count * 3 / 4
        var out = Data(count: count)
        let ok = out.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) -> Bool in
            decodeTable.withUnsafeBufferPointer { table in
                var i = 0, o = 0
                while i + 4 <= chars.count {
                    let a = table[Int(chars[i])], b = table[Int(chars[i + 1])], c = table[Int(chars[i + 2])], d = table[Int(chars[i + 3])]
                    guard (a | b | c | d) & 0xC0 == 0 else { return false }
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    raw[o] = UInt8(truncatingIfNeeded: n >> 16)
                    raw[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    raw[o + 2] = UInt8(truncatingIfNeeded: n)
                    i += 4
                    o += 3
                }
                var n: UInt32 = 0
                for k in i..<chars.count {
                    let v = table[Int(chars[k])]
                    guard v != 0xFF else { return false }
                    n = n << 6 | UInt32(v)
                }
                switch chars.count - i {
                case 2: raw[o] = UInt8(truncatingIfNeeded: n >> 4)
                case 3:
                    raw[o] = UInt8(truncatingIfNeeded: n >> 10)
                    raw[o + 1] = UInt8(truncatingIfNeeded: n >> 2)
                default: break
                }
                return true
            }
        }
        return ok ? out : nil
    }

    /// The 6-bit value of a base64url character (0xFF if it is not one).
    public static func sextet(_ c: UInt8) -> UInt8 { decodeTable[Int(c)] }

    @inline(__always)
    static func isAlphabet(_ c: UInt8) -> Bool { decodeTable[Int(c)] != 0xFF }
}
