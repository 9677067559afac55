/// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014): a tiny seeded
/// generator, so the demo bank's history is the same on every machine and every run.
///
/// - Important: Not cryptographically secure. Only for demo data; identifiers and secrets come from `RandomSource`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
