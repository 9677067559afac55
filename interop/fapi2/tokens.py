"""The token endpoint (RFC 6749 §4.1.3) and the checks of what it returns: the ID token (OIDC Core §3.1.3.7) and the
access token, which Kura issues as an RFC 9068 JWT bound to the sender."""
import time

from . import jose
from .errors import check
from .transport import json_body


def redeem(session, metadata, code, request, client_auth, sender):
    """Exchanges `code` with the PKCE verifier; checks no-store, token_type of the sender, and ID token presence."""
    def form():
        return dict(client_auth.form(), grant_type="authorization_code", code=code, redirect_uri=request.redirect_uri,
                    code_verifier=request.code_verifier)

    response = sender.send(session, "POST", metadata["token_endpoint"], form)
    tokens = json_body(response, 200, "token")
    check("no-store" in response.headers.get("Cache-Control", ""), "token response without Cache-Control: no-store")
    check(str(tokens.get("token_type", "")).lower() == sender.token_type.lower(),
          f"token_type {tokens.get('token_type')!r}, expected {sender.token_type}")
    check(isinstance(tokens.get("access_token"), str), "token response: no access_token", tokens)
    if request.openid:
        check(isinstance(tokens.get("id_token"), str), "token response: no id_token for an openid request", sorted(tokens))
    else:
        check("id_token" not in tokens, "token response: an id_token without the openid scope", sorted(tokens))
    return tokens


def verify_id_token(id_token, keys, issuer, request):
    """OIDC Core §3.1.3.7: signature with a FAPI alg, iss, aud contains client_id (azp if several), exp, iat, nonce."""
    header, claims = jose.verify(id_token, keys, "ID token")
    jose.check_issued(claims, "ID token", issuer, request.client_id)
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1:
        check(claims.get("azp") == request.client_id, "ID token: several audiences and azp is not the client", claims)
    check(isinstance(claims.get("iat"), int), "ID token: no iat")
    check(isinstance(claims.get("sub"), str) and claims["sub"], "ID token: no sub")
    check(claims.get("nonce") == request.nonce, "ID token: nonce differs from the one sent", claims.get("nonce"))
    return header, claims


def verify_access_token(access_token, keys, issuer, client_id, sender):
    """RFC 9068 §4: typ at+jwt, iss, exp, client_id; bound to this sender (RFC 9449 §6.1 / RFC 8705 §3.1)."""
    header, claims = jose.verify(access_token, keys, "access token", typ="at+jwt")
    check(claims.get("iss") == issuer, "access token: iss is not the issuer", claims.get("iss"))
    check(isinstance(claims.get("exp"), int) and claims["exp"] > time.time(), "access token: expired or no exp")
    check(claims.get("client_id") == client_id, "access token: client_id is not this client", claims.get("client_id"))
    check(claims.get("cnf") == sender.expected_cnf(), "access token: cnf does not bind it to this sender",
          claims.get("cnf"), sender.expected_cnf())
    return header, claims
