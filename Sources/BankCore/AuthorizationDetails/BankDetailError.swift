/// Why a bank authorization detail (RFC 9396 §2) does not conform to its type definition. `message` is plain ASCII-safe
/// text suitable for an `error_description` (the authorization server maps it to `invalid_authorization_details`).
public struct BankDetailError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
