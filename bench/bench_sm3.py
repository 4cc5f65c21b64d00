"""SM3 benchmark: hashing a large file with ``govnet.pki.sm3.sm3_file`` beside ``openssl dgst -sm3``.

One run writes a file of pseudo-random bytes (256 MiB; ``--quick``: 32 MiB) in a temporary folder,
reads it once so both sides start from the page cache, then alternates rounds of ``sm3_file`` (in
this process) and ``openssl dgst -sm3`` (a child) on it. Figures are MiB per CPU-second (user +
system: reading the file is part of the job) of the process doing the hashing, best of the rounds,
pinned to one CPU; the ratio is govnet / openssl (aim >= 0.9). Both digests must agree. The growth
of this process's peak resident memory while hashing is printed too: streaming keeps it near the
1 MiB chunk, whatever the file's size.
Run: ``.venv/bin/python bench/bench_sm3.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import tempfile
from pathlib import Path

from benchkit import pin_to_one_cpu

from govnet.pki.sm3 import sm3_file


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def reset_peak_rss() -> None:
    """Make VmHWM start again from the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_file(path: Path, mib: int) -> None:
    block = os.urandom(1 << 20)
    with path.open("wb") as handle:
        for i in range(mib):
            handle.write(block[i % 256 :] + block[: i % 256])  # vary the blocks cheaply


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="32 MiB and 2 rounds instead of 256 MiB and 3")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    mib, rounds = (32, 2) if args.quick else (256, 3)
    cpu_id = pin_to_one_cpu()

    with tempfile.TemporaryDirectory(prefix="govnet-bench-sm3-") as tmp:
        path = Path(tmp) / "blob.bin"
        write_file(path, mib)
        sm3_file(path)  # warm the page cache (and the code paths)
        reset_peak_rss()
        rss_before = status_mib("VmRSS")
        best_ours = best_openssl = 0.0
        ours = theirs = ""
        for _ in range(rounds):
            start = cpu(resource.RUSAGE_SELF)
            ours = sm3_file(path).hex()
            best_ours = max(best_ours, mib / (cpu(resource.RUSAGE_SELF) - start))

            start = cpu(resource.RUSAGE_CHILDREN)
            out = subprocess.run(
                ["openssl", "dgst", "-sm3", "-r", str(path)], capture_output=True, text=True, check=True
            ).stdout
            best_openssl = max(best_openssl, mib / (cpu(resource.RUSAGE_CHILDREN) - start))
            theirs = out.split()[0]
        rss_growth = status_mib("VmHWM") - rss_before
    if ours != theirs:
        raise SystemExit(f"digests differ: govnet {ours}, openssl {theirs}")

    result = {
        "file_mib": mib,
        "rounds": rounds,
        "cpu": cpu_id,
        "govnet_mib_per_cpu_s": round(best_ours, 1),
        "openssl_dgst_mib_per_cpu_s": round(best_openssl, 1),
        "ratio_vs_openssl": round(best_ours / best_openssl, 3),
        "peak_rss_growth_mib": round(rss_growth, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"SM3 of a {mib} MiB file on one core (cpu {cpu_id}), best of {rounds} rounds, digests agree")
    print(f"{'':22}{'MiB/CPU-s':>11}")
    print(f"{'govnet sm3_file':22}{best_ours:>11.0f}")
    print(f"{'openssl dgst -sm3':22}{best_openssl:>11.0f}")
    print(
        f"ratio govnet/openssl: {best_ours / best_openssl:.2f}x; "
        f"peak RSS growth while hashing: {rss_growth:.1f} MiB"
    )


if __name__ == "__main__":
    main()
