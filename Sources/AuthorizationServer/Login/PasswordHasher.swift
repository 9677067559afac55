import Crypto
import _CryptoExtras
import Foundation
import OAuthCore

/// Memory-hard password hashing with scrypt (RFC 7914), stored in PHC string format:
/// `$scrypt$ln=16,r=8,p=1$<salt b64>$<hash b64>`. Parameters travel with each hash, so the cost can be
/// raised later and old hashes still verify.
public struct PasswordHasher: Sendable {
    /// log2 of the CPU/memory cost N. 16 → 64 MiB per hash with r = 8.
    public let logN: Int
    public let blockSize: Int
    public let parallelism: Int

    public init(logN: Int = 16, blockSize: Int = 8, parallelism: Int = 1) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Hashes `password` with a fresh 16-byte salt.
    public func hash(_ password: String, random: any RandomSource) throws -> String {
        let salt = random.bytes(16)
        let derived = try Self.derive(password, salt: salt, logN: logN, r: blockSize, p: parallelism)
        return "$scrypt$ln=\(logN),r=\(blockSize),p=\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Verifies `password` against a stored PHC string, in constant time over the derived bytes.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return false }
        var params: [String: Int] = [:]
        for kv in parts[1].split(separator: ",") {
            let pair = kv.split(separator: "=")
            guard pair.count == 2, let v = Int(pair[1]) else { return false }
            params[String(pair[0])] = v
        }
        guard let ln = params["ln"], let r = params["r"], let p = params["p"], (10...22).contains(ln), (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let derived = try? Self.derive(password, salt: Array(salt), logN: ln, r: r, p: p)
        else { return false }
        return ConstantTime.equals(derived, Array(expected))
    }

    /// Spends the same work as a real verification, for unknown usernames (no timing oracle for enumeration).
    public func dummyVerify(_ password: String) {
        _ = try? Self.derive(password, salt: Array(repeating: 0, count: 16), logN: logN, r: blockSize, p: parallelism)
    }

    static func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> [UInt8] {
        let n = 1 << logN
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: n,
                                           blockSize: r, parallelism: p, maxMemory: 128 * r * n * p + 1 << 20)
        return key.withUnsafeBytes { Array($0) }
    }
}
