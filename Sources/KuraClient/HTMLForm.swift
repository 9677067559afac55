import Foundation

/// One `<form>` of an HTML page with what a submission needs (WHATWG HTML §4.10.3, §4.10.21).
///
/// Built by `HTMLForm.forms(in:)` from any server-rendered page: attribute order, quoting style and character
/// references do not matter. Used by `BrowserSession` to fill the login form and press the consent buttons.
public struct HTMLForm: Sendable, Hashable {
    /// A form-associated control that contributes to the entry list: `<input>` (other than buttons), `<select>`,
    /// `<textarea>`.
    public struct Field: Sendable, Hashable {
        public var name: String
        /// Lower-cased `type`; `select` and `textarea` for those elements; `text` when absent.
        public var type: String
        public var value: String
        /// For checkboxes and radio buttons.
        public var checked: Bool
        public var disabled: Bool
    }

    /// A submit button: `<button>` (type defaults to `submit`) or `<input type=submit|image>`.
    public struct Button: Sendable, Hashable {
        public var name: String?
        public var value: String
        /// The button's text content (or `value` for an input), whitespace-collapsed.
        public var label: String
        public var disabled: Bool
    }

    /// The `action` attribute as written (decoded); nil when absent, which means the page URL.
    public var action: String?
    /// `GET` or `POST` (WHATWG HTML §4.10.18.6: anything else is GET).
    public var method: String
    public var id: String?
    public var fields: [Field]
    public var buttons: [Button]

    public init(action: String?, method: String, id: String? = nil, fields: [Field] = [], buttons: [Button] = []) {
        self.action = action
        self.method = method
        self.id = id
        self.fields = fields
        self.buttons = buttons
    }

    /// Every form of `html`, in document order. Controls outside any form are ignored; a `<form>` inside a form is
    /// ignored as browsers do (§13.2.6.4.7).
    public static func forms(in html: String) -> [HTMLForm] {
        var builder = HTMLFormBuilder()
        for token in HTMLScanner.tokens(html) { builder.consume(token) }
        return builder.finish()
    }

    /// The first field called `name`.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The first submit button called `name`.
    public func button(named name: String) -> Button? { buttons.first { $0.name == name } }

    /// The form with every checkbox and radio button whose value is in `values` checked, as a user ticks them; checking
    /// a radio button unchecks the others of its group (WHATWG HTML §4.10.5.1.16). Used for consent choices such as
    /// the accounts of an RFC 9396 authorization detail.
    public func checking(_ values: Set<String>) -> HTMLForm {
        var form = self
        // `value` ticks every checkbox/radio with that value; `name=value` only those whose name starts with `name`, so
        // one account can be read under one detail and paid from under another.
        let scoped = values.compactMap { choice -> (String, String)? in
            let parts = choice.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        func chosen(_ field: Field) -> Bool {
            values.contains(field.value) || scoped.contains { field.name.hasPrefix($0.0) && field.value == $0.1 }
        }
        for index in form.fields.indices where ["checkbox", "radio"].contains(form.fields[index].type) && chosen(form.fields[index]) {
            if form.fields[index].type == "radio" {
                for other in form.fields.indices where form.fields[other].type == "radio" && form.fields[other].name == form.fields[index].name {
                    form.fields[other].checked = false
                }
            }
            form.fields[index].checked = true
        }
        return form
    }

    /// The URL to submit to: `action` resolved against the page URL (WHATWG HTML §4.10.21.3 step 10); an absent or
    /// empty action means the page URL itself.
    public func actionURL(relativeTo page: URL) -> URL? {
        guard let action, !action.trimmingCharacters(in: .whitespaces).isEmpty else { return page }
        return URL(string: action.trimmingCharacters(in: .whitespaces), relativeTo: page)?.absoluteURL
    }

    /// The entry list of a submission (WHATWG HTML §4.10.21.4): enabled named fields in order, checkboxes and radios
    /// only when checked (value `on` by default), then the submitter button's name and value.
    /// - Parameters:
    ///   - values: replaces the value of the field with that name (fields not in the form are not added).
    ///   - submitter: the button pressed, if any.
    public func entries(setting values: [String: String] = [:], submitter: Button? = nil) -> [(String, String)] {
        var entries: [(String, String)] = []
        for field in fields where !field.disabled && !field.name.isEmpty {
            switch field.type {
            case "checkbox", "radio":
                guard field.checked else { continue }
                entries.append((field.name, field.value.isEmpty ? "on" : field.value))
            case "file", "reset", "button":
                continue
            default:
                entries.append((field.name, values[field.name] ?? field.value))
            }
        }
        if let submitter, let name = submitter.name, !name.isEmpty { entries.append((name, submitter.value)) }
        return entries
    }
}

/// Turns scanner tokens into forms: tracks the open form, `<button>` labels, `<select>` options and `<textarea>` text.
struct HTMLFormBuilder {
    var forms: [HTMLForm] = []
    var current: HTMLForm?
    var openButton: HTMLForm.Button?
    var openSelect: (field: HTMLForm.Field, first: String?, selected: String?)?
    var openOption: (value: String?, selected: Bool, text: String)?
    var openTextarea: HTMLForm.Field?

