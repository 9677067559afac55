"""Sender-constrained access tokens (FAPI 2.0 SP §5.3.2.1-5): DPoP (RFC 9449) or mutual-TLS binding (RFC 8705 §3).

Both classes send requests the same way (`send`), say how the token is presented (`authorization`), and state the
`cnf` claim a token bound to this sender must carry (`expected_cnf`). A request body is given as `form`, a function
called once per attempt, so that a retry carries a fresh client assertion (its `jti` is single-use, RFC 7523 §3).
"""
import base64
import hashlib
import secrets
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from .errors import check


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DPoP:
    """A DPoP key: a proof with every request (RFC 9449 §4), tokens of type DPoP bound to cnf.jkt (§6.1)."""
    name = "dpop"
    token_type = "DPoP"

    def __init__(self, key):
        self.key = key
        self.nonce = None  # the last DPoP-Nonce the server sent (§8, §9)
        self.nonce_challenges = 0  # how often the server answered use_dpop_nonce

    def proof(self, method, url, access_token=None):
        """§4.2: typ dpop+jwt, the public jwk in the header; htm, htu (no query or fragment), iat, jti, and ath at a resource."""
        parts = urllib.parse.urlsplit(url)
        claims = {"htm": method, "htu": urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
                  "iat": int(time.time()), "jti": secrets.token_urlsafe(16)}
        if access_token is not None:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
        if self.nonce is not None:
            claims["nonce"] = self.nonce
        return self.key.sign(claims, typ="dpop+jwt", jwk=self.key.public_jwk())

    def authorization(self, access_token):
        return "DPoP " + access_token  # §7.1

    def expected_cnf(self):
        return {"jkt": self.key.thumbprint()}

    def send(self, session, method, url, form=None, access_token=None):
        """Sends with a fresh proof; retries once when the server demands a nonce (§8: 400 use_dpop_nonce; §9: 401)."""
        for attempt in (1, 2):
            headers = {"DPoP": self.proof(method, url, access_token)}
            if access_token is not None:
                headers["Authorization"] = self.authorization(access_token)
            response = session.request(method, url, headers=headers, data=form() if form else None)
            if response.headers.get("DPoP-Nonce"):
                self.nonce = response.headers["DPoP-Nonce"]
            if attempt == 1 and response.headers.get("DPoP-Nonce") and self._asks_for_nonce(response):
                self.nonce_challenges += 1
                continue
            return response

    @staticmethod
    def _asks_for_nonce(response):
        if response.status_code == 400:
            try:
                return response.json().get("error") == "use_dpop_nonce"
            except ValueError:
                return False
        return response.status_code == 401 and "use_dpop_nonce" in response.headers.get("WWW-Authenticate", "")


class MutualTLSBinding:
    """The TLS client certificate binds the token (RFC 8705 §3): token type Bearer, cnf.x5t#S256 (§3.1)."""
    name = "mtls"
    token_type = "Bearer"

    def __init__(self, certificate_pem_file):
        with open(certificate_pem_file, "rb") as f:
            certificate = x509.load_pem_x509_certificate(f.read())
        # §3.1: "the base64url-encoded SHA-256 hash of the DER encoding of the X.509 certificate".
        self.thumbprint = b64url(hashlib.sha256(certificate.public_bytes(Encoding.DER)).digest())

    def authorization(self, access_token):
        return "Bearer " + access_token

    def expected_cnf(self):
        return {"x5t#S256": self.thumbprint}

    def send(self, session, method, url, form=None, access_token=None):
        """Sends over `session`, which must present the certificate (requests' `cert`)."""
        check(session.cert is not None, "mTLS binding: the session presents no client certificate")
        headers = {} if access_token is None else {"Authorization": self.authorization(access_token)}
        return session.request(method, url, headers=headers, data=form() if form else None)
