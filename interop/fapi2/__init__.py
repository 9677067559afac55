"""An independent FAPI 2.0 client for interop tests: only requests, cryptography, joserfc and the standard library.

It shares no code with the server it tests. One module per protocol step:

  transport               HTTPS sessions (the CA to trust, an optional TLS client certificate)
  jose                    signing keys, the server's JWKS, JWT verification (PS256 / ES256 / EdDSA only)
  discovery               RFC 8414 / OIDC Discovery metadata
  client_auth             private_key_jwt (RFC 7523, OIDC Core §9) or tls_client_auth (RFC 8705 §2)
  sender                  DPoP (RFC 9449) or certificate-bound tokens (RFC 8705 §3)
  authorization_request   PKCE (RFC 7636), request objects (JAR, RFC 9101), PAR (RFC 9126)
  browser                 the customer's user agent: login (password + TOTP) and consent
  authorization_response  the redirect: RFC 9207 `iss`, or a JARM response JWT
  tokens                  code redemption, ID token (OIDC Core §3.1.3.7) and access token (RFC 9068) checks
  introspection           RFC 7662 and signed RFC 9701 introspection responses
  userinfo                OIDC Core §5.3 with the sender-constrained access token
  flow                    the whole flow, configured by `flow.Options`

Every failed check raises `errors.InteropFailure` naming what the server got wrong.
"""
