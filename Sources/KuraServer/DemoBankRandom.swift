import OAuthCore

extension RandomNumberGenerator {
    /// A value in `range` in steps of `step` from its lower bound, drawn with our own arithmetic rather than
    /// `Int64.random(in:using:)`, whose algorithm the standard library does not promise to keep: the demo history
    /// must not change with the toolchain. (The modulo bias over 2^64 is far below anything a demo can show.)
    mutating func demoValue(in range: ClosedRange<Int64>, step: Int64 = 1) -> Int64 {
        let choices = UInt64((range.upperBound - range.lowerBound) / step + 1)
        return range.lowerBound + Int64(next() % choices) * step
    }

    /// True with probability `percent` / 100.
    mutating func demoChance(_ percent: UInt64) -> Bool { next() % 100 < percent }
}
