#!/usr/bin/env python3
"""Runs a partner's bank flow against a running Kura with the independent client (package fapi2/: requests,
cryptography, joserfc, http-message-signatures; no Kura code):

  PAR with RFC 9396 authorization_details [account_information (no accounts), payment_initiation (no debtor)]
  → login and consent, ticking an account and the debtor account in the HTML form → token (private_key_jwt + DPoP)
  → GET /api/accounts, balances, transactions (paged) → POST /api/transfers (Idempotency-Key) → retry → GET transfer
  → a second transfer with the single-use payment consent is refused.

Every API request is signed with RFC 9421 (tag fapi-2-request, the client's registered key) and every response
signature (tag fapi-2-response) and Content-Digest is verified with the server's JWKS from discovery's jwks_uri.
Prints a summary, one `interop-report: {...}` JSON line and `interop: PASS`; exits 1 with `interop: FAIL: <check>`.

  bank_flow.py --issuer https://localhost:8443 --ca ca.pem --client-id c --client-jwk c.json --username alice \\
      --password ... --totp-secret-hex ... --redirect-uri https://client.example/cb \\
      --creditor-bank 0005 --creditor-branch 123 --creditor-account 7654321 --creditor-name 'トウキョウ デンキ'
"""
import argparse
import json
import secrets
import sys
import urllib.parse

from fapi2 import authorization_request, authorization_response, consent, jose, tokens, transport
from fapi2.bank_api import BankAPI
from fapi2.client_auth import PrivateKeyJWT
from fapi2.discovery import discover
from fapi2.errors import InteropFailure, check
from fapi2.sender import DPoP


class RARRequest(authorization_request.AuthorizationRequest):
    """An authorization request carrying `authorization_details` (RFC 9396 §2) as a JSON form parameter."""

    def __init__(self, details, *args):
        super().__init__(*args)
        self.details = details

    def parameters(self):
        return dict(super().parameters(), authorization_details=json.dumps(self.details, ensure_ascii=False))


