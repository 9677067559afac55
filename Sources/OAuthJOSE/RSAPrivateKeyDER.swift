import Foundation

/// Reads the integers of a PKCS#1 `RSAPrivateKey` (RFC 8017 Appendix A.1.2), the DER swift-crypto exports, so a
/// private RSA JWK can carry `d`, `p`, `q`, `dp`, `dq` and `qi` (RFC 7518 §6.3.2).
///
/// ```
/// RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent,
///                              prime1, prime2, exponent1, exponent2, coefficient }
/// ```
/// Only this one shape is read; multi-prime keys (version 1, `otherPrimeInfos`) are refused.
struct RSAPrivateKeyDER {
    let n: Data, e: Data, d: Data, p: Data, q: Data, dp: Data, dq: Data, qi: Data

    init(der: Data) throws(JOSEError) {
        var outer = DERReader(Array(der))
        var body = DERReader(try outer.read(tag: 0x30))
        guard outer.isAtEnd else { throw JOSEError("trailing bytes after RSAPrivateKey") }
        var integers: [Data] = []
        while !body.isAtEnd { integers.append(JWSSigningKey.minimal(Data(try body.read(tag: 0x02)))) }
        guard integers.count == 9, integers[0] == Data([0]) else { throw JOSEError("not a two-prime RSAPrivateKey") }
        (n, e, d, p, q) = (integers[1], integers[2], integers[3], integers[4], integers[5])
        (dp, dq, qi) = (integers[6], integers[7], integers[8])
    }
}

/// A minimal DER tag-length-value reader (X.690 §8.1) for the definite-length encodings above.
private struct DERReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    /// Reads one element with `tag` and returns its contents.
    mutating func read(tag: UInt8) throws(JOSEError) -> [UInt8] {
        guard index < bytes.count, bytes[index] == tag else { throw JOSEError("unexpected DER tag") }
        index += 1
        let length = try readLength()
        guard length <= bytes.count - index else { throw JOSEError("DER length exceeds the input") }
        defer { index += length }
        return Array(bytes[index..<index + length])
    }

    private mutating func readLength() throws(JOSEError) -> Int {
        guard index < bytes.count else { throw JOSEError("DER length missing") }
        let first = bytes[index]
        index += 1
        guard first & 0x80 != 0 else { return Int(first) }
        let count = Int(first & 0x7F)
        guard (1...3).contains(count), count <= bytes.count - index else { throw JOSEError("unsupported DER length") }
        var length = 0
        for _ in 0..<count {
            length = length << 8 | Int(bytes[index])
            index += 1
        }
        return length
    }
}
