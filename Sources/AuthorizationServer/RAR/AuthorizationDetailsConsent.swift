import OAuthCore

/// The consent step for `authorization_details` (RFC 9396 §4 "the AS presents ... the authorization details to the
/// user", §7 the granted details): the view the consent page renders, and the customer's picks turned into the details
/// that are granted.
///
/// Form controls are named `detail.<index>.<choice name>` (radio buttons) and `detail.<index>.<choice name>.<value>`
/// (checkboxes): every checkbox has its own name, because form parameters may not repeat (RFC 6749 §3.1).
struct AuthorizationDetailsConsent: Sendable {
    let policy: (any AuthorizationDetailsPolicy)?

    /// What the customer decided about the details.
    enum Decision {
        /// The details to grant: the policy's result, nil when the request had none.
        case granted(JSONValue?)
        /// A required choice is missing or invalid: show the consent page again with `message`; nothing is issued.
        case incomplete([ConsentDetail], message: String)
    }

    /// The consent view of the request's details; empty without details.
    func view(of request: AuthorizationRequest, userID: String) async throws -> [ConsentDetail] {
        guard let (policy, details) = try pending(request) else { return [] }
        let view = try await policy.consent(for: details, userID: userID)
        guard view.count == details.count else { throw OAuthError.serverError(detail: "consent view does not match the details") }
        return view
    }

    /// Reads the picks from the consent form and asks the policy for the granted details.
    func decide(_ request: AuthorizationRequest, userID: String, form: FormParameters) async throws -> Decision {
        guard let (policy, details) = try pending(request) else { return .granted(nil) }
        let view = try await view(of: request, userID: userID)
        var choices: [[String]] = []
        for (index, detail) in view.enumerated() {
            guard let choice = detail.choice else {
                choices.append([])
                continue
            }
            let picked = Self.picks(choice, index: index, form: form)
            guard let picked, choice.selection == .one ? picked.count == 1 : !picked.isEmpty else {
                let what = choice.selection == .one ? "one option" : "at least one option"
                return .incomplete(view, message: "Please choose \(what) for “\(detail.title)” before allowing access.")
            }
            choices.append(picked)
        }
        let granted = try await policy.grant(details, userID: userID, choices: choices)
        return .granted(.array(granted.map(JSONValue.object)))
    }

    /// The option values picked for `choice` of detail `index`, in display order; nil when the form names a control
    /// or value that the page did not offer (a tampered form is refused, never partly honoured).
    static func picks(_ choice: ConsentChoice, index: Int, form: FormParameters) -> [String]? {
        let name = fieldName(choice, index: index)
        let offered = Set(choice.options.map(\.value))
        switch choice.selection {
        case .one:
            guard let value = form.value(name) else { return [] }
            return offered.contains(value) ? [value] : nil
        case .atLeastOne:
            let prefix = name + "."
            let named = form.names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            guard named.allSatisfy(offered.contains) else { return nil }
            return choice.options.map(\.value).filter { form.value(prefix + $0) != nil }
        }
    }

    /// `detail.<index>.<name>`: the radio group's name, or the prefix of the checkboxes' names.
    static func fieldName(_ choice: ConsentChoice, index: Int) -> String { "detail.\(index).\(choice.name)" }

    /// The values the consent template renders for `view`.
    static func templateValues(_ view: [ConsentDetail]) -> [[String: Any]] {
        view.enumerated().map { index, detail in
            var values: [String: Any] = ["title": detail.title, "lines": detail.lines]
            if let choice = detail.choice {
                let name = fieldName(choice, index: index)
                let checkbox = choice.selection == .atLeastOne
                values["choice"] = [
                    "prompt": choice.prompt,
                    "options": choice.options.enumerated().map { position, option -> [String: Any] in
                        ["id": "detail-\(index)-\(position)", "type": checkbox ? "checkbox" : "radio",
                         "name": checkbox ? "\(name).\(option.value)" : name, "value": option.value, "label": option.label]
                    },
                ] as [String: Any]
            }
            return values
        }
    }

    /// The policy and the stored details of `request`; nil without details.
    private func pending(_ request: AuthorizationRequest) throws -> ((any AuthorizationDetailsPolicy), [[String: JSONValue]])? {
        guard let details = request.authorizationDetails else { return nil }
        guard let policy, let array = details.arrayValue else {
            throw OAuthError(.invalidAuthorizationDetails, "authorization_details are not supported by this server")
        }
        let objects = array.compactMap(\.objectValue)
        guard objects.count == array.count else { throw OAuthError.serverError(detail: "stored authorization_details entry is not an object") }
        return (policy, objects)
    }
}
