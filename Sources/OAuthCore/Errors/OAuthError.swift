/// An OAuth 2.0 error (RFC 6749 §4.1.2.1 and §5.2).
///
/// One value type for every failure that reaches a client. `description` is public and sent as
/// `error_description`; `detail` is only ever logged (node-oidc-provider's `error_detail`,
/// fosite's `Debug`). Equality compares the code only, as swift-certificates' `CertificateError` does.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: OAuthErrorCode
    /// Sent as `error_description`; restricted to the RFC 6749 §5.2 character set.
    public var errorDescription: ErrorDescription?
    /// For logs only. Never serialised.
    public var detail: String?
    /// Extra HTTP headers this error must carry (e.g. `DPoP-Nonce` with `use_dpop_nonce`, RFC 9449 §8).
    public var headers: [String: String]
    /// Overrides `code.httpStatus` where a spec asks for another status (e.g. 401 for a resource-server DPoP error).
    public var statusOverride: Int?
    public let fileID: String
    public let line: Int

    public init(
        _ code: OAuthErrorCode, _ description: String? = nil, detail: String? = nil,
        headers: [String: String] = [:], status: Int? = nil,
        fileID: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.errorDescription = description.map(ErrorDescription.init(sanitizing:))
        self.detail = detail
        self.headers = headers
        self.statusOverride = status
        self.fileID = fileID
        self.line = line
    }

    /// The HTTP status of a direct response carrying this error.
    public var httpStatus: Int { statusOverride ?? code.httpStatus }

    public static func == (lhs: OAuthError, rhs: OAuthError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        "\(code.rawValue): \(errorDescription?.value ?? "")\(detail.map { " [\($0)]" } ?? "") (\(fileID):\(line))"
    }

    /// The RFC 6749 §5.2 JSON members (`error`, `error_description`).
    public var jsonMembers: [String: String] {
        var members = ["error": code.rawValue]
        if let d = errorDescription?.value { members["error_description"] = d }
        return members
    }
}

extension OAuthError {
    public static func invalidRequest(_ description: String, detail: String? = nil, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.invalidRequest, description, detail: detail, fileID: fileID, line: line)
    }
    public static func invalidClient(_ description: String, detail: String? = nil, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.invalidClient, description, detail: detail, fileID: fileID, line: line)
    }
    public static func invalidGrant(_ description: String, detail: String? = nil, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.invalidGrant, description, detail: detail, fileID: fileID, line: line)
    }
    public static func invalidDPoPProof(_ description: String, detail: String? = nil, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.invalidDPoPProof, description, detail: detail, fileID: fileID, line: line)
    }
    public static func serverError(detail: String, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.serverError, "The server could not complete the request", detail: detail, fileID: fileID, line: line)
    }
}
