import Foundation

/// The source of "now" for every time check, injected so tests control time
/// (swift-certificates' `fixedValidationTime`).
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock tests move by hand. Thread-safe.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }
    public func now() -> Date { lock.withLock { current } }
    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
    public func set(_ date: Date) { lock.withLock { current = date } }
}

extension Date {
    /// Seconds since the epoch, as JWT NumericDate (RFC 7519 §2) and our storage use.
    public var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}
