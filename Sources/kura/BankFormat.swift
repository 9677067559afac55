import BankCore
import Foundation

/// How `kura bank` and the `kura demo` banner show money and times.
enum BankFormat {
    /// The amount with its currency's symbol, thousands separators and minor units: `¥285,000`, `-$12.30`, `€0.05`.
    static func money(_ money: Money) -> String {
        let text = money.decimalString
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        var grouped = ""
        for (index, digit) in parts[0].enumerated() {
            if index > 0, (parts[0].count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        let fraction = parts.count == 2 ? "." + parts[1] : ""
        let symbol = ["JPY": "¥", "USD": "$", "EUR": "€"][money.currency.code] ?? money.currency.code + " "
        return (negative ? "-" : "") + symbol + grouped + fraction
    }

    /// `2026-11-25 06:00` in Japan Standard Time, the bank's statement time.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Tokyo")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// `101-3012457`.
    static func number(_ account: Account) -> String { "\(account.branchCode)-\(account.accountNumber)" }
}
