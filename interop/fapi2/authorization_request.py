"""The authorization request: PKCE (RFC 7636), an optional request object (JAR, RFC 9101), pushed to PAR (RFC 9126)."""
import base64
import hashlib
import secrets
import time
import urllib.parse

from .errors import check
from .transport import json_body

# FAPI 2.0 Message Signing §5.3.1-4: exp no more than 60 minutes after nbf. We use 5 minutes.
REQUEST_OBJECT_LIFETIME = 300


class AuthorizationRequest:
    """One authorization request with fresh state, nonce (OIDC only) and PKCE verifier."""

    def __init__(self, client_id, redirect_uri, scope, response_mode=None):
        self.client_id, self.redirect_uri, self.scope, self.response_mode = client_id, redirect_uri, scope, response_mode
        self.openid = "openid" in scope.split()
        self.state = secrets.token_urlsafe(16)
        self.nonce = secrets.token_urlsafe(16) if self.openid else None
        self.code_verifier = secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-] (RFC 7636 §4.1)

    @property
    def code_challenge(self):
        """RFC 7636 §4.2 S256: BASE64URL(SHA256(ASCII(code_verifier)))."""
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def parameters(self):
        p = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri, "scope": self.scope,
             "state": self.state, "code_challenge": self.code_challenge, "code_challenge_method": "S256"}
        if self.nonce is not None:
            p["nonce"] = self.nonce
        if self.response_mode is not None:
            p["response_mode"] = self.response_mode
        return p

    def request_object(self, key, issuer):
        """A signed request object (RFC 9101 §4; FAPI 2.0 MS §5.3.1): typ oauth-authz-req+jwt, iss = client_id,
        aud = the issuer, nbf and exp at most 60 minutes apart, and every authorization parameter as a claim."""
        now = int(time.time())
        claims = dict(self.parameters(), iss=self.client_id, aud=issuer, nbf=now, iat=now, exp=now + REQUEST_OBJECT_LIFETIME,
                      jti=secrets.token_urlsafe(16))
        return key.sign(claims, typ="oauth-authz-req+jwt", kid=key.kid)


def push(session, metadata, request, client_auth, sender, request_object_key=None):
    """POST to the PAR endpoint (RFC 9126 §2.1) and return the request_uri.

    With `request_object_key` the parameters travel only inside the signed `request` (MS §5.3); otherwise as form
    fields. A DPoP sender adds a proof, which binds the code to its key (RFC 9449 §10.1).
    """
    def form():
        if request_object_key is None:
            return dict(client_auth.form(), **request.parameters())
        return dict(client_auth.form(), request=request.request_object(request_object_key, metadata["issuer"]))

    url = metadata["pushed_authorization_request_endpoint"]
    body = json_body(sender.send(session, "POST", url, form), 201, "PAR")
    request_uri, expires_in = body.get("request_uri"), body.get("expires_in")
    check(isinstance(request_uri, str) and request_uri, "PAR: no request_uri", body)
    # RFC 9126 §2.2: a positive integer; FAPI 2.0 SP §5.3.2.2-12: less than 600 seconds.
    check(isinstance(expires_in, int) and 0 < expires_in < 600, "PAR: expires_in must be 1..599", expires_in)
    return request_uri


def authorization_url(metadata, client_id, request_uri):
    """The front-channel URL: only client_id and request_uri (RFC 9126 §4)."""
    query = urllib.parse.urlencode({"client_id": client_id, "request_uri": request_uri})
    return metadata["authorization_endpoint"] + "?" + query
