#!/usr/bin/env python3
"""RFC 9421 interop helper: signs or verifies one HTTP message with PyPI http-message-signatures 3.0.0.

Kura's interop tests (Tests/KuraTests/HTTPSignatures) run it as a subprocess. It reads ONE JSON object on stdin:

  {"action": "sign" | "verify",
   "message": {"method": "GET", "url": "https://…", "headers": [[name, value], …], "body": "<base64>"}
              or {"status": 200, "headers": …, "body": …, "request": {<request as above>}},
   "key": <JWK: private for sign, public for verify>,   # EC P-256 → ecdsa-p256-sha256, OKP Ed25519 → ed25519
   "label": "sig", "tag": "fapi-2-request", "created": 1700000000,   # sign
   "components": ["@method", "\"@target-uri\";req", …],                 # sign: covered; verify: required
   "max_age": 60}                                                       # verify

and prints one JSON object: {"ok": true, "headers": [[name, value], …]} after signing (the message's header fields
with Content-Digest when there is a body, Signature-Input and Signature), {"ok": true, "label": …, "covered": […],
"parameters": {…}} after a successful verification, or {"ok": false, "error": "…"}.
"""

import base64
import datetime
import json
import sys

from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from http_message_signatures.resolvers import MappingKeyResolver


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_key(jwk, private):
    """The cryptography key and the RFC 9421 algorithm bound to the JWK's type."""
    if jwk["kty"] == "EC" and jwk.get("crv") == "P-256":
        if private:
            return ec.derive_private_key(int.from_bytes(b64url(jwk["d"]), "big"), ec.SECP256R1()), algorithms.ECDSA_P256_SHA256
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(b64url(jwk["x"]), "big"), int.from_bytes(b64url(jwk["y"]), "big"), ec.SECP256R1())
        return numbers.public_key(), algorithms.ECDSA_P256_SHA256
    if jwk["kty"] == "OKP" and jwk.get("crv") == "Ed25519":
        if private:
            return ed25519.Ed25519PrivateKey.from_private_bytes(b64url(jwk["d"])), algorithms.ED25519
        return ed25519.Ed25519PublicKey.from_public_bytes(b64url(jwk["x"])), algorithms.ED25519
    raise ValueError("unsupported key type")


class Headers(dict):
    """One value per field name, case-insensitive on lookup and deletion (what the library's resolver reads)."""

    def __contains__(self, name):
        return any(k.lower() == name.lower() for k in self.keys())

    def __delitem__(self, name):
        for k in [k for k in self.keys() if k.lower() == name.lower()]:
            dict.__delitem__(self, k)


class Request:
    def __init__(self, data):
        self.method = data["method"]
        self.url = data["url"]
        self.headers = Headers()
        for name, value in data["headers"]:
            self.headers[name] = value if name not in self.headers else self.headers[name] + ", " + value
        self.body = base64.b64decode(data.get("body", ""))


class Response:
    def __init__(self, data):
        self.status_code = data["status"]
        self.request = Request(data["request"])
        self.headers = Headers()
        for name, value in data["headers"]:
            self.headers[name] = value
        self.body = base64.b64decode(data.get("body", ""))


def main():
    command = json.load(sys.stdin)
    data = command["message"]
    message = Response(data) if "status" in data else Request(data)
    key, algorithm = load_key(command["key"], private=command["action"] == "sign")
    kid = command["key"]["kid"]
    if command["action"] == "sign":
        signer = HTTPMessageSigner(
            signature_algorithm=algorithm, key_resolver=MappingKeyResolver(public_keys={}, private_keys={kid: key}))
        signer.sign(
            message, key_id=kid, label=command["label"], tag=command["tag"], include_alg=False,
            created=datetime.datetime.fromtimestamp(command["created"], tz=datetime.timezone.utc),
            covered_component_ids=command["components"], body=message.body or None)
        print(json.dumps({"ok": True, "headers": [[k, v] for k, v in message.headers.items()]}))
        return
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithm, key_resolver=MappingKeyResolver(public_keys={kid: key}, private_keys={}))
    try:
        results = verifier.verify(
            message, max_age=datetime.timedelta(seconds=command.get("max_age", 60)), expect_tag=command["tag"],
            require_components=command["components"], body=message.body)
    except Exception as error:  # the test reads the reason
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
        return
    result = results[0]
    print(json.dumps({"ok": True, "label": result.label, "covered": list(result.covered_components),
                      "parameters": {k: v for k, v in result.parameters.items()}}))


if __name__ == "__main__":
    main()
