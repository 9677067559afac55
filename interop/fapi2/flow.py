"""The whole FAPI 2.0 flow: discovery → PAR → login and consent → authorization response → token → checks of every
signed thing the server returned → UserInfo (OIDC) → introspection (RFC 7662, RFC 9701)."""
from dataclasses import dataclass
from typing import Optional

from . import authorization_request, authorization_response, browser, introspection, jose, tokens, transport
from .client_auth import PrivateKeyJWT, TLSClientAuth
from .discovery import discover
from .errors import check
from .sender import DPoP, MutualTLSBinding
from .userinfo import userinfo


@dataclass
class Options:
    issuer: str
    ca_file: str
    client_id: str
    redirect_uri: str
    username: str
    password: str
    totp_secret: bytes
    client_auth: str = "private_key_jwt"           # or "tls_client_auth"
    sender: str = "dpop"                           # or "mtls"
    scope: str = "openid accounts"
    client_jwk: Optional[str] = None               # private JWK file: private_key_jwt and request objects
    client_certificate: Optional[str] = None       # PEM files: tls_client_auth and/or mTLS binding
    client_certificate_key: Optional[str] = None
    dpop_alg: str = "ES256"
    signed_request: bool = False                   # JAR at PAR (FAPI 2.0 MS §5.3)
    response_mode: Optional[str] = None            # "jwt" for JARM (MS §5.4)
    introspector_id: Optional[str] = None          # a resource server (private_key_jwt); None: the client itself
    introspector_jwk: Optional[str] = None


def _client_auth(method, client_id, jwk_file, issuer):
    if method == "private_key_jwt":
        return PrivateKeyJWT(client_id, jose.SigningKey.from_jwk_file(jwk_file), issuer)
    return TLSClientAuth(client_id)


def run(o):
    """Runs the flow described by `o`; returns a report of everything verified. Raises InteropFailure on any failure."""
    certificate = (o.client_certificate, o.client_certificate_key) if o.client_certificate else None
    check(o.client_auth in ("private_key_jwt", "tls_client_auth") and o.sender in ("dpop", "mtls"), "unknown option",
          o.client_auth, o.sender)
    check(o.client_auth != "private_key_jwt" or o.client_jwk, "private_key_jwt needs --client-jwk")
    check(certificate or (o.client_auth != "tls_client_auth" and o.sender != "mtls"), "mutual TLS needs a client certificate")
    check(not o.signed_request or o.client_jwk, "a signed request object needs --client-jwk")
    check((o.introspector_id is None) == (o.introspector_jwk is None), "a resource server introspects with private_key_jwt")

    back_channel = transport.session(o.ca_file, certificate)   # the client: PAR, token, userinfo, introspection
    user_agent = transport.session(o.ca_file)                   # the customer's browser: never the client's certificate
    request = authorization_request.AuthorizationRequest(o.client_id, o.redirect_uri, o.scope, o.response_mode)
    metadata = discover(back_channel, o.issuer, request.openid)
    keys = jose.server_keys(back_channel, metadata["jwks_uri"])
    client_auth = _client_auth(o.client_auth, o.client_id, o.client_jwk, o.issuer)
    sender = DPoP(jose.SigningKey.generate(o.dpop_alg)) if o.sender == "dpop" else MutualTLSBinding(o.client_certificate)
    report = {"client_auth": client_auth.method, "sender": sender.name, "scope": o.scope}

    signing_key = jose.SigningKey.from_jwk_file(o.client_jwk) if o.signed_request else None
    request_uri = authorization_request.push(back_channel, metadata, request, client_auth, sender, signing_key)
    report["signed_request"] = signing_key is not None
    url = authorization_request.authorization_url(metadata, o.client_id, request_uri)
    location = browser.authorize(user_agent, url, o.username, o.password, o.totp_secret)
    if o.response_mode in ("jwt", "query.jwt"):
        header, claims = authorization_response.jarm(location, request, o.issuer, keys)
        report["jarm"] = {"header": header, "claims": dict(claims, code="(verified)")}
        code = claims["code"]
    else:
        code = authorization_response.plain(location, request, o.issuer)["code"]

    issued = tokens.redeem(back_channel, metadata, code, request, client_auth, sender)
    header, claims = tokens.verify_access_token(issued["access_token"], keys, o.issuer, o.client_id, sender)
    report["access_token"] = {"header": header, "claims": claims, "token_type": issued["token_type"]}
    if request.openid:
        header, claims = tokens.verify_id_token(issued["id_token"], keys, o.issuer, request)
        report["id_token"] = {"header": header, "claims": claims}
        report["userinfo"] = userinfo(back_channel, metadata, issued["access_token"], sender, claims["sub"])

    caller, caller_session = client_auth, back_channel
    if o.introspector_id is not None:  # a resource server with its own credentials and connection
        caller = _client_auth("private_key_jwt", o.introspector_id, o.introspector_jwk, o.issuer)
        caller_session = transport.session(o.ca_file)
    members = introspection.introspect(caller_session, metadata, issued["access_token"], caller)
    introspection.check_active(members, "introspection", o.issuer, o.client_id, sender)
    header, claims = introspection.introspect_signed(caller_session, metadata, issued["access_token"], caller, keys)
    introspection.check_active(claims["token_introspection"], "signed introspection", o.issuer, o.client_id, sender)
    report["introspection"] = {"caller": caller.client_id, "json": members, "jwt": {"header": header, "claims": claims}}
    if isinstance(sender, DPoP):
        report["dpop_nonce_challenges"] = sender.nonce_challenges
    return report
