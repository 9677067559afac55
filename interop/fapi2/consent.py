"""The customer's consent to RFC 9396 authorization details: login (password + TOTP), then the consent page, where the
customer reads each detail in plain words and completes it — ticks accounts (checkboxes `detail.<i>.<name>.<value>`)
and picks the debtor account (radio buttons `detail.<i>.<name>`) — before pressing Allow.

Submission follows the HTML form rules (WHATWG HTML §4.10.21.4): hidden and text inputs are sent, a checkbox or radio
button only when it is checked, and only the pressed submit button.
"""
import html.parser
import urllib.parse

from .browser import first_form, totp
from .errors import check


class ConsentPage(html.parser.HTMLParser):
    """The consent form's controls and the page's visible text."""

    def __init__(self):
        super().__init__()
        self.action, self.inputs, self.buttons, self.text, self._in_form = None, [], [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = True
            self.action = a.get("action", "")
        elif tag == "input" and self._in_form:
            self.inputs.append({"type": a.get("type", "text").lower(), "name": a.get("name"), "value": a.get("value", ""),
                                "checked": "checked" in a})
        elif tag == "button" and self._in_form and a.get("name"):
            self.buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if data.strip():
            self.text.append(" ".join(data.split()))

    def choices(self):
        """{control name: [values]} of the checkboxes and radio buttons offered."""
        offered = {}
        for control in self.inputs:
            if control["type"] in ("checkbox", "radio"):
                offered.setdefault(control["name"], []).append(control["value"])
        return offered


def login(session, url, username, password, totp_secret):
    """Opens the authorization URL and logs in; returns the consent page response."""
    page = first_form(session.get(url), "authorization page")
    for field in ("username", "password", "otp"):
        check(field in page["fields"], f"login form: no {field} field", page)
    fields = dict(page["fields"], username=username, password=password, otp=totp(totp_secret))
    response = session.post(page["url"], data=fields, allow_redirects=False)
    check(response.status_code == 200, f"login: HTTP {response.status_code}, expected the consent page", response.text)
    check('name="otp"' not in response.text, "login rejected: the login form came back (a one-time code is accepted once "
          "per 30-second step)", response.text[-600:])
    return response


def read(response):
    page = ConsentPage()
    page.feed(response.text)
    check(page.action is not None, "consent page: no form", response.text)
    check({"approve", "deny"} <= {name for name, _ in page.buttons}, "consent page: no Allow and Deny buttons", page.buttons)
    return page


def approve(session, response, pick):
    """Ticks the choices `pick(page)` returns (a set of (name, value) pairs), presses Allow, and returns the Location
    of the 303 redirect to the client."""
    page = read(response)
    picked = pick(page)
    offered = page.choices()
    for name, value in picked:
        check(value in offered.get(name, []), "consent page: the choice to tick is not offered", name, value, offered)
    form = []
    for control in page.inputs:
        if control["type"] in ("checkbox", "radio"):
            if (control["name"], control["value"]) in picked:
                form.append((control["name"], control["value"]))
        elif control["type"] not in ("submit", "button", "image", "reset") and control["name"]:
            form.append((control["name"], control["value"]))
    form.append(("approve", "approve"))
    url = urllib.parse.urljoin(response.url, page.action)
    done = session.post(url, data=form, allow_redirects=False)
    # FAPI 2.0 SP §5.3.2.2-10/11: never 307 after credentials; 303 is the expected redirect.
    check(done.status_code == 303, f"consent: HTTP {done.status_code}, expected a 303 redirect", done.text)
    return done.headers["Location"], page
