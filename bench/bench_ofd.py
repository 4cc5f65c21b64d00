"""OFD benchmark: verifying a large sealed OFD beside ``openssl dgst -sm3`` over the same bytes.

One run builds an OFD of 200 MiB of parts (``--quick``: 32 MiB): a few pages of text and scanned page
images (pseudo-random bytes, as JPEGs are, deflated like every part as OFD writers do), seals it with
govnet (SES_Signature v4 on page 1), and extracts its parts to a folder. Then it alternates rounds of

- **govnet**: ``verify_ofd`` on the file -- open the zip, check it against the limits, inflate every
  part with its CRC check, SM3 each against its reference, parse the XML, verify the SES_Signature and
  both certificate chains with CRLs;
- **openssl**: ``openssl dgst -sm3`` over the extracted parts (the same uncompressed bytes, no zip),

pinned to one CPU. Figures are MiB of parts per CPU-second (user + system) of the process doing the
work, best of the rounds; the ratio is govnet / openssl (1.0: verification costs what hashing the bytes
costs). The verdict must be PASSED.
Run: ``.venv/bin/python bench/bench_ofd.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import tempfile
import zipfile
from pathlib import Path

from bench_seal import CODE, _party
from bench_sm3 import cpu
from benchkit import pin_to_one_cpu

from govnet.pki import x509
from govnet.pki.ofd import Placement, SealSigner, VerifyOptions, build_sample_ofd, sign_ofd, verify_ofd
from govnet.pki.seal.model import SealKind
from govnet.pki.seal.picture import round_seal_png
from govnet.pki.seal.verify import Trust
from govnet.pki.seal.writer import SealRequest, build_seal

IMAGE_MIB = 4


def build(folder: Path, mib: int) -> tuple[Path, Trust]:
    """A sealed OFD of about ``mib`` MiB of parts, and the trust that verifies it."""
    now = dt.datetime.now(dt.UTC)
    _, root, root_issuer = _party("root", "CN=Bench Root CA", None, now)
    _, inter, inter_issuer = _party("intermediate", "CN=Bench Issuing CA", root_issuer, now)
    maker_key, maker, _ = _party("seal-maker", "CN=制章中心,O=示例局", inter_issuer, now, credit_code=CODE)
    signer_key, signer, _ = _party("signer", "CN=王小明", inter_issuer, now)
    crls = [
        x509.build_crl(
            issuer=i, number=1, this_update=now, next_update=now + dt.timedelta(days=1), revoked=()
        )
        for i in (root_issuer, inter_issuer)
    ]
    seal = build_seal(
        SealRequest(
            es_id="bench-0001",
            kind=SealKind.ORGANISATION,
            name="示例局公章",
            certificates=(signer,),
            valid_start=now - dt.timedelta(minutes=1),
            valid_end=now + dt.timedelta(days=30),
            picture=round_seal_png(64),
            width_mm=40,
            height_mm=40,
        ),
        maker_key,
        maker,
    )
    images = {}
    block = os.urandom(IMAGE_MIB << 20)
    for i in range(max(1, mib // IMAGE_MIB)):
        images[f"Doc_0/Res/scan_{i}.jpg"] = block[i:] + block[:i]  # distinct parts, cheaply
    pages = [[f"第 {n + 1} 页", "营业执照 电子证照"] for n in range(8)]
    plain = folder / "plain.ofd"
    plain.write_bytes(build_sample_ofd(pages, extra_parts=images))
    sealed = folder / "sealed.ofd"
    sign_ofd(plain, sealed, SealSigner(signer_key, signer, seal), placement=Placement(1, 120, 200))
    return sealed, Trust(roots=[root], intermediates=[inter], crls=crls)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="32 MiB and 2 rounds instead of 200 MiB and 3")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    mib, rounds = (32, 2) if args.quick else (200, 3)
    cpu_id = pin_to_one_cpu()

    with tempfile.TemporaryDirectory(prefix="govnet-bench-ofd-") as tmp:
        folder = Path(tmp)
        sealed, trust = build(folder, mib)
        parts_dir = folder / "parts"
        with zipfile.ZipFile(sealed) as archive:
            archive.extractall(parts_dir)
            total = sum(i.file_size for i in archive.infolist())
        files = sorted(str(p) for p in parts_dir.rglob("*") if p.is_file())
        options = VerifyOptions(trust=trust)
        report = verify_ofd(sealed, options)  # warm the page cache and the code paths
        if not report.ok:
            raise SystemExit(f"the benchmark OFD does not verify: {json.dumps(report.summary())[:2000]}")
        total_mib = total / (1 << 20)
        best_ours = best_openssl = 0.0
        for _ in range(rounds):
            start = cpu(resource.RUSAGE_SELF)
            report = verify_ofd(sealed, options)
            best_ours = max(best_ours, total_mib / (cpu(resource.RUSAGE_SELF) - start))
            assert report.ok

            start = cpu(resource.RUSAGE_CHILDREN)
            subprocess.run(["openssl", "dgst", "-sm3", "-r", *files], capture_output=True, check=True)
            best_openssl = max(best_openssl, total_mib / (cpu(resource.RUSAGE_CHILDREN) - start))
        references = len(report.signatures[0].references)

    result = {
        "parts_mib": round(total_mib, 1),
        "parts": len(files),
        "references": references,
        "rounds": rounds,
        "cpu": cpu_id,
        "govnet_verify_mib_per_cpu_s": round(best_ours, 1),
        "openssl_dgst_mib_per_cpu_s": round(best_openssl, 1),
        "ratio_vs_openssl": round(best_ours / best_openssl, 3),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"OFD verification: {total_mib:.0f} MiB in {len(files)} parts ({references} references), one core "
        f"(cpu {cpu_id}), best of {rounds} rounds, verdict PASSED"
    )
    print(f"{'':34}{'MiB/CPU-s':>11}")
    print(f"{'govnet verify_ofd (zip + checks)':34}{best_ours:>11.0f}")
    print(f"{'openssl dgst -sm3 (parts alone)':34}{best_openssl:>11.0f}")
    print(f"ratio govnet/openssl: {best_ours / best_openssl:.2f}x")


if __name__ == "__main__":
    main()
