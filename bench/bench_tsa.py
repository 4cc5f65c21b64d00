"""Time-stamp and OCSP benchmark: answers per second on one core, beside `openssl speed sm2` signing.

In one run, pinned to one CPU, alternating rounds of:

- ``openssl speed -seconds N sm2`` signatures per user-CPU-second (the reference: every answer costs
  one SM2 signature, so the ratio shows what the rest -- parsing, ASN.1, hashing, the store -- costs);
- ``TimeStampAuthority.respond``: a DER TimeStampReq (SM3 imprint, nonce, certReq) in, a signed
  TimeStampResp out, from a TSA opened on a fresh SQLite store;
- ``OcspResponder.respond``: a DER OCSPRequest (SHA-1 CertID, nonce) in, a signed OCSPResponse out,
  each answer reading the certificate's status from the store;
- ``verify_token``: a token checked in full (signature, TSA chain with CRLs, ESS, imprint), beside
  `openssl speed sm2` verifications.

Figures are operations per user-CPU-second, best of the rounds (the machine is shared).
Run: ``.venv/bin/python bench/bench_tsa.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from bench_sm2 import openssl_speed, rate
from benchkit import Best, pin_to_one_cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds (a smoke run, noisier figures)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    seconds, rounds = (1, 1) if args.quick else (3, 3)
    cpu = pin_to_one_cpu()

    with tempfile.TemporaryDirectory() as home:
        os.environ.update(GOVNET_HOME=home, GOVNET_PKI_PASSPHRASE="bench passphrase, long enough")
        os.environ["GOVNET_PKI__CRL_BASE_URL"] = "http://pki.bench.example:8443/crl/"
        best = measure(Path(home), seconds, rounds)

    rows = [
        row("time-stamp (respond)", best["tsa"], best["openssl_sign"], "openssl speed sm2 sign"),
        row(
            "OCSP answer (respond, store lookup)",
            best["ocsp"],
            best["openssl_sign"],
            "openssl speed sm2 sign",
        ),
        row("time-stamp verify (full)", best["verify"], best["openssl_verify"], "openssl speed sm2 verify"),
    ]
    if args.json:
        print(json.dumps({"cpu": cpu, "rounds": rounds, "rows": rows}, indent=2))
        return
    print(f"RFC 3161 / RFC 6960 on one core (cpu {cpu}), best of {rounds} x {seconds}s rounds")
    print(f"{'':38}{'govnet/s':>10}{'reference/s':>13}{'ratio':>8}  reference")
    for r in rows:
        print(
            f"{r['operation']:38}{r['govnet_per_s']:>10.0f}{r['reference_per_s']:>13.0f}"
            f"{r['ratio']:>7.2f}x  {r['reference']}"
        )


def row(operation: str, ours: float, reference: float, what: str) -> dict[str, object]:
    return {
        "operation": operation,
        "govnet_per_s": round(ours, 1),
        "reference_per_s": round(reference, 1),
        "ratio": round(ours / reference, 3),
        "reference": what,
    }


def measure(home: Path, seconds: int, rounds: int) -> dict[str, float]:
    from govnet.pki.cms.service import trust
    from govnet.pki.ocsp import OcspResponder
    from govnet.pki.ocsp import build_request as ocsp_request
    from govnet.pki.service import IssueRequest, PkiService
    from govnet.pki.sm3 import sm3
    from govnet.pki.tsa import TimeStampAuthority, build_request, read_response, verify_token
    from govnet.settings import load_settings
    from govnet.store import Store

    digest = sm3(b"a licence to time-stamp")
    with Store.open(f"sqlite:///{home / 'bench.db'}") as store:
        pki = PkiService(store, load_settings(home=home))
        pki.init(name="CN=Bench Root CA", intermediate=True)
        pki.issue(IssueRequest(profile="tsa", subject="CN=Bench TSA"))
        pki.issue(IssueRequest(profile="ocsp", subject="CN=Bench OCSP"))
        leaf = pki.issue(IssueRequest(profile="device", subject="CN=bench-router")).record
        pki.publish_all_crls()
        issuer = next(a for a in pki.authorities() if a.issuing).record.certificate
        authority, responder = TimeStampAuthority.open(pki), OcspResponder.open(pki)
        tsq = build_request(digest, nonce=123456789)
        ocsp_req = ocsp_request(leaf.certificate, issuer, nonce=b"bench-nonce-0001")
        token = read_response(authority.respond(tsq)).token
        assert token is not None
        anchors = trust(pki)
        assert verify_token(token, digest, trust=anchors).ok

        best = Best()
        keep = best.keep

        for _ in range(rounds):
            speed_sign, speed_verify = openssl_speed(seconds)
            keep("openssl_sign", speed_sign)
            keep("openssl_verify", speed_verify)
            keep("tsa", rate(lambda: authority.respond(tsq), seconds))
            keep("ocsp", rate(lambda: responder.respond(ocsp_req), seconds))
            keep("verify", rate(lambda: verify_token(token, digest, trust=anchors), seconds))
        return best


if __name__ == "__main__":
    main()
