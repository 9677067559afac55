/// An `error_description` value restricted to the character set of RFC 6749 §5.2:
/// `error-description = 1*( %x20-21 / %x23-5B / %x5D-7E )` — printable ASCII without `"` and `\`.
public struct ErrorDescription: Sendable, Hashable {
    public let value: String
    /// Longer descriptions are cut: they are for developers, and a bounded size keeps echoed input harmless.
    public static let maximumLength = 300

    /// Replaces every character outside the RFC 6749 §5.2 set with `?` (never fails, never leaks control characters).
    public init(sanitizing text: String) {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(Self.maximumLength) {
            scalars.append(Self.isAllowed(scalar) ? scalar : "?")
        }
        value = scalars.isEmpty ? "error" : String(scalars)
    }

    /// Whether `scalar` may appear in `error_description` (RFC 6749 §5.2).
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x21, 0x23...0x5B, 0x5D...0x7E: true
        default: false
        }
    }
}
