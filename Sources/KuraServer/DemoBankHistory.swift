import BankCore
import Foundation

/// About six months of statements for the demo customers, as balanced bookings in chronological order: what a
/// salaried customer in Tokyo sees on a Japanese bank statement (salary on the 25th, rent, direct debits for
/// utilities, phone and card, ATM and convenience-store withdrawals, a standing transfer to savings).
///
/// Pure: every amount, day and hour comes from the generator it is given, so a seeded generator gives the same history
/// on every run. Debits that would take a customer account below zero are left out (the store would refuse them).
struct DemoBankHistory {
    /// The accounts the history books against.
    struct Accounts {
        var ordinary: String
        var savings: String
        var bob: String
        var funding: String
        var clearing: String
    }

    /// Opening deposits, in yen.
    static let aliceOpening: Int64 = 250_000
    static let savingsOpening: Int64 = 1_200_000
    static let bobOpening: Int64 = 180_000
    static let salary: Int64 = 285_000
    static let employer = "カブシキガイシャ クラテック"
    static let landlord = "サクラ フドウサン"
    static let electricity = "ミナト デンリョク"

    let accounts: Accounts
    let aliceHolder: String
    let bobHolder: String
    /// Japan Standard Time: days of the month are Tokyo days.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo") ?? TimeZone(secondsFromGMT: 9 * 3600)!
        return calendar
    }()

    /// The bookings after `openedAt` up to and including `now`, oldest first, with ids from `newID`.
    func bookings(openedAt: Date, now: Date, random: inout some RandomNumberGenerator, newID: () -> String) -> [Booking] {
        var events: [Event] = []
        let opened = openedAt.addingTimeInterval(300)
        events.append(Event(opened, inflow(accounts.ordinary, Self.aliceOpening, "口座開設 ご入金", nil)))
        events.append(Event(opened, inflow(accounts.savings, Self.savingsOpening, "口座開設 ご入金", nil)))
        events.append(Event(opened, inflow(accounts.bob, Self.bobOpening, "口座開設 ご入金", nil)))
        var month = Self.calendar.dateComponents([.year, .month], from: openedAt)
        let last = Self.calendar.dateComponents([.year, .month], from: now)
        while (month.year!, month.month!) <= (last.year!, last.month!) {
            events += self.month(year: month.year!, month: month.month!, random: &random)
            month.month! += 1
            if month.month! > 12 { month.month = 1; month.year! += 1 }
        }
        let ordered = events.enumerated()
            .filter { $0.element.date > openedAt && $0.element.date <= now }
            .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
            .map(\.element)
        return affordable(ordered).map { Booking(id: newID(), bookedAt: $0.date, legs: $0.legs) }
    }

    /// One calendar month of events (some may fall outside the seeded period; the caller filters by date).
    private func month(year: Int, month: Int, random: inout some RandomNumberGenerator) -> [Event] {
        func day(_ day: Int, _ hour: Int, _ minute: Int = 0, shift: BusinessDay = .none) -> Date {
            date(year: year, month: month, day: day, hour: hour, minute: minute, shift: shift)
        }
        let winter = [12, 1, 2, 3].contains(month), summer = [7, 8, 9].contains(month)
        let ordinary = accounts.ordinary
        var events: [Event] = []
        events.append(Event(day(10, 9, shift: .following),
                            outflow(ordinary, random.demoValue(in: 38_000...92_000), "カード代金 引落", "クラ カード")))
        let power: ClosedRange<Int64> = winter ? 9_500...13_800 : summer ? 8_200...11_500 : 5_200...7_800
        events.append(Event(day(12, 9, shift: .following),
                            outflow(ordinary, random.demoValue(in: power), "口座振替 電気料金", Self.electricity)))
        let gas: ClosedRange<Int64> = winter ? 5_800...8_200 : 2_900...4_600
        events.append(Event(day(14, 9, shift: .following), outflow(ordinary, random.demoValue(in: gas), "口座振替 ガス料金", "ミナト ガス")))
        if month % 2 == 0 {
            events.append(Event(day(20, 9, shift: .following),
                                outflow(ordinary, random.demoValue(in: 4_600...6_100), "口座振替 水道料金", "トウキョウト スイドウキョク")))
        }
        events.append(Event(day(25, 6, shift: .preceding), inflow(ordinary, Self.salary, "給与", Self.employer)))
        if month == 6 || month == 12 {
            events.append(Event(day(month == 6 ? 30 : 10, 6, shift: .preceding), inflow(ordinary, 420_000, "賞与", Self.employer)))
        }
        events.append(Event(day(26, 9, shift: .following),
                            outflow(ordinary, random.demoValue(in: 4_980...6_480), "口座振替 携帯電話料金", "クラ モバイル")))
        events.append(Event(day(26, 10, shift: .following),
                            move(30_000, from: ordinary, "振替 貯蓄預金へ", to: accounts.savings, "振替 普通預金から", counterparty: aliceHolder)))
        events.append(Event(day(27, 10, 30, shift: .preceding), [
            Booking.Leg(accountID: ordinary, amountMinor: -98_000, description: "振込 家賃", counterpartyName: Self.landlord),
            Booking.Leg(accountID: accounts.clearing, amountMinor: 98_000, description: "振込 家賃", counterpartyName: Self.landlord),
        ]))
        for _ in 0..<random.demoValue(in: 2...3) {
            events.append(Event(day(Int(random.demoValue(in: 1...28)), Int(random.demoValue(in: 8...21)), Int(random.demoValue(in: 0...59))),
                                outflow(ordinary, random.demoValue(in: 10_000...30_000, step: 10_000), "ATM 出金 コンビニ", nil),
                                discretionary: true))
        }
        for _ in 0..<random.demoValue(in: 3...6) {
            events.append(Event(day(Int(random.demoValue(in: 1...28)), Int(random.demoValue(in: 7...22)), Int(random.demoValue(in: 0...59))),
                                outflow(ordinary, random.demoValue(in: 380...2_400), "デビット コンビニ", "クラマート"), discretionary: true))
        }
        if random.demoChance(30) {
            events.append(Event(day(Int(random.demoValue(in: 1...28)), 15),
                                inflow(ordinary, random.demoValue(in: 1_280...8_900), "返金 オンラインショップ", "クラ マーケット")))
        }
        if random.demoChance(40) {
            events.append(Event(day(Int(random.demoValue(in: 1...28)), 20),
                                move(random.demoValue(in: 3_000...12_000, step: 500), from: ordinary, "振込 \(bobHolder)",
                                     to: accounts.bob, "振込 \(aliceHolder)", counterparty: nil), discretionary: true))
        }
        if month == 2 || month == 8 {
            events.append(Event(day(20, 6, shift: .preceding), inflow(accounts.savings, random.demoValue(in: 15...60), "利息", nil)))
        }
        events.append(Event(day(20, 6, shift: .preceding), inflow(accounts.bob, 232_000, "給与", "ゴウドウガイシャ サンプルショウジ")))
        events.append(Event(day(10, 9, shift: .following),
                            outflow(accounts.bob, random.demoValue(in: 70_000...120_000), "カード代金 引落", "クラ カード")))
        events.append(Event(day(27, 11, shift: .preceding), [
            Booking.Leg(accountID: accounts.bob, amountMinor: -72_000, description: "振込 家賃", counterpartyName: "ミドリ ハウジング"),
            Booking.Leg(accountID: accounts.clearing, amountMinor: 72_000, description: "振込 家賃", counterpartyName: "ミドリ ハウジング"),
        ]))
        return events
    }

    /// Drops every event that would take a customer account below zero (a discretionary spend below ¥10,000 left).
    private func affordable(_ events: [Event]) -> [Event] {
        var balances: [String: Int64] = [:]
        let customers: Set = [accounts.ordinary, accounts.savings, accounts.bob]
        return events.filter { event in
            let floor: Int64 = event.discretionary ? 10_000 : 0
            let legs = event.legs.filter { customers.contains($0.accountID) }
            guard legs.allSatisfy({ $0.amountMinor > 0 || balances[$0.accountID, default: 0] + $0.amountMinor >= floor }) else { return false }
            for leg in legs { balances[leg.accountID, default: 0] += leg.amountMinor }
            return true
        }
    }

    private func inflow(_ account: String, _ amount: Int64, _ description: String, _ counterparty: String?) -> [Booking.Leg] {
        [Booking.Leg(accountID: accounts.funding, amountMinor: -amount, description: description, counterpartyName: counterparty),
         Booking.Leg(accountID: account, amountMinor: amount, description: description, counterpartyName: counterparty)]
    }

    private func outflow(_ account: String, _ amount: Int64, _ description: String, _ counterparty: String?) -> [Booking.Leg] {
        [Booking.Leg(accountID: account, amountMinor: -amount, description: description, counterpartyName: counterparty),
         Booking.Leg(accountID: accounts.funding, amountMinor: amount, description: description, counterpartyName: counterparty)]
    }

    private func move(_ amount: Int64, from debtor: String, _ debtorText: String, to creditor: String, _ creditorText: String,
                      counterparty: String?) -> [Booking.Leg] {
        [Booking.Leg(accountID: debtor, amountMinor: -amount, description: debtorText, counterpartyName: counterparty),
         Booking.Leg(accountID: creditor, amountMinor: amount, description: creditorText, counterpartyName: counterparty)]
    }

    /// Direct debits move to the next business day when the day falls on a weekend; salaries and rent to the previous.
    private enum BusinessDay { case none, following, preceding }

    private func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, shift: BusinessDay) -> Date {
        let first = Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        let length = Self.calendar.range(of: .day, in: .month, for: first)!.count
        var date = Self.calendar.date(from: DateComponents(year: year, month: month, day: min(day, length), hour: hour, minute: minute))!
        while shift != .none, Self.calendar.isDateInWeekend(date) {
            date = Self.calendar.date(byAdding: .day, value: shift == .following ? 1 : -1, to: date)!
        }
        return date
    }

    private struct Event {
        var date: Date
        var legs: [Booking.Leg]
        /// Spending the customer would have skipped with little money left.
        var discretionary: Bool

        init(_ date: Date, _ legs: [Booking.Leg], discretionary: Bool = false) {
            self.date = date
            self.legs = legs
            self.discretionary = discretionary
        }
    }
}
