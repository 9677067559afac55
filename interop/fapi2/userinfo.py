"""The UserInfo endpoint (OIDC Core §5.3), called with the sender-constrained access token."""
from .errors import check
from .transport import json_body


def userinfo(session, metadata, access_token, sender, id_token_sub):
    """GET with `Authorization: DPoP|Bearer` (+ a DPoP proof with `ath`, RFC 9449 §7.1); §5.3.2: the `sub` MUST
    match the ID token's."""
    response = sender.send(session, "GET", metadata["userinfo_endpoint"], access_token=access_token)
    claims = json_body(response, 200, "userinfo")
    check(claims.get("sub") == id_token_sub, "userinfo: sub differs from the ID token's", claims.get("sub"), id_token_sub)
    return claims
