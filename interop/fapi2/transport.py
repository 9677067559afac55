"""HTTPS sessions: the server's CA pinned, an optional TLS client certificate, no environment settings."""
import requests

from .errors import check

# Seconds to wait for a connection or a response: a hung server fails the run instead of hanging it.
TIMEOUT = 30


class _Session(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def session(ca_file, client_certificate=None):
    """A `requests.Session` trusting only `ca_file`; `client_certificate` = (cert PEM path, key PEM path) or None.

    Every request times out after TIMEOUT seconds. `trust_env = False`: requests otherwise lets REQUESTS_CA_BUNDLE /
    CURL_CA_BUNDLE override `session.verify`, and would route through proxies named in the environment.
    """
    s = _Session()
    s.trust_env = False
    s.verify = ca_file
    if client_certificate is not None:
        s.cert = client_certificate
    return s


def media_type(response):
    """The Content-Type without parameters, lower-cased (RFC 9110 §8.3.1)."""
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def json_body(response, status, what):
    """The JSON object of a `status` response with Content-Type application/json."""
    check(response.status_code == status, f"{what}: HTTP {response.status_code}, expected {status}", response.text)
    check(media_type(response) == "application/json", f"{what}: Content-Type {media_type(response)!r}, expected application/json")
    body = response.json()
    check(isinstance(body, dict), f"{what}: the body is not a JSON object", body)
    return body
