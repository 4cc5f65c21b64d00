"""SM2 benchmark: govnet's signatures and verifications per second on one core, beside references.

In one run, pinned to one CPU (the `openssl` child inherits the pinning), alternating rounds of:

- ``openssl speed -seconds N sm2`` -- OpenSSL's own C loop (EVP_DigestSign with SM3 on 20 bytes),
  which reports operations per user-CPU-second;
- govnet's public API (``SM2PrivateKey.sign`` / ``SM2PublicKey.verify``) on the same 20-byte message,
  with the GM/T 0009 default ID, through the backend the settings choose (openssl here);
- plain ``gmssl`` (``CryptSM2.sign_with_sm3`` / ``verify_with_sm3``) on the same message.

Every figure is operations per user-CPU-second of the process doing them. Each is the best of
the rounds (the machine is shared; best-of is least disturbed by others' load). Ratios: govnet /
openssl speed (aim >= 1.0) and govnet / gmssl (aim >= 20).
Run: ``.venv/bin/python bench/bench_sm2.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
from collections.abc import Callable

from benchkit import Best, pin_to_one_cpu
from gmssl.sm2 import CryptSM2

from govnet.pki import sm2
from govnet.pki.sm2 import SM2PrivateKey

MESSAGE = bytes(range(20))  # openssl speed signs 20 bytes too


def user_cpu() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def rate(operation: Callable[[], object], seconds: float) -> float:
    """Operations per CPU-second of ``operation``, run back to back for about ``seconds`` of CPU time.

    User CPU time of this process, the divisor ``openssl speed`` uses unless given -elapsed: on a
    shared machine, wall time would mostly measure the neighbours.
    """
    operation()  # warm up
    count, start = 0, user_cpu()
    deadline = start + seconds
    while True:
        for _ in range(16):
            operation()
        count += 16
        now = user_cpu()
        if now >= deadline:
            return count / (now - start)


_SPEED_LINE = re.compile(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)")


def openssl_speed(seconds: int) -> tuple[float, float]:
    """(sign/s, verify/s) from ``openssl speed -seconds N sm2``."""
    out = subprocess.run(
        ["openssl", "speed", "-seconds", str(seconds), "sm2"],
        capture_output=True,
        text=True,
        timeout=60 + 4 * seconds,
        check=True,
    ).stdout
    match = _SPEED_LINE.search(out)
    if not match:
        raise SystemExit(f"could not parse `openssl speed sm2` output:\n{out}")
    return float(match.group(1)), float(match.group(2))


def gmssl_engine() -> tuple[CryptSM2, str]:
    key = SM2PrivateKey.generate()
    public_hex = key.public_key().point()[1:].hex()
    engine = CryptSM2(private_key=key.secret_scalar_bytes().hex(), public_key="")
    engine.public_key = public_hex  # gmssl's constructor lstrip("04")s; see govnet.pki.sm2_gmssl
    return engine, engine.sign_with_sm3(MESSAGE)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds (a smoke run, noisier figures)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    seconds, rounds, gmssl_seconds = (1, 2, 1.0) if args.quick else (3, 3, 3.0)

    cpu = pin_to_one_cpu()
    key = SM2PrivateKey.generate()
    public = key.public_key()
    signature = key.sign(MESSAGE)
    engine, gmssl_signature = gmssl_engine()
    assert engine.verify_with_sm3(gmssl_signature, MESSAGE)

    best = Best()
    keep = best.keep

    for _ in range(rounds):
        speed_sign, speed_verify = openssl_speed(seconds)
        keep("openssl_sign", speed_sign)
        keep("openssl_verify", speed_verify)
        keep("govnet_sign", rate(lambda: key.sign(MESSAGE), seconds))
        keep("govnet_verify", rate(lambda: public.verify(signature, MESSAGE), seconds))
    keep("gmssl_sign", rate(lambda: engine.sign_with_sm3(MESSAGE), gmssl_seconds))
    keep("gmssl_verify", rate(lambda: engine.verify_with_sm3(gmssl_signature, MESSAGE), gmssl_seconds))

    rows = []
    for op in ("sign", "verify"):
        ours = best[f"govnet_{op}"]
        rows.append(
            {
                "operation": op,
                "govnet_per_s": round(ours, 1),
                "openssl_speed_per_s": round(best[f"openssl_{op}"], 1),
                "ratio_vs_openssl": round(ours / best[f"openssl_{op}"], 3),
                "gmssl_per_s": round(best[f"gmssl_{op}"], 1),
                "ratio_vs_gmssl": round(ours / best[f"gmssl_{op}"], 1),
            }
        )
    if args.json:
        print(
            json.dumps({"backend": sm2.backend_name(), "cpu": cpu, "rounds": rounds, "rows": rows}, indent=2)
        )
        return
    print(
        f"SM2 on one core (cpu {cpu}), backend {sm2.backend_name()}, "
        f"best of {rounds} x {seconds}s rounds, 20-byte message, default ID"
    )
    print(f"{'':8}{'govnet/s':>11}{'openssl speed/s':>17}{'ratio':>8}{'gmssl/s':>10}{'ratio':>8}")
    for row in rows:
        print(
            f"{row['operation']:8}{row['govnet_per_s']:>11.0f}{row['openssl_speed_per_s']:>17.0f}"
            f"{row['ratio_vs_openssl']:>7.2f}x{row['gmssl_per_s']:>10.0f}{row['ratio_vs_gmssl']:>7.0f}x"
        )


if __name__ == "__main__":
    main()
