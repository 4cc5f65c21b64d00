"""`govnet comply ...`: scan against GB/T 22239-2019, print and write reports, diff, list checks."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from govnet.errors import InputError, NotFoundError, hint
from govnet.output import JsonOption, emit
from govnet.settings import load_settings

app = typer.Typer(
    help="Graded-protection compliance (等保 2.0, GB/T 22239-2019 level 2/3): scans, reports, diffs.",
    no_args_is_help=True,
)

LevelOpt = Annotated[
    int, typer.Option("--level", "-l", help="Protection level: 2 (clause 7.1) or 3 (clause 8.1).")
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Reports to write, comma-separated: html, json, junit, sarif.")
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports.")]
_COLOUR = {"pass": "green", "fail": "red", "error": "magenta", "manual": "dim", "not_applicable": "dim"}


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


def _store() -> Any:
    from govnet.compliance import schema  # noqa: F401  (registers the tables)
    from govnet.store import Store

    return Store.open(load_settings().effective_store_url)


def _history() -> Any:
    """The store the collectors keep their history in (the same store, its tables registered)."""
    from govnet.collectors import schema  # noqa: F401  (registers the tables)

    return _store()


@app.command()
def scan(
    config: Annotated[
        list[Path] | None,
        typer.Option(
            "--config", "-c", help="Config file or folder (repeatable; default: the backups in $GOVNET_HOME)."
        ),
    ] = None,
    level: LevelOpt = 3,
    assets: Annotated[
        str, typer.Option(help="Asset kinds, comma-separated: devices, hosts, design, pki.")
    ] = "devices",
    host_root: Annotated[
        list[Path] | None,
        typer.Option("--host-root", help="A Linux host's filesystem root (repeatable; implies hosts)."),
    ] = None,
    pki_keys: Annotated[
        list[Path] | None,
        typer.Option(
            "--pki-keys", help="Private-key files or folders to judge with pki (besides $GOVNET_HOME/pki)."
        ),
    ] = None,
    bandwidth_window: Annotated[
        float, typer.Option(help="design: days of collectors' history judged for peak utilisation.")
    ] = 7,
    bandwidth_threshold: Annotated[
        float, typer.Option(help="design: a link's peak above this percent of its tier fails.")
    ] = 80,
    provision_policy: Annotated[
        Path | None,
        typer.Option(help="design: provisioning policy file (management networks, syslog/NTP servers)."),
    ] = None,
    ssh_host: Annotated[
        list[str] | None,
        typer.Option(
            "--ssh-host", help="A Linux host over SSH, [USER@]HOST[:PORT] (repeatable; implies hosts)."
        ),
    ] = None,
    ssh_key: Annotated[
        Path | None, typer.Option("--ssh-key", help="Private key for --ssh-host (mode 0600).")
    ] = None,
    ssh_key_passphrase: Annotated[
        str | None, typer.Option("--ssh-key-passphrase", help="The key's passphrase: env:VAR or file:PATH.")
    ] = None,
    ssh_password: Annotated[
        str | None, typer.Option("--ssh-password", help="Password for --ssh-host: env:VAR or file:PATH.")
    ] = None,
    known_hosts: Annotated[
        Path | None,
        typer.Option("--known-hosts", help="known_hosts for --ssh-host (default ~/.ssh/known_hosts)."),
    ] = None,
    fmt: FormatOpt = "",
    out: OutOpt = Path("compliance-report"),
    vendor: Annotated[
        str | None, typer.Option(help="Vendor of every file (default: detected per file).")
    ] = None,
    live: Annotated[
        bool, typer.Option(help="Fetch running configurations over SSH from the inventory.")
    ] = False,
    inventory: Annotated[
        Path | None, typer.Option("--inventory", "-i", help="Inventory for --live and design.")
    ] = None,
    overlay: Annotated[Path | None, typer.Option(help="Lab overlay for --live.")] = None,
    keep: Annotated[
        bool, typer.Option("--store/--no-store", help="Keep the scan in the store (for diffs).")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Scan device configurations; exit 1 when anything fails or cannot be judged."""
    from govnet.compliance import service
    from govnet.compliance.ssh import SshCredentials

    if level not in (2, 3):
        raise InputError(f"--level must be 2 or 3, not {level}")
    kinds = service.parse_kinds(assets + (",hosts" if host_root or ssh_host else ""))
    settings = load_settings()
    found: list[Iterable[Any]] = []  # asset sources, read lazily as the scan goes
    if "hosts" in kinds:
        with hint(InputError, "give --host-root DIR or --ssh-host [USER@]HOST[:PORT]"):
            creds = SshCredentials(ssh_key, ssh_key_passphrase, ssh_password, known_hosts)
            found.append(service.gather_hosts(host_root or [], ssh_host or [], creds))
    if "design" in kinds:
        with hint(InputError, "give --inventory PATH (or the `inventory` setting)"):
            found.append(
                service.gather_design(
                    inventory or settings.inventory,
                    history=_history(),
                    backups=service.backups_dir(settings.home),
                    policy=provision_policy,
                    window_days=bandwidth_window,
                    threshold=bandwidth_threshold,
                )
            )
    if "pki" in kinds:
        found.append(service.gather_pki(settings, pki_keys or []))
    if "devices" in kinds and not (
        (host_root or ssh_host) and assets == "devices" and not config and not live
    ):
        with hint(InputError, "give --config FILE|DIR, or --live --inventory PATH"):
            found.append(
                service.gather_devices(
                    config or [],
                    home=settings.home,
                    vendor=vendor,
                    inventory=inventory or settings.inventory,
                    overlay=overlay,
                    live=live,
                )
            )
    run = service.run_scan(
        itertools.chain.from_iterable(found),
        level=level,
        store=_store() if keep else None,
        out=out if fmt else None,
        formats=_formats(fmt),
    )
    report = run.to_dict()
    written = list(run.written)
    emit(report, as_json=as_json, render=lambda c: _render_summary(c, report, written))
    if report["summary"]["fail"] or report["summary"]["error"]:
        raise typer.Exit(1)


