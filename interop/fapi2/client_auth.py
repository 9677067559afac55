"""Client authentication at PAR, token and introspection (FAPI 2.0 SP §5.3.2.1-6): private_key_jwt or tls_client_auth."""
import secrets
import time

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class PrivateKeyJWT:
    """private_key_jwt (OIDC Core §9, RFC 7523 §2.2): a fresh signed assertion with every request."""
    method = "private_key_jwt"

    def __init__(self, client_id, key, issuer):
        self.client_id, self.key, self.issuer = client_id, key, issuer

    def assertion(self):
        """iss = sub = client_id; aud = the issuer identifier as a string (FAPI 2.0 SP §5.3.2.1-8); one-use jti."""
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.issuer, "jti": secrets.token_urlsafe(16),
                  "iat": now, "exp": now + 60}
        return self.key.sign(claims, kid=self.key.kid)

    def form(self):
        return {"client_id": self.client_id, "client_assertion_type": JWT_BEARER, "client_assertion": self.assertion()}


class TLSClientAuth:
    """tls_client_auth (RFC 8705 §2.1): the certificate is presented in the TLS handshake (the session's `cert`), the
    request only names the client (§2: "the client_id parameter ... MUST be included")."""
    method = "tls_client_auth"

    def __init__(self, client_id):
        self.client_id = client_id

    def form(self):
        return {"client_id": self.client_id}
