#!/usr/bin/env python3
"""Runs the independent FAPI 2.0 client (package fapi2/: requests, cryptography, joserfc; no Kura code) against a
server and prints one `interop-report: {...}` JSON line of everything it verified, then `interop: PASS`.
Exits 1 with `interop: FAIL: <check>` when the server's behaviour fails a check.

  private_key_jwt + DPoP + JAR + JARM + OIDC, introspected by a resource server:
    fapi2_client.py --issuer https://localhost:8443 --ca ca.pem --client-id c --client-jwk c.json \\
        --sender dpop --signed-request --response-mode jwt --introspector-id rs --introspector-jwk rs.json \\
        --username alice --password ... --totp-secret-hex ... --redirect-uri https://client.example/cb
  tls_client_auth + certificate-bound tokens, plain OAuth, introspected by the client itself:
    fapi2_client.py ... --client-auth tls_client_auth --client-cert c.pem --client-key c-key.pem --sender mtls \\
        --scope accounts
"""
import argparse
import json
import sys

from fapi2.errors import InteropFailure
from fapi2.flow import Options, run


def options(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--issuer", required=True)
    p.add_argument("--ca", required=True, help="PEM file of the CA that issued the server's TLS certificate")
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-auth", choices=["private_key_jwt", "tls_client_auth"], default="private_key_jwt")
    p.add_argument("--client-jwk", help="private JWK file (private_key_jwt, request objects)")
    p.add_argument("--client-cert", help="client certificate PEM (tls_client_auth, mTLS binding)")
    p.add_argument("--client-key", help="the client certificate's private key PEM")
    p.add_argument("--sender", choices=["dpop", "mtls"], default="dpop")
    p.add_argument("--dpop-alg", choices=["ES256", "PS256", "EdDSA"], default="ES256")
    p.add_argument("--scope", default="openid accounts")
    p.add_argument("--signed-request", action="store_true", help="send a request object at PAR (JAR)")
    p.add_argument("--response-mode", choices=["query", "jwt", "query.jwt"])
    p.add_argument("--introspector-id", help="a resource server's client_id (default: the client introspects)")
    p.add_argument("--introspector-jwk", help="the resource server's private JWK file (private_key_jwt)")
    p.add_argument("--username", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--totp-secret-hex", required=True)
    p.add_argument("--redirect-uri", required=True)
    a = p.parse_args(argv)
    return Options(
        issuer=a.issuer, ca_file=a.ca, client_id=a.client_id, redirect_uri=a.redirect_uri, username=a.username,
        password=a.password, totp_secret=bytes.fromhex(a.totp_secret_hex), client_auth=a.client_auth, sender=a.sender,
        scope=a.scope, client_jwk=a.client_jwk, client_certificate=a.client_cert, client_certificate_key=a.client_key,
        dpop_alg=a.dpop_alg, signed_request=a.signed_request, response_mode=a.response_mode,
        introspector_id=a.introspector_id, introspector_jwk=a.introspector_jwk)


def main(argv):
    try:
        report = run(options(argv))
    except InteropFailure as failure:
        print("interop: FAIL: " + str(failure))
        return 1
    print("interop-report: " + json.dumps(report, sort_keys=True))
    print("interop: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