def _render_summary(c: Console, report: dict[str, Any], written: list[Path]) -> None:
    s = report["summary"]
    pct = "—" if s["score"] is None else f"{s['score'] * 100:.1f}%"
    c.print(
        f"{report['standard']} level {report['level']}: score {pct} ({s['pass']} pass, {s['fail']} fail, "
        f"{s['error']} error, {s['manual']} manual, {s['not_applicable']} n/a)"
    )
    table = Table("family", "score", "pass", "fail", "error")
    for f in report["families"].values():
        score = "—" if f["score"] is None else f"{f['score'] * 100:.0f}%"
        table.add_row(Text(f"{f['zh']} {f['en']}"), score, str(f["pass"]), str(f["fail"]), str(f["error"]))
    c.print(table)
    bad = [f for f in report["findings"] if f["outcome"] in ("fail", "error")]
    for f in bad[:40]:
        c.print(
            Text(
                f"{f['asset']}  {f['clause']}  {f['check']}: {f['outcome']} — {f['reason']}",
                style=_COLOUR[f["outcome"]],
            )
        )
    if len(bad) > 40:
        c.print(f"… and {len(bad) - 40} more (see the reports)")
    if report.get("diff"):
        d = report["diff"]
        new, fixed = d["new_failures_total"], d["fixed_total"]
        gap = f", {d['not_scanned_total']} of its assets not scanned" if d["not_scanned_total"] else ""
        since = f"since scan {d['against']} (same level, same asset kinds)"
        c.print(f"{since}: {new} new failure(s), {fixed} fixed{gap}")
    for p in written:
        c.print(f"wrote {p}")


