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
///
/// Either frozen at a start time, or (`followingSystemTime`) running with the system clock plus an offset that
/// `advance` moves — for tests over real connections where peers use real time too.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var frozen: Date?
    private var offset: TimeInterval = 0

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { frozen = start }

    private init(frozen: Date?) { self.frozen = frozen }

    /// A clock that runs with the system clock; `advance` and `set` shift it.
    public static func followingSystemTime() -> ManualClock { ManualClock(frozen: nil) }

    public func now() -> Date { lock.withLock { frozen ?? Date().addingTimeInterval(offset) } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock {
            if let f = frozen { frozen = f + seconds } else { offset += seconds }
        }
    }

    public func set(_ date: Date) {
        lock.withLock {
            if frozen != nil { frozen = date } else { offset = date.timeIntervalSinceNow }
        }
    }
}

extension Date {
    /// Seconds since the epoch, as JWT NumericDate (RFC 7519 §2) and our storage use.
    public var epochSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}
