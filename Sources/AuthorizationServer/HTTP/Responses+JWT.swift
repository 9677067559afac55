import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Responses {
    /// A signed JWT as the whole response body, typed `contentType` (e.g. `application/token-introspection+jwt`,
    /// RFC 9701 §5), never cached: it carries token data (RFC 7662 §2.2 responses are not to be cached either).
    static func jwt(_ jwt: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var fields = noStore
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: jwt)))
    }
}
