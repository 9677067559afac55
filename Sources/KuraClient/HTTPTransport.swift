import Foundation

/// The one way KuraClient talks HTTP, so the flow logic runs against a real server (`AsyncHTTPClientTransport`)
/// or an in-memory fake in tests.
///
/// - Important: A transport must never follow redirects itself. The authorization response is a redirect to the
///   client's `redirect_uri` that `BrowserSession` reads instead of fetching (RFC 6749 §4.1.2), and redirects after a
///   credential POST must be seen to be checked (FAPI 2.0 SP §5.3.2.2-10/11: 303, never 307).
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the whole response, whatever its status.
    func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage
    /// Releases connections and threads. The transport is unusable afterwards.
    func shutdown() async throws
}
