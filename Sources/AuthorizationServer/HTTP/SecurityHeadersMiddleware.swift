import HTTPTypes
import Hummingbird

/// Headers every Kura response carries: HSTS so browsers never downgrade to plain HTTP (FAPI 2.0 SP §5.2.3-1)
/// and `nosniff`. Hummingbird already adds `Date` (required on resource responses, RFC 9110 §6.6.1).
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return response
    }
}
