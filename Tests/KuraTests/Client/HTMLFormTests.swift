import Foundation
import KuraClient
import Testing

@Suite("HTML form parsing for the browser step (WHATWG HTML §4.10, §13.2.5)")
struct HTMLFormTests {
    let page = URL(string: "https://as.kura.example/authorize/start?client_id=a&request_uri=b")!

    @Test("Attributes are read in any order, with double, single or no quotes, and names are case-insensitive")
    func attributeOrderAndQuotes() throws {
        let html = """
            <FORM Action='/authorize/login' METHOD=post id="login">
            <input value="abc123" type="hidden" name="csrf_token">
            <INPUT NAME='username' Value='alice'>
            <input type=password name=password >
            </form>
            """
        let form = try #require(HTMLForm.forms(in: html).first)
        #expect(form.method == "POST")
        #expect(form.action == "/authorize/login")
        #expect(form.id == "login")
        #expect(form.field(named: "csrf_token")?.value == "abc123")
        #expect(form.field(named: "csrf_token")?.type == "hidden")
        #expect(form.field(named: "username")?.value == "alice")
        #expect(form.field(named: "password")?.type == "password")
    }

    @Test("Character references in attribute values and text are decoded (&amp; &quot; &#39; &lt; &gt; &#x27;)")
    func entities() throws {
        let html = #"<form><input type="hidden" name="t" value="a&amp;b &quot;q&quot; &#39;s&#x27; &lt;x&gt; &unknown; & x">"#
            + #"<button type="submit" name="approve" value="yes">Allow &amp; continue</button></form>"#
        let form = try #require(HTMLForm.forms(in: html).first)
        #expect(form.field(named: "t")?.value == #"a&b "q" 's' <x> &unknown; & x"#)
        #expect(form.button(named: "approve")?.label == "Allow & continue")
    }

    @Test("A relative action resolves against the page URL; an absent or empty action means the page itself")
    func relativeAction() {
        func action(_ attribute: String?) -> String? {
            HTMLForm(action: attribute, method: "POST").actionURL(relativeTo: page)?.absoluteString
        }
        #expect(action("/authorize/login") == "https://as.kura.example/authorize/login")
        #expect(action("consent") == "https://as.kura.example/authorize/consent")
        #expect(action("../token") == "https://as.kura.example/token")
        #expect(action("?step=2") == "https://as.kura.example/authorize/start?step=2")
        #expect(action("https://other.example/x") == "https://other.example/x")
        #expect(action(nil) == page.absoluteString)
        #expect(action("") == page.absoluteString)
    }

    @Test("Submit buttons are found by name with value and label; <input type=submit> counts; type=button does not")
    func buttons() throws {
        let html = """
            <form method="post" action="/authorize/consent">
            <input type="hidden" name="csrf_token" value="c">
            <button class="primary" type="submit" name="approve" value="approve">Allow</button>
            <button class="secondary" name="deny" value="deny">
               Deny   access
            </button>
            <button type="button" name="help">Help</button>
            <input type="submit" name="later" value="Later">
            </form>
            """
        let form = try #require(HTMLForm.forms(in: html).first)
        #expect(form.buttons.map(\.name) == ["approve", "deny", "later"])
        #expect(form.button(named: "approve")?.value == "approve")
        #expect(form.button(named: "deny")?.label == "Deny access")
        #expect(form.button(named: "help") == nil)
        #expect(form.fields.map(\.name) == ["csrf_token"])
    }

    @Test("The entry list echoes hidden inputs, sets given values, keeps only checked boxes and adds the submitter")
    func entries() throws {
        let html = """
            <form method="post">
            <input type="hidden" name="csrf_token" value="tok">
            <input name="username" value="prefilled">
            <input type="password" name="password">
            <input type="checkbox" name="remember" value="yes">
            <input type="checkbox" name="accounts" value="acc-1" checked>
            <input type="checkbox" name="flag" checked>
            <input name="disabled" value="x" disabled>
            <input value="no-name">
            <select name="account"><option value="a">A</option><option value="b" selected>B</option></select>
            <textarea name="note">hello &amp; bye</textarea>
            <button type="submit" name="approve" value="approve">Allow</button>
            </form>
            """
        let form = try #require(HTMLForm.forms(in: html).first)
        let entries = form.entries(setting: ["username": "alice", "password": "p w", "otp": "123456"], submitter: form.button(named: "approve"))
        #expect(entries.map { "\($0.0)=\($0.1)" } == [
            "csrf_token=tok", "username=alice", "password=p w", "accounts=acc-1", "flag=on", "account=b",
            "note=hello & bye", "approve=approve",
        ])
    }

    @Test("Comments, scripts and controls outside forms are ignored; several forms are returned in order")
    func ignoresNoise() {
        let html = """
            <!DOCTYPE html><!-- <form action="/fake"><input name="password"></form> -->
            <script>var s = "<form action='/evil'><input name='password'>";</script>
            <input name="outside" value="1">
            <form action="/one"><input name="a"></form>
            <form action="/two" method="get"><input name="b"></form>
            """
        let forms = HTMLForm.forms(in: html)
        #expect(forms.map(\.action) == ["/one", "/two"])
        #expect(forms.map(\.method) == ["GET", "GET"])
        #expect(forms.allSatisfy { $0.field(named: "password") == nil && $0.field(named: "outside") == nil })
    }

    @Test("Kura's login template yields csrf_token, username, password and otp")
    func kuraLoginTemplate() throws {
        let html = """
            <p class="error" role="alert">The username, password or one-time code is not correct.</p>
            <form method="post" action="/authorize/login">
            <input type="hidden" name="csrf_token" value="Zm9v-YmFy_">
            <label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="alice">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required>
            <button class="primary" type="submit">Log in</button>
            </form>
            """
        let form = try #require(HTMLForm.forms(in: html).first)
        #expect(form.fields.map(\.name) == ["csrf_token", "username", "password", "otp"])
        #expect(form.buttons.count == 1 && form.buttons[0].name == nil)
        #expect(HTMLText.summary(html).hasPrefix("The username, password or one-time code is not correct."))
    }
}

@Suite("HTMLForm: consent choices scoped to one detail")
struct HTMLFormScopedChoiceTests {
    @Test("name=value ticks the account only under the detail named, so one account can be read under one detail and paid from under another")
    func scopedChoice() throws {
        let html = """
        <form method="post" action="/authorize/consent">
        <input type="checkbox" name="detail.0.accounts.acc_1" value="acc_1"><input type="checkbox" name="detail.0.accounts.acc_2" value="acc_2">
        <input type="radio" name="detail.1.debtor" value="acc_1"><input type="radio" name="detail.1.debtor" value="acc_2">
        <button name="approve" value="1">Allow</button></form>
        """
        let form = try #require(HTMLForm.forms(in: html).first)
        let entries = form.checking(["detail.0.=acc_1", "detail.1.=acc_2"]).entries()
        #expect(entries.map { "\($0.0)=\($0.1)" } == ["detail.0.accounts.acc_1=acc_1", "detail.1.debtor=acc_2"])
        let unscoped = form.checking(["acc_1"]).entries()
        #expect(unscoped.map { "\($0.0)=\($0.1)" } == ["detail.0.accounts.acc_1=acc_1", "detail.1.debtor=acc_1"])
    }
}
