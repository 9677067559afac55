import Foundation
import NIOCore

/// A TLS-terminating reverse proxy allowed to forward the client certificate (RFC 9440 §4: the header "MUST only
/// be trusted" from a proxy the server is configured to trust): one address or a CIDR range, IPv4 or IPv6.
///
/// IPv4-mapped IPv6 peers (`::ffff:10.0.0.5`, what a dual-stack listener reports) are compared as IPv4.
public struct TrustedProxy: Sendable, Hashable, CustomStringConvertible {
    /// The network address (4 or 16 octets), with the host bits cleared.
    public let network: [UInt8]
    /// The number of leading bits that must match.
    public let prefixLength: Int

    /// Parses `10.0.0.7`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    /// - Throws: `MutualTLSConfigurationError` for anything else (host names are not accepted: the check must not
    ///   depend on DNS).
    public init(_ text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let literal = Self.addressBytes(parts[0]) else {
            throw MutualTLSConfigurationError("trusted proxy '\(text)' is not an IP address or CIDR range")
        }
        let address = Self.unmapped(literal)
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            let mappedBits = (literal.count - address.count) * 8
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]),
                  (mappedBits...(mappedBits + bits)).contains(value)
            else { throw MutualTLSConfigurationError("trusted proxy '\(text)' has an invalid prefix length") }
            prefix = value - mappedBits
        }
        network = Self.masked(address, prefixLength: prefix)
        prefixLength = prefix
    }

    /// Whether `address` (the TCP peer) lies in this range.
    public func contains(_ address: [UInt8]) -> Bool {
        let peer = Self.unmapped(address)
        return peer.count == network.count && Self.masked(peer, prefixLength: prefixLength) == network
    }

    /// Whether `peer` lies in this range; false for Unix-domain sockets and unknown peers.
    public func contains(_ peer: SocketAddress?) -> Bool {
        guard let bytes = peer.flatMap(Self.addressBytes(of:)) else { return false }
        return contains(bytes)
    }

    public var description: String {
        let text = network.count == 4 ? network.map(String.init).joined(separator: ".") : Self.ipv6Text(network)
        return prefixLength == network.count * 8 ? text : "\(text)/\(prefixLength)"
    }

    /// The octets of an IP literal (RFC 791 dotted decimal or RFC 4291 text), or nil.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The octets of a socket's IP address, or nil for Unix-domain sockets.
    public static func addressBytes(of peer: SocketAddress) -> [UInt8]? {
        switch peer {
        case .v4(let address):
            var raw = address.address.sin_addr
            return withUnsafeBytes(of: &raw) { Array($0) }
        case .v6(let address):
            var raw = address.address.sin6_addr
            return withUnsafeBytes(of: &raw) { Array($0) }
        case .unixDomainSocket:
            return nil
        }
    }

    /// `::ffff:a.b.c.d` → `a.b.c.d` (RFC 4291 §2.5.5.2); anything else unchanged.
    static func unmapped(_ address: [UInt8]) -> [UInt8] {
        guard address.count == 16, address.prefix(10).allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF else {
            return address
        }
        return Array(address.suffix(4))
    }

    static func masked(_ address: [UInt8], prefixLength: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let remaining = prefixLength - index * 8
            if remaining >= 8 { return byte }
            if remaining <= 0 { return 0 }
            return byte & UInt8(truncatingIfNeeded: 0xFF << (8 - remaining))
        }
    }

    static func ipv6Text(_ bytes: [UInt8]) -> String {
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
