"""The bank's resource API, called as a FAPI 2.0 partner: the sender-constrained access token (DPoP proof with `ath`,
RFC 9449 §7; or the mTLS-bound certificate, RFC 8705 §3), an RFC 9421 signature on every request (tag fapi-2-request),
and every response's signature (tag fapi-2-response) and Content-Digest verified with the authorization server's JWKS.
"""
import json
import urllib.parse
import uuid

from . import message_signatures
from .errors import check
from .sender import DPoP


class BankAPI:
    def __init__(self, session, base_url, sender, access_token, signing_key, server_keys):
        self.session, self.base_url, self.sender, self.access_token = session, base_url.rstrip("/"), sender, access_token
        self.signing_key, self.server_keys = signing_key, server_keys
        self.verified = []   # one entry per verified response signature

    def call(self, method, path, query=None, body=None, idempotency_key=None, sign=True):
        """One API exchange; returns (status, JSON body, response). Retries once on a resource-server DPoP nonce
        challenge (RFC 9449 §9) with a fresh proof and a fresh signature."""
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() if body is not None else b""
        for attempt in (1, 2):
            interaction = str(uuid.uuid4())
            headers = {"Authorization": self.sender.authorization(self.access_token), "Accept": "application/json",
                       "x-fapi-interaction-id": interaction}
            if isinstance(self.sender, DPoP):
                headers["DPoP"] = self.sender.proof(method, url, self.access_token)
            if content:
                headers["Content-Type"] = "application/json"
            if idempotency_key is not None:
                headers["Idempotency-Key"] = idempotency_key
            request = message_signatures.SignedRequest(method, url, headers, content)
            if sign:
                message_signatures.sign_request(request, self.signing_key)
            response = self.session.request(method, url, headers=dict(request.headers), data=content or None)
            self._check_response(response, request, interaction, f"{method} {path}")
            if isinstance(self.sender, DPoP) and response.headers.get("DPoP-Nonce"):
                self.sender.nonce = response.headers["DPoP-Nonce"]
                if attempt == 1 and response.status_code == 401 and "use_dpop_nonce" in response.headers.get("WWW-Authenticate", ""):
                    self.sender.nonce_challenges += 1
                    continue
            return response.status_code, response.json(), response

    def _check_response(self, response, request, interaction, what):
        """Every response, errors included: JSON, no-store, the interaction id echoed, a verified signature."""
        check(response.headers.get("Content-Type", "").split(";")[0] == "application/json", f"{what}: not JSON",
              response.headers.get("Content-Type"))
        check("no-store" in response.headers.get("Cache-Control", ""), f"{what}: no Cache-Control: no-store")
        check(response.headers.get("x-fapi-interaction-id") == interaction, f"{what}: x-fapi-interaction-id not echoed",
              response.headers.get("x-fapi-interaction-id"))
        verification = message_signatures.verify_response(response, request, self.server_keys)
        self.verified.append(dict(verification, request=what, status=response.status_code))

    def get(self, path, query=None, expect=200, sign=True):
        status, body, _ = self.call("GET", path, query=query, sign=sign)
        check(status == expect, f"GET {path}: HTTP {status}, expected {expect}", body)
        return body
