"""The customer's user agent: follows the authorization URL, logs in (password + TOTP), approves consent.

It is a separate session from the client's back channel (it never presents the client's TLS certificate). The pages
are plain HTML forms; this parser reads every form's action, fields and submit buttons.
"""
import hashlib
import hmac
import html.parser
import struct
import time
import urllib.parse

from .errors import check


def totp(secret, at=None):
    """RFC 6238 TOTP (HMAC-SHA-1, 30-second steps, 6 digits) via RFC 4226 §5.3 dynamic truncation."""
    counter = int(time.time() if at is None else at) // 30
    mac = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "buttons": []})
        elif tag in ("input", "button") and self.forms:
            if tag == "input" and a.get("type") != "submit":
                self.forms[-1]["fields"][a.get("name")] = a.get("value", "")
            elif a.get("name"):
                self.forms[-1]["buttons"].append(a["name"])


def first_form(response, what):
    check(response.status_code == 200, f"{what}: HTTP {response.status_code}", response.text)
    parser = _Forms()
    parser.feed(response.text)
    check(parser.forms, f"{what}: no form on the page", response.text)
    form = parser.forms[0]
    form["url"] = urllib.parse.urljoin(response.url, form["action"])
    return form


def authorize(session, url, username, password, totp_secret):
    """Runs login and consent and returns the Location of the final redirect to the client."""
    login = first_form(session.get(url), "authorization page")
    for field in ("username", "password", "otp"):
        check(field in login["fields"], f"login form: no {field} field", login)
    fields = dict(login["fields"], username=username, password=password, otp=totp(totp_secret))
    consent = first_form(session.post(login["url"], data=fields, allow_redirects=False), "login")
    check({"approve", "deny"} <= set(consent["buttons"]), "consent form: no approve and deny buttons", consent)
    done = session.post(consent["url"], data=dict(consent["fields"], approve="approve"), allow_redirects=False)
    # FAPI 2.0 SP §5.3.2.2-10/11: never 307 after credentials; 303 is the expected redirect.
    check(done.status_code == 303, f"consent: HTTP {done.status_code}, expected a 303 redirect", done.text)
    return done.headers["Location"]
