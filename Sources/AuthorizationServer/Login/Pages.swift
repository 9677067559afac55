import Mustache

/// The customer-facing HTML pages: server-rendered, no JavaScript, every value HTML-escaped by Mustache.
/// Form field names (`username`, `password`, `otp`, `approve`, `deny`, `csrf_token`, and the consent page's
/// `detail.<index>.<name>[.<value>]` choices of RFC 9396 details) are a contract:
/// browsers, partner test harnesses and KuraClient drive the forms by them.
struct Pages: Sendable {
    let login: MustacheTemplate
    let consent: MustacheTemplate
    let error: MustacheTemplate

    init() {
        // The templates are constants in this file; a parse failure is a programming error caught by every test.
        login = try! MustacheTemplate(string: Self.layout(Self.loginBody))
        consent = try! MustacheTemplate(string: Self.layout(Self.consentBody))
        error = try! MustacheTemplate(string: Self.layout(Self.errorBody))
    }

    static func layout(_ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} – {{bank}}</title>
        <style>
        body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1c2430;margin:0}
        main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 8px #0002}
        h1{font-size:1.3rem;margin-top:0} label{display:block;margin:.8rem 0 .3rem;font-weight:600}
        input{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box;border:1px solid #aab;border-radius:6px}
        button{padding:.7rem 1.2rem;font-size:1rem;border-radius:6px;border:0;cursor:pointer;margin-top:1rem}
        .primary{background:#0b5cad;color:#fff} .secondary{background:#e3e7ec;color:#1c2430}
        .error{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:6px} .muted{color:#5a6470;font-size:.9rem}
        ul.grant{padding-left:1.2rem} ul.grant li{margin:.4rem 0}
        section.detail{border-top:1px solid #e3e7ec;padding-top:.6rem} h2{font-size:1.05rem;margin:.4rem 0}
        fieldset{border:1px solid #d5dbe2;border-radius:6px;margin:.6rem 0} legend{font-weight:600;padding:0 .3rem}
        .choice{display:flex;align-items:center;gap:.5rem;margin:.4rem 0} .choice input{width:auto;margin:0}
        .choice label{display:inline;margin:0;font-weight:normal}
        </style></head>
        <body><main>\(body)</main></body></html>
        """
    }

    static let loginBody = """
        <h1>Log in to {{bank}}</h1>
        <p class="muted"><strong>{{client}}</strong> is asking to connect to your bank. Log in to review the request.</p>
        {{#message}}<p class="error" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf_token" value="{{csrf}}">
        <label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="{{username}}">
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <label for="otp">One-time code from your authenticator app</label>
        <input id="otp" name="otp" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required>
        <button class="primary" type="submit">Log in</button>
        </form>
        """

    static let consentBody = """
        <h1>Allow {{client}} to access your bank?</h1>
        <p>Signed in as <strong>{{customer}}</strong>. <strong>{{client}}</strong> asks for:</p>
        <ul class="grant">{{#items}}<li>{{.}}</li>{{/items}}</ul>
        {{#message}}<p class="error" role="alert">{{message}}</p>{{/message}}
        <p class="muted">Access lasts until you revoke it. {{client}} never sees your password.</p>
        <form method="post" action="{{action}}">
        <input type="hidden" name="csrf_token" value="{{csrf}}">
        {{#details}}<section class="detail"><h2>{{title}}</h2>{{#lines}}<p>{{.}}</p>{{/lines}}
        {{#choice}}<fieldset><legend>{{prompt}}</legend>
        {{#options}}<div class="choice"><input type="{{type}}" id="{{id}}" name="{{name}}" value="{{value}}"><label for="{{id}}">{{label}}</label></div>
        {{/options}}</fieldset>{{/choice}}</section>
        {{/details}}
        <button class="primary" type="submit" name="approve" value="approve">Allow</button>
        <button class="secondary" type="submit" name="deny" value="deny">Deny</button>
        </form>
        """

    static let errorBody = """
        <h1>{{title}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p class="muted">You can close this window and start again from the app you came from.</p>
        """
}