@app.command()
def report(
    scan_id: Annotated[
        int | None, typer.Option("--scan", help="Stored scan id (default: the latest).")
    ] = None,
    source: Annotated[Path | None, typer.Option("--from", help="A JSON report instead of the store.")] = None,
    fmt: FormatOpt = "html,json",
    out: OutOpt = Path("compliance-report"),
    as_json: JsonOption = False,
) -> None:
    """Write reports for a stored scan (or a JSON report) again, in any format."""
    from govnet.compliance.report import scan_from_dict, stream_reports, write_reports

    if source is not None:
        written = write_reports(scan_from_dict(_read_json(source), str(source)), out, _formats(fmt))
    else:
        from govnet.compliance.history import stored_results

        _, head, results = stored_results(_store(), scan_id)
        written = stream_reports(head, results, out, _formats(fmt))

    def render(c: Console) -> None:
        for p in written:
            c.print(f"wrote {p}")

    emit([str(p) for p in written], as_json=as_json, render=render)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None


@app.command()
def diff(
    before: Annotated[
        Path | None, typer.Option("--from", help="Earlier JSON report (default: the previous stored scan).")
    ] = None,
    after: Annotated[
        Path | None, typer.Option("--to", help="Later JSON report (default: the latest stored scan).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """New failures and fixes between two scans of the same level, over the assets both judged;
    exit 1 when there are new failures. Stored scans: the latest against the latest earlier one
    of the same level and asset kinds."""
    if (before is None) != (after is None):
        raise InputError("give both --from and --to, or neither (the latest stored scan and its predecessor)")
    if before is not None and after is not None:
        from govnet.compliance.report import scan_from_dict
        from govnet.compliance.scores import diff as diff_scans

        old, new = (
            scan_from_dict(_read_json(before), str(before)),
            scan_from_dict(_read_json(after), str(after)),
        )
        if old.level != new.level:
            raise InputError(
                f"{before} is a level-{old.level} scan and {after} a level-{new.level} one: "
                "a diff compares scans at the same level"
            )
        d = diff_scans(old.findings, new.findings)
    else:
        from govnet.compliance.history import latest_scan, previous_scan, stored_diff

        store = _store()
        latest = latest_scan(store)
        earlier = previous_scan(store, latest)
        if earlier is None:
            raise NotFoundError(
                f"no scan before scan {latest} at its level over the same asset kinds in {store.url_masked}"
            )
        d = stored_diff(store, earlier, latest)

    def render(c: Console) -> None:
        c.print(f"{d.new_total} new failure(s), {d.fixed_total} fixed, {d.still_failing} still failing")
        if d.not_scanned_total:
            c.print(f"{d.not_scanned_total} asset(s) of the earlier scan not scanned (not compared)")
        for f in d.new_failures:
            c.print(Text(f"+ {f.asset}  {f.clause}  {f.check}: {f.reason}", style="red"))
        for f in d.fixed:
            c.print(Text(f"- {f.asset}  {f.clause}  {f.check}: fixed", style="green"))

    emit(d.to_dict(), as_json=as_json, render=render)
    if d.new_failures:
        raise typer.Exit(1)


@app.command("list-checks")
def list_checks(as_json: JsonOption = False) -> None:
    """The registered checks and the baseline items (clauses) each one serves."""
    from govnet.compliance.baseline import load_baseline
    from govnet.compliance.checks import CHECKS

    baseline = load_baseline()
    rows: list[dict[str, Any]] = []
    for check in sorted(CHECKS.values(), key=lambda c: c.id):
        clauses = [
            f"L{lvl} {item.clause[lvl]}"
            for item in baseline.items
            if check.id in item.checks
            for lvl in item.levels
        ]
        rows.append({**check.to_dict(), "clauses": clauses, "remedies": baseline.remedies.get(check.id, {})})

    def render(c: Console) -> None:
        table = Table("id", "asset", "title", "clauses")
        for r in rows:
            table.add_row(r["id"], r["asset_type"], Text(r["title"]), ", ".join(r["clauses"]))
        c.print(table)
        manual = [i for i in baseline.items if not i.checks]
        c.print(
            f"{len(rows)} checks; {len(baseline.items)} baseline items, {len(manual)} of them manual only"
        )

    emit(rows, as_json=as_json, render=render)
