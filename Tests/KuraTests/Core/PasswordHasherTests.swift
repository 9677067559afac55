import AuthorizationServer
import Foundation
import OAuthCore
import Testing

/// Customer password hashing: scrypt (RFC 7914) in PHC string format.
@Suite("Password hashing (scrypt, PHC format)")
struct PasswordHasherTests {
    /// Cheap parameters: the format and checks are the same at every cost.
    let hasher = PasswordHasher(logN: 10)
    static let password = "correct horse battery staple"

    @Test("hash produces $scrypt$ln=…,r=…,p=…$salt$hash with a 16-byte salt and a 32-byte key, and verifies")
    func roundTrip() throws {
        let encoded = try hasher.hash(Self.password, random: SystemRandom())
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        #expect(parts.count == 5 && parts[0].isEmpty && parts[1] == "scrypt")
        #expect(parts[2] == "ln=10,r=8,p=1")
        #expect(Data(base64Encoded: String(parts[3]))?.count == 16)
        #expect(Data(base64Encoded: String(parts[4]))?.count == 32)
        #expect(hasher.verify(Self.password, against: encoded))
        // Parameters travel with the hash: a hasher with other defaults still verifies it.
        #expect(PasswordHasher(logN: 12).verify(Self.password, against: encoded))
    }

    @Test("A wrong password does not verify", arguments: ["", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "])
    func wrongPassword(_ candidate: String) throws {
        let encoded = try hasher.hash(Self.password, random: SystemRandom())
        #expect(!hasher.verify(candidate, against: encoded))
    }

    @Test("The same password hashes differently each time (random salt)")
    func saltedHashes() throws {
        let first = try hasher.hash(Self.password, random: SystemRandom())
        let second = try hasher.hash(Self.password, random: SystemRandom())
        #expect(first != second)
    }

    @Test("A tampered hash does not verify", arguments: ["hash", "salt", "ln", "r", "p", "algorithm"])
    func tampered(_ part: String) throws {
        let encoded = try hasher.hash(Self.password, random: SystemRandom())
        var parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        func flip(_ b64: String) -> String {
            var bytes = [UInt8](Data(base64Encoded: b64)!)
            bytes[0] ^= 0x01
            return Data(bytes).base64EncodedString()
        }
        switch part {
        case "hash": parts[4] = flip(parts[4])
        case "salt": parts[3] = flip(parts[3])
        case "ln": parts[2] = "ln=11,r=8,p=1"
        case "r": parts[2] = "ln=10,r=7,p=1"
        case "p": parts[2] = "ln=10,r=8,p=2"
        default: parts[1] = "scrypt2"
        }
        #expect(!hasher.verify(Self.password, against: parts.joined(separator: "$")))
    }

    @Test("Malformed or out-of-range encodings are refused without work",
          arguments: ["", "plaintext", "$scrypt$", "$scrypt$ln=10,r=8,p=1$AAAA", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
                      "$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
                      "$scrypt$ln=10,r=8,p=1$!!!$AAAA"])
    func malformed(_ encoded: String) {
        #expect(!hasher.verify(Self.password, against: encoded))
    }

    @Test("RFC 7914 §12 test vector (N=1024, r=8, p=16, salt NaCl) verifies as a PHC string")
    func rfc7914Vector() {
        // scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64): the first 32 octets are the dkLen=32 output (PBKDF2 blocks).
        let key: [UInt8] = [0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00, 0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe,
                            0x7c, 0x6a, 0xd7, 0xcb, 0xc8, 0x23, 0x78, 0x30, 0xe7, 0x73, 0x76, 0x63, 0x4b, 0x37, 0x31, 0x62]
        let encoded = "$scrypt$ln=10,r=8,p=16$\(Data("NaCl".utf8).base64EncodedString())$\(Data(key).base64EncodedString())"
        #expect(hasher.verify("password", against: encoded))
        #expect(!hasher.verify("Password", against: encoded))
    }
}
