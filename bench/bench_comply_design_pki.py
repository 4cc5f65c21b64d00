"""Compliance design and PKI checks: how long a scan's `design` and `pki` assets take, beside references
from the same run (pinned to one CPU).

- **pki**: ``read_pki`` plus the six PKI checks over a store of N end-entity certificates (issued
  from a CSR, two CAs, their CRLs) — beside bare ``verify_path`` of the same N certificates through
  intermediate → root (the SM2 work a relying party does anyway). The ratio is what the snapshot and
  the other checks add on top of verifying every chain once.
- **design**: ``read_design`` with the collectors' store plus the seven design checks over the
  sample extranet (83 devices, 89 links) and D days of 5-minute rollups for every link end — beside
  reading the same rollups with ``collectors.snmp.store.rollups`` once per device. The ratio is what
  loading the inventory, matching ports and judging add on top of reading the history.

Run: ``.venv/bin/python bench/bench_comply_design_pki.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchkit import pin_to_one_cpu
from sqlalchemy import insert

from govnet.collectors import schema as collectors_schema
from govnet.collectors.snmp.findings import link_ends
from govnet.collectors.snmp.store import BUCKET_S, rollups
from govnet.compliance.checks import CHECKS
from govnet.compliance.design import read_design
from govnet.compliance.pki import read_pki
from govnet.compliance.scan import run_check
from govnet.inventory.loader import load_inventory
from govnet.inventory.service import plan_at
from govnet.pki import ca, verify, x509
from govnet.pki.profiles import parse_subject
from govnet.pki.sm2 import SM2PrivateKey
from govnet.pki.verify import verify_path
from govnet.settings import load_settings
from govnet.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "inventory" / "examples" / "sample"


def _cold() -> None:
    """Forget the signatures govnet.pki.verify memoised, so that each phase verifies every one itself."""
    for value in vars(verify).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def bench_pki(work: Path, leaves_n: int) -> dict[str, float]:
    os.environ["GOVNET_PKI_PASSPHRASE"] = "benchmark passphrase, not a secret"
    settings = load_settings(home=work / "pki-home")
    with Store.open(settings.effective_store_url) as store:
        made = ca.init_ca(store, settings, name="CN=Bench Root", intermediate_name="CN=Bench Issuing CA")
        assert made.intermediate is not None
        signer = ca.open_signer(store, settings)
        key = SM2PrivateKey.generate()
        leaves = [  # distinct subjects: none supersedes another, so every one is judged
            ca.issue_certificate(
                store,
                settings,
                profile="device",
                csr_data=x509.build_csr(parse_subject(f"CN=router-{i}"), key).dump(),
                signer=signer,
            ).record
            for i in range(leaves_n)
        ]
        ca.issue_crl(store, settings)
        ca.issue_crl(store, settings, ca_serial=made.root.serial)
    roots, inters = [made.root.certificate], [made.intermediate.certificate]
    verify_path(leaves[0].certificate, intermediates=inters, roots=roots)  # warm up the SM2 backend
    _cold()
    start = time.perf_counter()
    for record in leaves:
        assert verify_path(record.certificate, intermediates=inters, roots=roots).checks
    reference = time.perf_counter() - start
    pki_checks = [c for c in CHECKS.values() if c.asset_type == "pki"]
    _cold()
    start = time.perf_counter()
    asset = read_pki(settings)
    outcomes = {c.id: run_check(c.id, asset).outcome.value for c in pki_checks}
    scan_s = time.perf_counter() - start
    assert outcomes["pki.chain-health"] == "pass", outcomes
    return {
        "certificates": leaves_n + 2,
        "scan_s": round(scan_s, 3),
        "certificates_per_s": round((leaves_n + 2) / scan_s, 1),
        "verify_path_s": round(reference, 3),
        "ratio": round(scan_s / reference, 2),
    }


def bench_design(work: Path, days: int) -> dict[str, float]:
    folder = work / "inventory"
    shutil.copytree(SAMPLE, folder)
    plan_at(folder)
    inv = load_inventory(folder)
    assert collectors_schema.COMPONENT
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    until = now.timestamp()
    buckets = [int(until - (i + 1) * BUCKET_S) for i in range(days * 86400 // BUCKET_S)]
    with Store.open(f"sqlite:///{work / 'history.db'}") as store:
        rows = [
            {
                "device": end.device,
                "interface": end.interface,
                "bucket": b,
                "samples": 1,
                "in_sum": 1e6 * (i % 50),
                "in_max": 1e6 * (i % 50),
                "out_sum": 5e5,
                "out_max": 5e5,
                "speed_mbps": end.tier_mbps,
            }
            for end in link_ends(inv)
            for i, b in enumerate(buckets)
        ]
        with store.begin() as conn:
            conn.execute(insert(collectors_schema.snmp_rollups), rows)
        since = until - days * 86400
        devices = sorted({e.device for e in link_ends(inv)})
        for device in devices:  # once untimed, so that both phases find SQLite's pages cached
            rollups(store, device, since=since, until=until)
        start = time.perf_counter()
        for device in devices:
            rollups(store, device, since=since, until=until)
        reference = time.perf_counter() - start
        design_checks = [c for c in CHECKS.values() if c.asset_type == "design"]
        start = time.perf_counter()
        asset = read_design(folder, history=store, now=now, window_days=days)
        outcomes = {c.id: run_check(c.id, asset).outcome.value for c in design_checks}
        scan_s = time.perf_counter() - start
    assert outcomes["design.bandwidth-peak"] == "pass", outcomes
    return {
        "links": len(inv.links),
        "rollup_rows": len(rows),
        "scan_s": round(scan_s, 3),
        "rollup_rows_per_s": round(len(rows) / scan_s),
        "read_rollups_s": round(reference, 3),
        "ratio": round(scan_s / reference, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about 10 s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    cpu = pin_to_one_cpu()
    work = Path(tempfile.mkdtemp(prefix="govnet-bench-comply-dp-"))
    try:
        figures = {
            "cpu": cpu,
            "pki": bench_pki(work, 100 if args.quick else 1000),
            "design": bench_design(work, 1 if args.quick else 7),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    p, d = figures["pki"], figures["design"]
    print(
        f"pki:    {p['certificates']} certificates judged in {p['scan_s']} s ({p['certificates_per_s']}/s); "
        f"verify_path of the same: {p['verify_path_s']} s; ratio {p['ratio']}"
    )
    print(
        f"design: {d['links']} links, {d['rollup_rows']} rollup rows judged in {d['scan_s']} s "
        f"({d['rollup_rows_per_s']} rows/s); reading the rollups alone: {d['read_rollups_s']} s; "
        f"ratio {d['ratio']}"
    )


if __name__ == "__main__":
    main()
