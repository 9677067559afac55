"""Keys and JWTs with joserfc: the client's signing keys, the server's JWKS, and verification of what the server signs.

Verification never lets the JWS header choose: the algorithm must be one FAPI 2.0 allows (SP §5.4.1-1), the key is
looked up by `kid` in the server's published set only, and joserfc refuses a key whose type does not fit the alg.
"""
import json
import time

from joserfc import jws, jwt
from joserfc.jwk import ECKey, JWKRegistry, KeySet, OKPKey, RSAKey

from .errors import InteropFailure, check

# FAPI 2.0 SP §5.4.1-1: PS256, ES256 or EdDSA (Ed25519); never none, never RS256.
FAPI_ALGORITHMS = ("PS256", "ES256", "EdDSA")
# Clock skew tolerated on the server's timestamps (FAPI 2.0 SP §5.3.2.1-13 asks servers for 10 s; we grant the same).
LEEWAY = 10
# DPoP proofs carry an RSA `jwk` in the header, longer than joserfc's default limit.
jws.JWSRegistry.max_header_length = 4096


class SigningKey:
    """A private key and the FAPI algorithm it signs with."""

    def __init__(self, key, alg):
        check(alg in FAPI_ALGORITHMS, f"signing algorithm {alg} is not a FAPI 2.0 algorithm")
        self.key, self.alg = key, alg

    @classmethod
    def from_jwk_file(cls, path):
        """A private JWK (with `alg`, or ES256/PS256/EdDSA inferred from the key type) read from `path`."""
        with open(path) as f:
            data = json.load(f)
        key = JWKRegistry.import_key(data)
        return cls(key, data.get("alg") or {"EC": "ES256", "RSA": "PS256", "OKP": "EdDSA"}[key.key_type])

    @classmethod
    def generate(cls, alg):
        """A fresh key for `alg`: P-256, RSA-2048 or Ed25519."""
        key = {"ES256": lambda: ECKey.generate_key("P-256"), "PS256": lambda: RSAKey.generate_key(2048),
               "EdDSA": lambda: OKPKey.generate_key("Ed25519")}[alg]()
        return cls(key, alg)

    @property
    def kid(self):
        return self.key.kid

    def public_jwk(self):
        return self.key.as_dict(private=False)

    def thumbprint(self):
        """RFC 7638 SHA-256 JWK thumbprint, base64url."""
        return self.key.thumbprint()

    def sign(self, claims, **header):
        """A compact JWS of `claims`; `header` adds members (typ, kid, jwk) to {"alg": alg}."""
        return jwt.encode(dict(header, alg=self.alg), claims, self.key, algorithms=[self.alg])


def server_keys(session, jwks_uri):
    """The server's public keys (RFC 7517 JWK Set) from `jwks_uri`."""
    r = session.get(jwks_uri)
    check(r.status_code == 200, f"GET jwks_uri: HTTP {r.status_code}", r.text)
    keys = r.json()
    for k in keys.get("keys", []):
        check(not any(m in k for m in ("d", "p", "q", "dp", "dq", "qi")), "jwks_uri publishes private key material", k.get("kid"))
    return KeySet.import_key_set(keys)


def verify(token, keys, what, typ=None):
    """Verifies the signature of a JWT the server issued and returns (header, claims).

    `typ`: the required header `typ` (compared case-insensitively, RFC 7515 §4.1.9), or None for "not checked".
    """
    check(isinstance(token, str) and token.count(".") == 2, f"{what}: not a compact JWS", token)
    header = jws.extract_compact(token.encode()).headers()
    check(header.get("alg") in FAPI_ALGORITHMS, f"{what}: alg {header.get('alg')!r} is not PS256, ES256 or EdDSA", header)
    check(isinstance(header.get("kid"), str), f"{what}: no kid in the header, so no key can be chosen without guessing", header)
    if typ is not None:
        check(str(header.get("typ", "")).lower() == typ.lower(), f"{what}: typ {header.get('typ')!r}, expected {typ!r}", header)
    try:
        decoded = jwt.decode(token, keys, algorithms=[header["alg"]])
    except Exception as e:  # joserfc raises several error types; all mean "does not verify"
        raise InteropFailure(f"{what}: signature does not verify against jwks_uri: {e!r}") from e
    return decoded.header, decoded.claims


def check_issued(claims, what, issuer, audience, now=None, require_exp=True):
    """`iss` equals `issuer`, `aud` is or contains `audience`, and `exp` / `iat` / `nbf` are sane for now."""
    now = time.time() if now is None else now
    check(claims.get("iss") == issuer, f"{what}: iss {claims.get('iss')!r}, expected {issuer!r}")
    aud = claims.get("aud")
    check(aud == audience or (isinstance(aud, list) and audience in aud), f"{what}: aud {aud!r} does not name {audience!r}")
    if require_exp or "exp" in claims:
        check(isinstance(claims.get("exp"), int) and claims["exp"] > now - LEEWAY, f"{what}: expired or no exp", claims.get("exp"))
    for name in ("iat", "nbf"):
        if name in claims:
            check(isinstance(claims[name], int) and claims[name] <= now + LEEWAY, f"{what}: {name} lies in the future", claims[name])
