import NIOCore

/// The bench's per-answer body check: markers that must occur in the body and markers that must not, searched as byte
/// sequences in the received bytes (UTF-8, so a byte match is a text match).
///
/// It runs on every answer of the timed phase, on the load generator's share of the cores: a plain byte search over
/// the buffer, with no `String` made and no Foundation `range(of:)` (which went through NSString and cost about 0.08 ms
/// per answer).
struct BodyMarkers: Sendable {
    private let required: [[UInt8]]
    private let forbidden: [[UInt8]]

    init(contains required: [String], excludes forbidden: [String] = []) {
        self.required = required.map { Array($0.utf8) }
        self.forbidden = forbidden.map { Array($0.utf8) }
    }

    /// The same check, and `marker` must not occur either.
    func excluding(_ marker: String) -> BodyMarkers {
        BodyMarkers(required: required, forbidden: forbidden + [Array(marker.utf8)])
    }

    private init(required: [[UInt8]], forbidden: [[UInt8]]) {
        self.required = required
        self.forbidden = forbidden
    }

    /// Whether `body` holds every required marker and none of the forbidden ones.
    func accepts(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            required.allSatisfy { BenchBytes.firstOffset(of: $0, in: bytes) != nil }
                && !forbidden.contains { BenchBytes.firstOffset(of: $0, in: bytes) != nil }
        }
    }
}

/// Byte-sequence search and extraction on received bodies.
enum BenchBytes {
    /// The offset of the first occurrence of `needle` in `haystack` (nil if none; 0 for an empty needle).
    static func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard !needle.isEmpty else { return start }
        let count = needle.count
        guard haystack.count - start >= count else { return nil }
        return needle.withUnsafeBufferPointer { n in
            let first = n[0]
            var i = start
            let last = haystack.count - count
            while i <= last {
                if haystack[i] == first {
                    var j = 1
                    while j < count && haystack[i + j] == n[j] { j += 1 }
                    if j == count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// The string value that follows `prefix` (which ends with the value's opening quote) up to the next `"`, e.g. the
    /// `transferId` of compact JSON by `"transferId":"`; nil if `prefix` does not occur or the value is not closed.
    static func quotedValue(after prefix: [UInt8], in body: ByteBuffer) -> String? {
        body.withUnsafeReadableBytes { bytes in
            guard let found = firstOffset(of: prefix, in: bytes) else { return nil }
            let start = found + prefix.count
            guard let end = firstOffset(of: [UInt8(ascii: "\"")], in: bytes, from: start) else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}
