#!/usr/bin/env python3
"""An independent FAPI 2.0 client (requests + joserfc, no Kura code) for interop tests.

Runs PAR -> two-factor login -> consent -> token with private_key_jwt and DPoP against a Kura server, then
verifies the ID token and the access token against the server's jwks_uri. Exits non-zero on any failure.

Usage: fapi2_client.py ISSUER CA_FILE CLIENT_ID CLIENT_JWK_FILE USERNAME PASSWORD TOTP_SECRET_HEX REDIRECT_URI
"""
import base64, hashlib, hmac, html.parser, json, secrets, struct, sys, time, urllib.parse
import requests
from joserfc import jwt, jws
from joserfc.jwk import ECKey, KeySet

jws.JWSRegistry.max_header_length = 4096
ALGS = ["ES256", "PS256", "EdDSA"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def totp(secret: bytes, at: float) -> str:
    mac = hmac.new(secret, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class Forms(html.parser.HTMLParser):
    """Collects every form's action, inputs and submit buttons."""
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


def form_of(page: str) -> dict:
    p = Forms()
    p.feed(page)
    assert p.forms, "no form on page: " + page[:300]
    return p.forms[0]


def main(issuer, ca, client_id, jwk_file, username, password, secret_hex, redirect_uri):
    s = requests.Session()
    s.verify = ca
    s.trust_env = False  # requests lets REQUESTS_CA_BUNDLE override session.verify otherwise
    meta = s.get(issuer + "/.well-known/openid-configuration").json()
    assert meta["issuer"] == issuer, "issuer mismatch"
    client_key = ECKey.import_key(json.load(open(jwk_file)))
    dpop_key = ECKey.generate_key("P-256")

    def assertion():
        now = int(time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": issuer, "jti": secrets.token_urlsafe(16), "iat": now, "exp": now + 60}
        return jwt.encode({"alg": "ES256", "kid": client_key.kid}, claims, client_key)

    def dpop(method, url):
        claims = {"htm": method, "htu": url, "iat": int(time.time()), "jti": secrets.token_urlsafe(16)}
        header = {"alg": "ES256", "typ": "dpop+jwt", "jwk": dpop_key.as_dict(private=False)}
        return jwt.encode(header, claims, dpop_key)

    verifier = secrets.token_urlsafe(48)
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    par_url = meta["pushed_authorization_request_endpoint"]
    r = s.post(par_url, headers={"DPoP": dpop("POST", par_url)}, data={
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": "openid accounts",
        "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion()})
    assert r.status_code == 201, ("PAR", r.status_code, r.text)
    request_uri = r.json()["request_uri"]

    auth = meta["authorization_endpoint"] + "?" + urllib.parse.urlencode({"client_id": client_id, "request_uri": request_uri})
    page = s.get(auth)
    assert page.status_code == 200, ("authorize", page.status_code)
    login = form_of(page.text)
    fields = dict(login["fields"], username=username, password=password, otp=totp(bytes.fromhex(secret_hex), time.time()))
    consent_page = s.post(urllib.parse.urljoin(page.url, login["action"]), data=fields, allow_redirects=False)
    consent = form_of(consent_page.text)
    assert "approve" in consent["buttons"] and "deny" in consent["buttons"], consent
    done = s.post(urllib.parse.urljoin(consent_page.url, consent["action"]), data=dict(consent["fields"], approve="approve"),
                  allow_redirects=False)
    assert done.status_code == 303, ("consent", done.status_code, done.text[:300])
    location = done.headers["Location"]
    assert location.startswith(redirect_uri + "?"), location
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert params["iss"] == issuer and params["state"] == state, params

    token_url = meta["token_endpoint"]
    r = s.post(token_url, headers={"DPoP": dpop("POST", token_url)}, data={
        "grant_type": "authorization_code", "code": params["code"], "redirect_uri": redirect_uri, "code_verifier": verifier,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion()})
    assert r.status_code == 200, ("token", r.status_code, r.text)
    assert r.headers.get("Cache-Control") == "no-store"
    tokens = r.json()
    assert tokens["token_type"] == "DPoP"

    keys = KeySet.import_key_set(s.get(meta["jwks_uri"]).json())
    id_token = jwt.decode(tokens["id_token"], keys, algorithms=ALGS)
    c = id_token.claims
    assert c["iss"] == issuer and c["aud"] == client_id and c["nonce"] == nonce and c["exp"] > time.time(), c
    at = jwt.decode(tokens["access_token"], keys, algorithms=ALGS)
    assert at.header["typ"] == "at+jwt", at.header
    assert at.claims["cnf"]["jkt"] == dpop_key.thumbprint(), at.claims
    print(json.dumps({"id_token": c, "access_token": at.claims}, indent=2, sort_keys=True))
    print("interop: PASS")


if __name__ == "__main__":
    main(*sys.argv[1:9])
