import AsyncHTTPClient
import AuthorizationServer
import Foundation
import NIOCore
import NIOFoundationCompat

/// Fetches clients' `jwks_uri` documents over HTTPS with the system trust store (FAPI 2.0 SP §5.4.2: JWKS only
/// over TLS), with a short timeout and a size cap so a slow or huge response cannot tie up the server.
public enum JWKSFetcher {
    static let maximumBytes = 256 * 1024

    public static func make(client: HTTPClient = .shared) -> ClientKeyResolver.Fetch {
        { url in
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response = try await client.execute(request, timeout: .seconds(5))
            guard response.status == .ok else { throw ConfigurationError("jwks_uri answered HTTP \(response.status.code)") }
            return Data(buffer: try await response.body.collect(upTo: maximumBytes))
        }
    }
}
