import Foundation
import OAuthCore

/// alice's identity as the bank verified it at account opening, in the OpenID Connect for Identity Assurance 1.0
/// `verified_claims` shape (§5: `verification` with `trust_framework`, `time`, `verification_process`, `evidence`;
/// `claims`): verified in person (`pipp`) against her individual number card under the Japanese AML act (`jp_aml`).
extension DemoBank {
    /// alice's `verified_claims`, verified at `verifiedAt`; the process id and document number come from `random`.
    static func aliceVerifiedClaims(verifiedAt: Date, random: any RandomSource) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = DemoBankHistory.calendar.timeZone
        let digits = random.bytes(12).map { String($0 % 10) }.joined()
        let evidence: JSONValue = [
            "type": "document",
            "method": "pipp",
            "time": .string(formatter.string(from: verifiedAt.addingTimeInterval(-600))),
            "document_details": [
                "type": "idcard",
                "document_number": .string(digits),
                "issuer": ["name": "東京都渋谷区", "country": "JP"],
                "date_of_issuance": "2022-06-01",
                "date_of_expiry": "2032-04-12",
            ],
        ]
        return [
            "verification": [
                "trust_framework": "jp_aml",
                "time": .string(formatter.string(from: verifiedAt)),
                "verification_process": .string(uuidString(random.bytes(16))),
                "evidence": [evidence],
            ],
            "claims": [
                "given_name": "Alice",
                "family_name": "Example",
                "birthdate": "1990-04-12",
                "address": [
                    "country": "JP",
                    "postal_code": "150-0001",
                    "region": "東京都",
                    "locality": "渋谷区",
                    "street_address": "神宮前1-2-3 クラハイツ401",
                ],
            ],
        ]
    }

    /// An RFC 9562 version 4 UUID string from 16 random bytes.
    private static func uuidString(_ bytes: [UInt8]) -> String {
        var bytes = bytes
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return groups.joined(separator: "-")
    }
}
