"""Authorization server metadata (RFC 8414 §3, OpenID Connect Discovery §4)."""
from .errors import check
from .transport import json_body

# FAPI 2.0 SP §5.3.2.1-1 and §5.3.2.2: what this client needs to find in the metadata.
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri", "pushed_authorization_request_endpoint")


def discover(session, issuer, openid):
    """The metadata of `issuer`, from the OIDC document when `openid`, else the RFC 8414 one.

    RFC 8414 §3.3: "The issuer value returned MUST be identical to the authorization server's issuer identifier value
    into which the well-known URI string was inserted".
    """
    well_known = "/.well-known/openid-configuration" if openid else "/.well-known/oauth-authorization-server"
    metadata = json_body(session.get(issuer.rstrip("/") + well_known), 200, "GET " + well_known)
    check(metadata.get("issuer") == issuer, "metadata issuer differs from the issuer identifier", metadata.get("issuer"))
    for name in REQUIRED:
        check(str(metadata.get(name, "")).startswith("https://"), f"metadata: no https {name}", metadata.get(name))
    check("S256" in metadata.get("code_challenge_methods_supported", []), "metadata: S256 PKCE not advertised")
    return metadata
