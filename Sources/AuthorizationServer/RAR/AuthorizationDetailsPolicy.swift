import OAuthCore

/// The type-specific half of Rich Authorization Requests (RFC 9396 §2, §5, §7): what each `authorization_details` type
/// means, how the customer is asked about it, and what is granted.
///
/// The authorization server stays agnostic of the types: it checks the generic §2 syntax (`ParseAuthorizationDetails`),
/// renders the policy's plain-words view on the consent page, collects the customer's picks, and carries the details
/// the policy grants (never the requested ones) into the grant, the code, the access token, the token response,
/// refresh and introspection. A server without a policy refuses every `authorization_details`.
public protocol AuthorizationDetailsPolicy: Sendable {
    /// The `type` values this policy understands, advertised as `authorization_details_types_supported` (RFC 9396 §10).
    var supportedTypes: [String] { get }

    /// At the PAR endpoint, before anything is stored: checks every detail against its type definition (RFC 9396 §5:
    /// unknown fields, wrong JSON types, invalid values, missing required fields) and returns them normalised. The
    /// details already passed the generic §2 checks and their types are among `supportedTypes`.
    /// - Throws: `invalid_authorization_details` naming the problem.
    func validate(_ details: [[String: JSONValue]], client: Client) throws(OAuthError) -> [[String: JSONValue]]

    /// After login: the plain-words view of each detail for the consent page (same order, one entry per detail), with
    /// the choices the customer must make where the request left them open.
    /// - Throws: an `OAuthError` (e.g. `access_denied`) when the customer cannot grant the details at all, e.g. they
    ///   name an account that is not the customer's; the client then receives that error by redirect.
    func consent(for details: [[String: JSONValue]], userID: String) async throws -> [ConsentDetail]

    /// On approval: the details to grant, with the customer's picks filled in.
    /// - Parameter choices: per detail (same order), the option values the customer picked; empty for a detail without
    ///   a choice. The server passes only values that the latest `consent(for:userID:)` offered, and at least one where
    ///   that view asked for a choice (exactly one for `.one`); the policy still re-checks them against current data.
    /// - Throws: an `OAuthError` when the details can no longer be granted (delivered by redirect).
    func grant(_ details: [[String: JSONValue]], userID: String, choices: [[String]]) async throws -> [[String: JSONValue]]
}

/// The consent-page view of one authorization detail: a title, plain-words lines and, where the customer must choose,
/// the choice.
public struct ConsentDetail: Sendable, Hashable {
    /// A short heading, e.g. "Make one payment".
    public var title: String
    /// What the customer grants, in plain words, one sentence per line.
    public var lines: [String]
    /// The choice the customer must make before approving, if any.
    public var choice: ConsentChoice?

    public init(title: String, lines: [String], choice: ConsentChoice? = nil) {
        self.title = title
        self.lines = lines
        self.choice = choice
    }
}

/// A choice on the consent page: radio buttons (`.one`) or checkboxes (`.atLeastOne`).
public struct ConsentChoice: Sendable, Hashable {
    /// How many options the customer must pick.
    public enum Selection: Sendable, Hashable {
        /// Exactly one (radio buttons).
        case one
        /// One or more (checkboxes).
        case atLeastOne
    }

    /// One option: `value` is what `grant` receives, `label` what the customer reads.
    public struct Option: Sendable, Hashable {
        public var value: String
        public var label: String
        public init(value: String, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// Names the form controls (`detail.<index>.<name>`): ASCII letters, digits and `_` only.
    public var name: String
    /// The question, e.g. "From which account?".
    public var prompt: String
    public var selection: Selection
    /// The options in display order. Values must be unique and consist of ASCII letters, digits, `_` and `-`.
    public var options: [Option]

    public init(name: String, prompt: String, selection: Selection, options: [Option]) {
        self.name = name
        self.prompt = prompt
        self.selection = selection
        self.options = options
    }
}
