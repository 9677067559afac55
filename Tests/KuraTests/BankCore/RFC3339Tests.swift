import BankCore
import Foundation
import Testing

@Suite("RFC 3339 date-time (UTC) matches Foundation's ISO 8601 format")
struct RFC3339Tests {
    @Test("Every instant of a sample across four centuries formats exactly as Date.ISO8601FormatStyle does")
    func matchesFoundation() {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        var samples: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
                               Date(timeIntervalSince1970: 1_800_000_000.999), Date(timeIntervalSince1970: -1)]
        while seconds < 7_258_118_400 {  // 2200-01-01
            samples.append(Date(timeIntervalSince1970: Double(seconds)))
            seconds += 86_400 * 37 + 3_607
        }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        for date in samples {
            #expect(RFC3339.string(date) == date.formatted(style), "\(date.timeIntervalSince1970)")
        }
    }
}
