import Foundation
import OAuthCore

/// JSON objects read the way RFC 7515 §5.2 step 4 and RFC 7519 §4 require: a member name that appears twice in
/// one object rejects the input.
///
/// Foundation's decoder silently keeps the *first* duplicate, while RFC 7515 only allows rejecting or keeping the
/// *last*; two parsers reading one token differently is how `alg` or `aud` confusion starts. So the text is read in
/// one pass by `JSONValue.parse`, which compares member names after resolving escapes such as `\u0061`.
public enum StrictJSON {
    /// Nesting deeper than this is refused: no JOSE header or claims set Kura reads comes close.
    static let maximumDepth = 32

    /// Decodes `data` as a JSON object, refusing duplicate member names at any depth.
    public static func object(_ data: Data, what: String) throws(JOSEError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(data, rejectDuplicateNames: true, maximumDepth: maximumDepth)
        } catch {
            // The two messages of the former scan-then-decode: structure (incl. names, depth) vs. the values in it.
            guard error.reason == .value else {
                throw JOSEError("\(what) is not a JSON object without duplicate member names")
            }
            throw JOSEError("\(what) is not a JSON object")
        }
        guard let object = value.objectValue else { throw JOSEError("\(what) is not a JSON object") }
        return object
    }
}
