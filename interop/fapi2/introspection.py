"""Token introspection (RFC 7662) by an authenticated caller, as JSON and as a signed JWT (RFC 9701; FAPI 2.0 MS §5.5).

The caller is either the client itself (a client may introspect its own tokens) or a resource server the
authorization server lets introspect other clients' tokens (MS §6.2).
"""
from . import jose
from .errors import check
from .transport import json_body, media_type

JWT_MEDIA_TYPE = "application/token-introspection+jwt"  # RFC 9701 §4, §5; also the JWT's typ, minus "application/"


def _post(session, metadata, token, caller, accept):
    form = dict(caller.form(), token=token, token_type_hint="access_token")
    return session.post(metadata["introspection_endpoint"], data=form, headers={"Accept": accept})


def introspect(session, metadata, token, caller):
    """RFC 7662 §2.2: the plain JSON response; `active` is REQUIRED and boolean."""
    members = json_body(_post(session, metadata, token, caller, "application/json"), 200, "introspection")
    check(isinstance(members.get("active"), bool), "introspection: active missing or not a boolean", members)
    return members


def introspect_signed(session, metadata, token, caller, keys):
    """RFC 9701 §5: Content-Type application/token-introspection+jwt, typ token-introspection+jwt, iss = issuer,
    aud = the caller, iat, and the RFC 7662 members in `token_introspection`. Returns (header, claims)."""
    response = _post(session, metadata, token, caller, JWT_MEDIA_TYPE)
    check(response.status_code == 200, f"signed introspection: HTTP {response.status_code}", response.text)
    check(media_type(response) == JWT_MEDIA_TYPE, f"signed introspection: Content-Type {media_type(response)!r}")
    header, claims = jose.verify(response.text.strip(), keys, "signed introspection", typ="token-introspection+jwt")
    jose.check_issued(claims, "signed introspection", metadata["issuer"], caller.client_id, require_exp=False)
    check(isinstance(claims.get("iat"), int), "signed introspection: no iat")
    members = claims.get("token_introspection")
    check(isinstance(members, dict) and isinstance(members.get("active"), bool),
          "signed introspection: token_introspection missing or without a boolean active", claims)
    return header, claims


def check_active(members, what, issuer, client_id, sender):
    """An active token of `client_id`, of the sender's token type, bound to the sender (RFC 9449 §6.2, RFC 8705 §3.2)."""
    check(members.get("active") is True, f"{what}: the token is not active", members)
    check(members.get("client_id") == client_id, f"{what}: client_id is not the client", members.get("client_id"))
    check(members.get("iss", issuer) == issuer, f"{what}: iss is not the issuer", members.get("iss"))
    check(str(members.get("token_type", "")).lower() == sender.token_type.lower(), f"{what}: token_type",
          members.get("token_type"))
    check(members.get("cnf") == sender.expected_cnf(), f"{what}: cnf does not bind the token to the sender",
          members.get("cnf"), sender.expected_cnf())