def options(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("--issuer", "--ca", "--client-id", "--client-jwk", "--username", "--password", "--totp-secret-hex",
                 "--redirect-uri", "--creditor-bank", "--creditor-branch", "--creditor-account", "--creditor-name"):
        p.add_argument(name, required=True)
    p.add_argument("--api", help="the bank API base URL (default: the issuer's origin + /api)")
    p.add_argument("--scope", default="openid")
    p.add_argument("--dpop-alg", choices=["ES256", "PS256", "EdDSA"], default="ES256")
    p.add_argument("--amount", default="1000", help="JPY amount of the payment")
    p.add_argument("--account", help="the account id to tick for account_information (default: the first offered)")
    p.add_argument("--debtor", help="the account id to pay from (default: the first offered)")
    p.add_argument("--expect-signatures-required", action="store_true",
                   help="also check that an unsigned request is refused with 401 invalid_signature")
    return p.parse_args(argv)


def yen(amount):
    """How the consent page shows a JPY amount: ¥ and grouped digits."""
    return "¥" + f"{int(amount):,}"


def run(o, say):
    back_channel, user_agent = transport.session(o.ca), transport.session(o.ca)
    metadata = discover(back_channel, o.issuer, "openid" in o.scope.split())
    types = metadata.get("authorization_details_types_supported", [])
    check({"account_information", "payment_initiation"} <= set(types), "metadata: bank RAR types not advertised", types)
    keys = jose.server_keys(back_channel, metadata["jwks_uri"])
    signing_key = jose.SigningKey.from_jwk_file(o.client_jwk)
    client_auth = PrivateKeyJWT(o.client_id, signing_key, o.issuer)
    sender = DPoP(jose.SigningKey.generate(o.dpop_alg))
    creditor = {"bankCode": o.creditor_bank, "branchCode": o.creditor_branch, "accountNumber": o.creditor_account}
    payment = {"type": "payment_initiation", "actions": ["initiate"], "instructedAmount": {"currency": "JPY", "amount": o.amount},
               "creditorName": o.creditor_name, "creditorAccount": creditor, "remittanceInformationUnstructured": "Interop " + secrets.token_hex(4)}
    details = [{"type": "account_information", "actions": ["read"], "datatypes": ["balances", "transactions"]}, payment]

    request = RARRequest(details, o.client_id, o.redirect_uri, o.scope)
    request_uri = authorization_request.push(back_channel, metadata, request, client_auth, sender)
    say(f"1. PAR with account_information + payment_initiation: request_uri {request_uri[:40]}…")
    page = consent.login(user_agent, authorization_request.authorization_url(metadata, o.client_id, request_uri),
                         o.username, o.password, bytes.fromhex(o.totp_secret_hex))
    text = " ".join(consent.read(page).text)
    for shown in ("See balances and transactions", f"Pay {yen(o.amount)} to {o.creditor_name}", f"account {o.creditor_account}"):
        check(shown in text, f"consent page: the details are not shown in plain words ({shown!r} missing)", text[:800])
    picks = {}

    def pick(form):
        offered = form.choices()
        accounts = [n for n in offered if n.startswith("detail.0.account.")]
        check(accounts, "consent page: no account checkboxes for account_information", offered)
        check("detail.1.debtorAccount" in offered, "consent page: no debtor radio buttons for payment_initiation", offered)
        account = o.account or offered[accounts[0]][0]
        debtor = o.debtor or offered["detail.1.debtorAccount"][0]
        picks.update(account=account, debtor=debtor)
        return {("detail.0.account." + account, account), ("detail.1.debtorAccount", debtor)}

    location, _ = consent.approve(user_agent, page, pick)
    say(f"2. Consent: details shown in plain words; ticked account {picks['account']}, pay from {picks['debtor']}")
    code = authorization_response.plain(location, request, o.issuer)["code"]
    issued = tokens.redeem(back_channel, metadata, code, request, client_auth, sender)
    tokens.verify_access_token(issued["access_token"], keys, o.issuer, o.client_id, sender)
    granted = issued.get("authorization_details")
    check(isinstance(granted, list) and len(granted) == 2, "token response: authorization_details missing", granted)
    check(granted[0].get("accounts") == [picks["account"]], "token response: the granted accounts are not the picks", granted[0])
    check(granted[1].get("debtorAccount") == {"accountId": picks["debtor"]}, "token response: the debtor is not the pick", granted[1])
    say(f"3. Token: {issued['token_type']}, authorization_details carry the picks")

    api = BankAPI(back_channel, o.api or _origin(o.issuer) + "/api", sender, issued["access_token"], signing_key, keys)
    report = {"picks": picks, "granted": granted}
    if o.expect_signatures_required:
        status, body, _ = api.call("GET", "/accounts", sign=False)
        check(status == 401 and body.get("error") == "invalid_signature", "an unsigned request was not refused", status, body)
        say("   Unsigned request: 401 invalid_signature (and that refusal was signed too)")
    accounts = api.get("/accounts")["accounts"]
    check([a["accountId"] for a in accounts] == [picks["account"]], "accounts: not exactly the picked account", accounts)
    balances = api.get(f"/accounts/{picks['account']}/balances")["balances"]
    current = next((b["amount"] for b in balances if b["type"] == "current"), None)
    check(current is not None, "balances: no current balance", balances)
    say(f"4. Accounts: {accounts[0]['name']} {accounts[0]['branchCode']}-{accounts[0]['accountNumber']}; "
        f"balance {current['amount']} {current['currency']}")
    first = api.get(f"/accounts/{picks['account']}/transactions", {"limit": 5})
    seen = list(first["transactions"])
    if first.get("nextCursor"):
        seen += api.get(f"/accounts/{picks['account']}/transactions", {"limit": 5, "cursor": first["nextCursor"]})["transactions"]
    check(len({t["transactionId"] for t in seen}) == len(seen), "transactions: an entry repeats across pages")
    times = [t["bookingDateTime"] for t in seen]
    check(times == sorted(times, reverse=True), "transactions: not newest first", times)
    say(f"5. Transactions: {len(first['transactions'])} on the first page, {len(seen)} over two pages, newest first")

    key = "interop-" + secrets.token_urlsafe(12)
    instruction = {k: v for k, v in payment.items() if k not in ("type", "actions")}
    instruction["debtorAccount"] = {"accountId": picks["debtor"]}
    status, transfer, response = api.call("POST", "/transfers", body=instruction, idempotency_key=key)
    check(status == 201 and transfer.get("status") == "booked", "transfer: not booked", status, transfer)
    check(transfer["instructedAmount"] == {"currency": "JPY", "amount": o.amount} and transfer["creditorAccount"] == creditor,
          "transfer: not the consented payment", transfer)
    status, replay, response = api.call("POST", "/transfers", body=instruction, idempotency_key=key)
    check(status == 201 and replay.get("transferId") == transfer["transferId"], "transfer retry: not the original", status, replay)
    check(response.headers.get("Idempotent-Replayed") == "true", "transfer retry: no Idempotent-Replayed: true")
    shown = api.get(f"/transfers/{transfer['transferId']}")
    check(shown["transferId"] == transfer["transferId"], "GET transfer: another transfer", shown)
    status, refused, _ = api.call("POST", "/transfers", body=instruction, idempotency_key=key + "-2")
    check(status == 403, "a second transfer with the single-use payment consent was not refused", status, refused)
    say(f"6. Transfer {transfer['transferId']}: 201 booked; retry with the same Idempotency-Key returned it; "
        f"a second transfer: {status} {refused.get('error')}")
    if picks["debtor"] == picks["account"]:
        after = next(b["amount"] for b in api.get(f"/accounts/{picks['account']}/balances")["balances"] if b["type"] == "current")
        check(int(after["amount"]) == int(current["amount"]) - int(o.amount), "balance: the transfer was not booked exactly once",
              current, after)
        say(f"   Balance now {after['amount']} {after['currency']}")
    say(f"7. Verified {len(api.verified)} response signatures (tag fapi-2-response) and Content-Digests against jwks_uri")
    report.update(accounts=accounts, balance=current, transactions=len(seen), transfer=transfer, second_transfer_status=status,
                  verified_responses=api.verified, dpop_nonce_challenges=sender.nonce_challenges)
    return report


def _origin(issuer):
    parts = urllib.parse.urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"


def main(argv):
    o = options(argv)
    try:
        report = run(o, lambda line: print(line, flush=True))
    except InteropFailure as failure:
        print("interop: FAIL: " + str(failure))
        return 1
    except Exception as error:  # a crash is a failure too, never a pass
        print(f"interop: FAIL: {type(error).__name__}: {error}")
        return 1
    print("interop-report: " + json.dumps(report, sort_keys=True, ensure_ascii=False))
    print("interop: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
