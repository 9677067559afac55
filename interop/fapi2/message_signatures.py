"""FAPI 2.0 HTTP Signatures with the PyPI `http-message-signatures` library (RFC 9421) and RFC 9530 Content-Digest.

The client signs each resource request (tag `fapi-2-request`) with its own key, and verifies each response signature
(tag `fapi-2-response`) with the authorization server's JWKS, through key resolvers of its own: the `keyid` of a
signature picks the key, and the key's type — never the message — fixes the algorithm (RFC 9421 §3.2 step 5, §7.3.6):
EC P-256 → ecdsa-p256-sha256, Ed25519 → ed25519, RSA → rsa-pss-sha512.
"""
import base64
import datetime
import hashlib

from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, HTTPSignatureKeyResolver, algorithms
from http_sf.compat import Dictionary

from .errors import InteropFailure, check

REQUEST_TAG = "fapi-2-request"
RESPONSE_TAG = "fapi-2-response"
LABEL = "sig"
MAX_AGE = datetime.timedelta(seconds=60)
_ALGORITHMS = {"EC": algorithms.ECDSA_P256_SHA256, "OKP": algorithms.ED25519, "RSA": algorithms.RSA_PSS_SHA512}


class Headers(dict):
    """Header fields for the library's component resolver: one value per name, case-insensitive lookup and deletion."""

    def _name(self, name):
        return next((k for k in self.keys() if k.lower() == name.lower()), None)

    def __contains__(self, name):
        return self._name(name) is not None

    def __getitem__(self, name):
        found = self._name(name)
        if found is None:
            raise KeyError(name)
        return dict.__getitem__(self, found)

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __delitem__(self, name):
        for k in [k for k in self.keys() if k.lower() == name.lower()]:
            dict.__delitem__(self, k)


class SignedRequest:
    """A request as the library sees it (method, absolute url, headers), and the body sent with it."""

    def __init__(self, method, url, headers, body=b""):
        self.method, self.url, self.body = method, url, body
        self.headers = Headers(headers)


class ReceivedResponse:
    """A `requests` response as the library sees it, with the request it answers (for `;req` components)."""

    def __init__(self, response, request):
        self.status_code = response.status_code
        self.headers = Headers(response.headers.items())
        self.request = request
        self.body = response.content


class ClientKeyResolver(HTTPSignatureKeyResolver):
    """The client's one private key, under its registered `kid`."""

    def __init__(self, signing_key):
        self.signing_key = signing_key

    def resolve_private_key(self, key_id):
        check(key_id == self.signing_key.kid, "request signing: unknown keyid", key_id)
        return self.signing_key.key.private_key

    def resolve_public_key(self, key_id):
        return None


class JWKSKeyResolver(HTTPSignatureKeyResolver):
    """Public keys of the authorization server's JWKS (`jwks_uri`) by `kid`; a `kid` naming none or several is refused."""

    def __init__(self, key_set):
        self.keys = key_set.keys

    def key(self, key_id):
        matches = [k for k in self.keys if k.kid == key_id]
        check(len(matches) == 1, "response signature: keyid names no single key of jwks_uri", key_id)
        return matches[0]

    def resolve_public_key(self, key_id):
        return self.key(key_id).public_key

    def resolve_private_key(self, key_id):
        raise InteropFailure("the client never signs with the server's keys")


def sign_request(request, signing_key, now=None):
    """Adds Content-Digest (with a body), Signature-Input and Signature: @method, @target-uri, authorization, dpop
    (when sent) and content-digest, with created, keyid and tag=fapi-2-request; no alg (the key fixes it)."""
    key_type = signing_key.key.key_type
    check(key_type in _ALGORITHMS, "request signing: unsupported key type", key_type)
    covered = ["@method", "@target-uri", "authorization"] + (["dpop"] if "dpop" in request.headers else [])
    signer = HTTPMessageSigner(signature_algorithm=_ALGORITHMS[key_type], key_resolver=ClientKeyResolver(signing_key))
    created = now or datetime.datetime.now(tz=datetime.timezone.utc)
    signer.sign(request, key_id=signing_key.kid, label=LABEL, tag=REQUEST_TAG, include_alg=False, created=created,
                covered_component_ids=covered, body=request.body or None)


def _keyid(response):
    """The keyid of the response's fapi-2-response signature (to choose the algorithm from that key's type)."""
    value = response.headers.get("Signature-Input")
    check(value, "response: no Signature-Input (FAPI 2.0 HTTP Signatures: every response is signed)")
    inputs = Dictionary()
    try:
        inputs.parse(value.encode())
    except Exception as error:
        raise InteropFailure(f"response: Signature-Input is not a Structured Field Dictionary: {error}") from error
    tagged = [member for member in inputs.values() if member.params.get("tag") == RESPONSE_TAG]
    check(len(tagged) == 1, "response: not exactly one signature tagged fapi-2-response", value)
    return tagged[0].params.get("keyid")


def verify_response(response, request, server_keys):
    """Verifies the response's fapi-2-response signature with the JWKS and its Content-Digest against the body.

    Required coverage (FAPI 2.0 HTTP Signatures, RFC 9421 §2.4): @status, content-digest when there is a body,
    "@method";req, "@target-uri";req, "content-digest";req for a request with a body, and the request's own
    signature: "signature";req;key="sig" and "signature-input";req;key="sig" when the request was signed.
    Returns what was verified.
    """
    received = ReceivedResponse(response, request)
    resolver = JWKSKeyResolver(server_keys)
    key_id = _keyid(received)
    key = resolver.key(key_id)
    required = ["@status", '"@method";req', '"@target-uri";req']
    if received.body:
        required.append("content-digest")
    if request.body:
        required.append('"content-digest";req')
    if "signature" in request.headers:
        required += [f'"signature";req;key="{LABEL}"', f'"signature-input";req;key="{LABEL}"']
    verifier = HTTPMessageVerifier(signature_algorithm=_ALGORITHMS[key.key_type], key_resolver=resolver)
    try:
        results = verifier.verify(received, max_age=MAX_AGE, expect_tag=RESPONSE_TAG, require_components=required,
                                  body=received.body)
    except Exception as error:  # the library raises InvalidSignature or HTTPMessageSignaturesException
        raise InteropFailure(f"response signature does not verify: {type(error).__name__}: {error}") from error
    check(len(results) == 1, "response: not exactly one verified signature")
    if received.body:
        digest = base64.b64encode(hashlib.sha256(received.body).digest()).decode()
        check(f"sha-256=:{digest}:" in received.headers.get("Content-Digest", ""), "response: Content-Digest is not the body's",
              received.headers.get("Content-Digest"))
    return {"keyid": key_id, "alg": _ALGORITHMS[key.key_type].algorithm_id,
            "covered": [c for c in results[0].covered_components if c != '"@signature-params"']}