    mutating func consume(_ token: HTMLScanner.Token) {
        switch token {
        case .start(let name, let attributes, _): start(name, attributes)
        case .end(let name): end(name)
        case .text(let text):
            openButton?.label += text
            openOption?.text += text
            openTextarea?.value += text
        }
    }

    mutating func start(_ name: String, _ attributes: [String: String]) {
        if name == "form" {
            guard current == nil else { return }
            let method = attributes["method"]?.uppercased() == "POST" ? "POST" : "GET"
            current = HTMLForm(action: attributes["action"], method: method, id: attributes["id"])
            return
        }
        guard current != nil else { return }
        let disabled = attributes["disabled"] != nil
        switch name {
        case "input":
            let type = attributes["type"]?.lowercased() ?? "text"
            if type == "submit" || type == "image" {
                let value = attributes["value"] ?? ""
                current?.buttons.append(.init(name: attributes["name"], value: value, label: value, disabled: disabled))
            } else {
                current?.fields.append(.init(
                    name: attributes["name"] ?? "", type: type, value: attributes["value"] ?? "",
                    checked: attributes["checked"] != nil, disabled: disabled))
            }
        case "button":
            closeButton()
            if (attributes["type"]?.lowercased() ?? "submit") == "submit" {
                openButton = .init(name: attributes["name"], value: attributes["value"] ?? "", label: "", disabled: disabled)
            }
        case "select":
            openSelect = (.init(name: attributes["name"] ?? "", type: "select", value: "", checked: false, disabled: disabled), nil, nil)
        case "option":
            closeOption()
            openOption = (attributes["value"], attributes["selected"] != nil, "")
        case "textarea":
            openTextarea = .init(name: attributes["name"] ?? "", type: "textarea", value: "", checked: false, disabled: disabled)
        default: break
        }
    }

    mutating func end(_ name: String) {
        switch name {
        case "form":
            closeButton()
            closeSelect()
            if let form = current { forms.append(form) }
            current = nil
        case "button": closeButton()
        case "option": closeOption()
        case "select": closeSelect()
        case "textarea":
            if let field = openTextarea { current?.fields.append(field) }
            openTextarea = nil
        default: break
        }
    }

    mutating func closeButton() {
        guard var button = openButton else { return }
        button.label = button.label.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        current?.buttons.append(button)
        openButton = nil
    }

    mutating func closeOption() {
        guard let option = openOption, openSelect != nil else { openOption = nil; return }
        let value = option.value ?? option.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if openSelect?.first == nil { openSelect?.first = value }
        if option.selected, openSelect?.selected == nil { openSelect?.selected = value }
        openOption = nil
    }

    mutating func closeSelect() {
        closeOption()
        guard var select = openSelect else { return }
        select.field.value = select.selected ?? select.first ?? ""
        current?.fields.append(select.field)
        openSelect = nil
    }

    mutating func finish() -> [HTMLForm] {
        end("form")  // an unclosed form still counts, as in browsers
        return forms
    }
}
