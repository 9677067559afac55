"""The authorization response at the redirect URI: plain query parameters with RFC 9207 `iss`, or a JARM response.

JARM (JWT Secured Authorization Response Mode §2.3.1 query.jwt; FAPI 2.0 Message Signing §5.4): the only query
parameter is `response`, a JWT the client verifies against jwks_uri (§2.4: iss, aud, exp, signature) before it reads
`code` and `state` from it.
"""
import urllib.parse

from . import jose
from .errors import check


def _query(location, redirect_uri):
    """The query parameters of a redirect to exactly `redirect_uri` (nothing in the fragment)."""
    target = urllib.parse.urlsplit(location)
    expected = urllib.parse.urlsplit(redirect_uri)
    check((target.scheme, target.netloc, target.path) == (expected.scheme, expected.netloc, expected.path),
          "the redirect does not go to the registered redirect_uri", location)
    check(not target.fragment, "the authorization response is in the URL fragment", location)
    pairs = urllib.parse.parse_qsl(target.query, keep_blank_values=True)
    check(len(pairs) == len(dict(pairs)), "repeated parameters in the authorization response", location)
    return dict(pairs)


def _check_success(params, request, what):
    check("error" not in params, f"{what}: error {params.get('error')!r}", params.get("error_description"))
    check(isinstance(params.get("code"), str) and params["code"], f"{what}: no code", params)
    check(params.get("state") == request.state, f"{what}: state differs from the one sent", params.get("state"))


def plain(location, request, issuer):
    """A plain response: code, state and `iss` equal to the issuer (RFC 9207 §2.4; FAPI 2.0 SP §5.3.2.2-7)."""
    params = _query(location, request.redirect_uri)
    check(params.get("iss") == issuer, "authorization response: iss is not the issuer (RFC 9207)", params.get("iss"))
    _check_success(params, request, "authorization response")
    return params


def jarm(location, request, issuer, keys):
    """A JARM response: verified JWT with iss, aud = client_id, exp, a FAPI alg; returns (header, claims)."""
    params = _query(location, request.redirect_uri)
    check(set(params) == {"response"}, "JARM: query parameters besides response", sorted(params))
    header, claims = jose.verify(params["response"], keys, "JARM response")
    jose.check_issued(claims, "JARM response", issuer, request.client_id)
    _check_success(claims, request, "JARM response")
    return header, claims
