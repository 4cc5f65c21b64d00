"""PKI benchmark: certificates signed, issued and verified per second, beside references from the same run.

Pinned to one CPU (child `openssl` processes inherit it):

- **sign**: building and SM2-signing a TLS-server certificate (``x509.build_certificate``) beside the
  raw SM2 signatures per second of the same key — the ratio is what X.509 encoding costs on top.
- **issue**: ``ca.issue_certificate`` from a CSR into a SQLite store with the CA key decrypted once
  (``ca.open_signer``), CSR signature check included — beside the same raw SM2 signing rate.
- **verify**: ``verify.verify_path`` of N distinct leaves, each through intermediate → root with both
  CRLs, beside ``openssl verify -vfyopt distid:... -partial_chain -CAfile inter.pem leaf1 ... leafN``
  (one openssl process for the N leaves; it checks one signature per leaf and no CRL, so the ratio
  is conservative for govnet, which checks leaf + CRL signatures, validity, usage and constraints).
- **service verify**: ``PkiService.verify`` of the same leaves — the store's anchors, CAs, CRLs and
  revocation records read for each call, as the CLI and the signing service do — beside the bare
  ``verify_path`` rate above: the ratio is what reading the store costs.

Run: ``.venv/bin/python bench/bench_pki.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import pin_to_one_cpu

from govnet.pki import ca, x509
from govnet.pki.profiles import PROFILES, parse_san, parse_subject
from govnet.pki.service import PkiService, VerifyRequest
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import Policy, verify_path
from govnet.settings import load_settings
from govnet.store import Store


def rate(operation: Callable[[], object], seconds: float) -> float:
    operation()
    count, start = 0, time.perf_counter()
    while True:
        operation()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about 10 s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    seconds = 1.0 if args.quick else 4.0
    leaves_n = 100 if args.quick else 500
    cpu = pin_to_one_cpu()

    work = Path(tempfile.mkdtemp(prefix="govnet-bench-pki-"))
    os.environ["GOVNET_PKI_PASSPHRASE"] = "benchmark passphrase, not a secret"
    settings = load_settings(home=work)
    store = Store.open(settings.effective_store_url)
    made = ca.init_ca(
        store,
        settings,
        name="CN=Bench Root",
        intermediate_name="CN=Bench Issuing CA",
        crl_url="http://crl.bench.example/root.crl",
        intermediate_crl_url="http://crl.bench.example/issuing.crl",
    )
    assert made.intermediate is not None
    signer = ca.open_signer(store, settings)

    # sign: certificate building + signing vs raw SM2 signatures over a TBS-sized message
    now = dt.datetime.now(dt.UTC)
    leaf_key = SM2PrivateKey.generate()
    subject = x509.build_name(parse_subject("CN=www.gov.example"))
    sans = (parse_san("www.gov.example"),)

    def build() -> object:
        return x509.build_certificate(
            profile=PROFILES["tls-server"],
            serial=x509.random_serial(),
            subject=subject,
            public_key=leaf_key.public_key(),
            issuer=signer,
            not_before=now,
            not_after=now + dt.timedelta(days=30),
            alt_names=sans,
        )

    tbs_sized = bytes(600)
    raw_sign = rate(lambda: signer.private_key.sign(tbs_sized), seconds)
    cert_sign = rate(build, seconds)

    # issue: CSR in, certificate stored
    csr = x509.build_csr(parse_subject("CN=router"), leaf_key).dump()
    issue = rate(
        lambda: ca.issue_certificate(store, settings, profile="device", csr_data=csr, signer=signer), seconds
    )

    # verify: N distinct leaves, full path and CRLs, vs openssl verify on the same leaves
    leaves = [
        ca.issue_certificate(store, settings, profile="device", csr_data=csr, signer=signer).record
        for _ in range(leaves_n)
    ]
    ca.issue_crl(store, settings)
    ca.issue_crl(store, settings, ca_serial=made.root.serial)
    crls = [x509.load_crl(d, "store") for d in ca.latest_crls(store)]
    roots, inters = [made.root.certificate], [made.intermediate.certificate]
    parsed = [r.certificate for r in leaves]
    start = time.perf_counter()
    for cert in parsed:
        verdict = verify_path(
            cert, intermediates=inters, roots=roots, crls=crls, policy=Policy(purpose="device")
        )
        assert verdict.ok, verdict.summary()
    govnet_verify = len(parsed) / (time.perf_counter() - start)

    # verify through the service: the store's trust anchors, CAs, CRLs and revocation records read
    # per call, as the CLI and the signing service do — beside the bare path validation above
    service = PkiService(store, settings)
    requests = [VerifyRequest(r.der, "leaf", purpose="device") for r in leaves]
    start = time.perf_counter()
    for request in requests:
        assert service.verify(request).ok
    service_verify = len(requests) / (time.perf_counter() - start)

    (work / "inter.pem").write_bytes(made.intermediate.pem)
    names = []
    for index, record in enumerate(leaves):
        name = f"leaf{index}.pem"
        (work / name).write_bytes(record.pem)
        names.append(name)
    command = [
        "openssl",
        "verify",
        "-vfyopt",
        "distid:1234567812345678",
        "-partial_chain",
        "-CAfile",
        "inter.pem",
    ]
    start = time.perf_counter()
    done = subprocess.run([*command, *names], cwd=work, capture_output=True, text=True, check=False)
    openssl_verify = len(names) / (time.perf_counter() - start)
    assert done.returncode == 0 and done.stdout.count(": OK") == len(names), done.stderr[:500]
    store.close()

    figures = {
        "cpu": cpu,
        "raw_sm2_sign_per_s": round(raw_sign),
        "certificates_signed_per_s": round(cert_sign),
        "sign_ratio": round(cert_sign / raw_sign, 2),
        "certificates_issued_per_s": round(issue),
        "issue_ratio": round(issue / raw_sign, 2),
        "govnet_verify_per_s": round(govnet_verify),
        "openssl_verify_per_s": round(openssl_verify),
        "verify_ratio": round(govnet_verify / openssl_verify, 2),
        "service_verify_per_s": round(service_verify),
        "service_verify_ratio": round(service_verify / govnet_verify, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"PKI benchmark (one CPU: {cpu}; {'quick' if args.quick else 'full'} run)")
    reference = f"raw SM2 sign {raw_sign:8.0f}/s"
    print(f"  certificate build+sign   {cert_sign:8.0f}/s   {reference}   ratio {cert_sign / raw_sign:.2f}")
    print(f"  issue from CSR (SQLite)  {issue:8.0f}/s   {reference}   ratio {issue / raw_sign:.2f}")
    print(
        f"  verify path + CRLs       {govnet_verify:8.0f}/s   openssl verify {openssl_verify:6.0f}/s   "
        f"ratio {govnet_verify / openssl_verify:.2f}"
    )
    print(
        f"  verify via PkiService    {service_verify:8.0f}/s   verify_path    {govnet_verify:6.0f}/s   "
        f"ratio {service_verify / govnet_verify:.2f}"
    )


if __name__ == "__main__":
    main()
