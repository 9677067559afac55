import Foundation
import OAuthCore
import OAuthJOSE

/// The `authorization_details` request parameter (RFC 9396 §2, §2.2, §5, §10) at the PAR endpoint.
///
/// Generic checks here, type-specific ones in the `AuthorizationDetailsPolicy`: a JSON array of 1...`maximumCount`
/// objects (no duplicate member names, at most `maximumLength` bytes), each with a string `type` the server supports
/// and the client registered (`authorization_details_types`, RFC 9396 §10), and the §2.2 common fields with their JSON
/// types. Every failure is `invalid_authorization_details` (RFC 9396 §5: "The AS MUST refuse to process any unknown
/// authorization details type or authorization details not conforming to the respective type definition").
struct ParseAuthorizationDetails: Sendable {
    let policy: (any AuthorizationDetailsPolicy)?
    /// Longest accepted parameter value in bytes: details are stored with the request and carried in every token.
    static let maximumLength = 8192
    /// Most details in one request.
    static let maximumCount = 10
    /// RFC 9396 §2.2 common fields that are arrays of strings.
    static let stringArrayFields = ["locations", "actions", "datatypes", "privileges"]

    /// - Returns: the normalised details as a JSON array, or nil when the parameter is absent.
    func callAsFunction(_ raw: String?, client: Client) throws(OAuthError) -> JSONValue? {
        guard let raw else { return nil }
        guard let policy else { throw Self.invalid("authorization_details are not supported by this server") }
        guard raw.utf8.count <= Self.maximumLength else {
            throw Self.invalid("authorization_details is longer than \(Self.maximumLength) bytes")
        }
        let details = try Self.objects(raw)
        let registered = client.metadata["authorization_details_types"]?.arrayValue.map { $0.compactMap(\.stringValue) }
        for (index, detail) in details.enumerated() {
            guard let type = detail["type"]?.stringValue, !type.isEmpty else {
                throw Self.invalid("authorization_details[\(index)] has no string type")
            }
            guard policy.supportedTypes.contains(type) else {
                throw Self.invalid("authorization_details type '\(type.prefix(64))' is not supported")
            }
            if let registered, !registered.contains(type) {
                throw Self.invalid("authorization_details type '\(type.prefix(64))' is not registered for this client")
            }
            try Self.checkCommonFields(detail, index: index)
        }
        let normalised = try policy.validate(details, client: client)
        return .array(normalised.map(JSONValue.object))
    }

    /// RFC 9396 §2: "a JSON array of JSON objects"; duplicate member names are refused as in request objects.
    static func objects(_ raw: String) throws(OAuthError) -> [[String: JSONValue]] {
        let value: JSONValue
        do {
            // One pass: RFC 8259 syntax, and no member name twice at any depth (the request-object rule).
            value = try JSONValue.parse(raw.utf8, rejectDuplicateNames: true, maximumDepth: 33)
        } catch let error where error.reason == .duplicateName {
            throw invalid("authorization_details repeats a member name")
        } catch {
            throw invalid("authorization_details is not valid JSON")
        }
        guard let array = value.arrayValue else { throw invalid("authorization_details must be a JSON array") }
        guard !array.isEmpty else { throw invalid("authorization_details must not be empty") }
        guard array.count <= maximumCount else { throw invalid("authorization_details has more than \(maximumCount) entries") }
        var objects: [[String: JSONValue]] = []
        for (index, element) in array.enumerated() {
            guard let object = element.objectValue else { throw invalid("authorization_details[\(index)] is not a JSON object") }
            objects.append(object)
        }
        return objects
    }

    /// RFC 9396 §2.2: `locations`, `actions`, `datatypes`, `privileges` are arrays of strings, `identifier` a string.
    static func checkCommonFields(_ detail: [String: JSONValue], index: Int) throws(OAuthError) {
        for field in stringArrayFields {
            guard let value = detail[field] else { continue }
            guard let items = value.arrayValue, !items.isEmpty, items.allSatisfy({ ($0.stringValue?.isEmpty) == false }) else {
                throw invalid("authorization_details[\(index)].\(field) must be a non-empty array of strings")
            }
        }
        if let identifier = detail["identifier"], (identifier.stringValue?.isEmpty ?? true) {
            throw invalid("authorization_details[\(index)].identifier must be a non-empty string")
        }
    }

    static func invalid(_ description: String, fileID: String = #fileID, line: Int = #line) -> OAuthError {
        OAuthError(.invalidAuthorizationDetails, description, fileID: fileID, line: line)
    }
}
