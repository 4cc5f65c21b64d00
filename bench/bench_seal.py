"""Seal benchmark: seal signatures fully verified per second, and how much of that is SM2 itself.

Pinned to one CPU. N signatures, each by a different signer holding its own seal (one seal maker
under one issuing CA), so that per verification three SM2 verifications really run: the seal
maker's over SES_SealInfo, the signer's over TBS_Sign, and the issuing CA's over the signer's
certificate (the seal maker's path is validated once per round of N and then remembered by the ``Trust``, and
the CRLs' signatures are answered from ``govnet.pki.verify``'s caches, as in a long-running
verifier; both caches start cold in every round).

- **full**: ``verify_signature`` (parse, quirks, both signatures, listing, document hash, both
  chains with CRLs, times) per second;
- **raw**: the same three SM2 verifications per signature, keys parsed beforehand, measured alone
  in the same run;
- **ratio** = time of the raw verifications / time of the full verifications (1.0 would mean parsing
  and checking cost nothing; the aim is >= 0.8).

Run: ``.venv/bin/python bench/bench_seal.py [--quick] [--json] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import time
from collections.abc import Callable

from benchkit import pin_to_one_cpu

from govnet.pki import verify as pki_verify
from govnet.pki import x509
from govnet.pki.profiles import PROFILES, check_request, parse_subject
from govnet.pki.seal import reader
from govnet.pki.seal.model import SealKind
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.verify import Trust, verify_signature
from govnet.pki.seal.writer import SealRequest, build_seal, sign_digest
from govnet.pki.sm2 import DEFAULT_ID, SM2PrivateKey, SM2PublicKey
from govnet.pki.sm3 import sm3

CODE = "914403001922038216"


def _party(profile: str, subject: str, issuer: x509.Issuer | None, now: dt.datetime, **kw: str):
    key = SM2PrivateKey.generate()
    request = check_request(PROFILES[profile], parse_subject(subject, **kw), ())
    name = x509.build_name(request.subject)
    signer = issuer or x509.Issuer(name, x509.key_identifier(key.public_key()), key)
    cert = x509.build_certificate(
        profile=PROFILES[profile],
        serial=x509.random_serial(),
        subject=name,
        public_key=key.public_key(),
        issuer=signer,
        not_before=now - dt.timedelta(minutes=5),
        not_after=now + dt.timedelta(days=365),
    )
    return key, cert, x509.Issuer(name, x509.key_identifier(key.public_key()), key)


def record_sm2_verifications(run: Callable[[], None]) -> list[tuple[SM2PublicKey, bytes, bytes, bytes]]:
    """Run ``run`` and return every SM2 verification it made (key, signature, data, ID): exactly
    the raw work inside it, to be replayed alone."""
    calls: list[tuple[SM2PublicKey, bytes, bytes, bytes]] = []
    original = SM2PublicKey.verify

    def spy(self: SM2PublicKey, signature: bytes, data: bytes, *, id: bytes = DEFAULT_ID) -> None:
        calls.append((self, signature, data, id))
        original(self, signature, data, id=id)

    SM2PublicKey.verify = spy
    try:
        run()
    finally:
        SM2PublicKey.verify = original
    return calls


def replay(calls: list[tuple[SM2PublicKey, bytes, bytes, bytes]]) -> None:
    for key, signature, data, sm2_id in calls:
        key.is_valid(signature, data, id=sm2_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--profile", action="store_true", help="print where the full verification's time goes"
    )
    args = parser.parse_args()
    count = 40 if args.quick else 120
    rounds = 2 if args.quick else 5
    cpu = pin_to_one_cpu()

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _rk, root, root_issuer = _party("root", "CN=Bench Root", None, now)
    _ik, inter, inter_issuer = _party("intermediate", "CN=Bench Issuing CA", root_issuer, now)
    maker_key, maker, _ = _party(
        "seal-maker", "CN=Bench Seal Maker,O=Bench", inter_issuer, now, credit_code=CODE
    )
    crls = [
        x509.build_crl(
            issuer=i, number=1, this_update=now, next_update=now + dt.timedelta(days=7), revoked=[]
        )
        for i in (root_issuer, inter_issuer)
    ]
    trust = Trust(roots=[root], intermediates=[inter], crls=crls)
    picture = round_seal_png()
    samples = []
    for index in range(count):
        key, cert, _ = _party("signer", f"CN=Signer {index}", inter_issuer, now)
        seal = build_seal(
            SealRequest(
                es_id=f"bench-{index}",
                kind=SealKind.PERSON,
                name=f"签章人{index}",
                certificates=(cert,),
                valid_start=now - dt.timedelta(minutes=1),
                valid_end=now + dt.timedelta(days=30),
                picture=picture,
                width_mm=40,
                height_mm=40,
            ),
            maker_key,
            maker,
        )
        digest = sm3(f"document {index}".encode())
        samples.append((sign_digest(seal, key, cert, digest), digest))

    def clear_path_caches() -> None:
        trust._paths.clear()
        pki_verify._certificate_signature.cache_clear()

    def clear_all_caches() -> None:
        clear_path_caches()
        for cache in (pki_verify._crl_signature, pki_verify._issuer_key, pki_verify._revoked_index):
            cache.cache_clear()
        reader._parsed_certificate.cache_clear()
        reader._remembered_seal.cache_clear()

    def verify(der: bytes, digest: bytes) -> None:
        if not verify_signature(der, data_hash=digest, trust=trust).ok:
            raise SystemExit("a benchmark signature did not verify")

    def warm() -> None:
        # A long-running verifier: the seal maker's path and the CA links are checked once per
        # round and remembered; every signature's own three SM2 verifications run.
        clear_path_caches()
        for der, digest in samples:
            verify(der, digest)

    def cold() -> None:
        # A one-shot verification (the CLI): nothing remembered from the signature before.
        for der, digest in samples:
            clear_all_caches()
            verify(der, digest)

    figures: dict[str, object] = {"cpu": cpu, "signatures": count}
    for mode, full in (("warm", warm), ("cold", cold)):
        calls = record_sm2_verifications(full)  # also the warm-up
        full_best = raw_best = float("inf")
        for _ in range(rounds):  # interleaved, best of each: both see the same machine load
            start = time.perf_counter()
            full()
            full_best = min(full_best, time.perf_counter() - start)
            start = time.perf_counter()
            replay(calls)
            raw_best = min(raw_best, time.perf_counter() - start)
        figures[mode] = {
            "sm2_verifications_per_signature": round(len(calls) / count, 2),
            "full_verifications_per_second": round(count / full_best, 1),
            "raw_sm2_verifications_per_second": round(len(calls) / raw_best, 1),
            "ratio_raw_time_to_full_time": round(raw_best / full_best, 3),
        }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"one CPU ({cpu}); {count} signatures, each by its own signer and seal, one seal maker")
        for mode in ("warm", "cold"):
            f = figures[mode]
            assert isinstance(f, dict)
            print(
                f"{mode}: {f['full_verifications_per_second']:.0f} seal signatures fully verified/s; "
                f"{f['sm2_verifications_per_signature']} SM2 verifications each, alone "
                f"{f['raw_sm2_verifications_per_second']:.0f}/s; ratio raw SM2 time / full time "
                f"{f['ratio_raw_time_to_full_time']:.2f} (aim >= 0.8)"
            )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(warm)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
