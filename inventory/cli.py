"""`govnet inventory ...` commands: parse, call ``govnet.inventory.service``, render."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from govnet.errors import InputError, hint
from govnet.fsutil import atomic_write
from govnet.output import JsonOption, console, emit, progress
from govnet.settings import load_settings

app = typer.Typer(
    help="The extranet's inventory: sites, devices, links, address plan, Ansible export.",
    no_args_is_help=True,
)

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="Inventory file or folder (default: the `inventory` setting, $GOVNET_INVENTORY).",
        show_default=False,
    ),
]
OverlayOpt = Annotated[
    Path | None,
    typer.Option(help="Device-lab overlay (e.g. $GOVNET_HOME/lab/overlay.yaml): lab endpoints for devices."),
]


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """File-system errors while writing ``path`` are the user's to fix: name the path, exit 2."""
    try:
        yield
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _path(path: Path | None) -> Path:
    if path is None:
        path = load_settings().inventory
    if path is None:
        raise InputError("no inventory given: pass PATH or set GOVNET_INVENTORY")
    return path


@app.command("validate")
def validate_cmd(
    path: PathArg = None,
    overlay: OverlayOpt = None,
    as_json: JsonOption = False,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    max_bytes: Annotated[int, typer.Option(help="Refuse YAML files larger than this.")] = 64 * 1024 * 1024,
) -> None:
    """Load and check everything; report ALL problems with file, line and column. Exit 1 on errors."""
    from .service import validate_at
    from .yamlsafe import YamlLimits

    if max_bytes < 1:
        raise InputError(f"--max-bytes must be positive, got {max_bytes}")
    with progress("loading and checking the inventory"):
        report = validate_at(_path(path), overlay=overlay, limits=YamlLimits(max_bytes=max_bytes))

    def render(out: Console) -> None:
        # One line per problem, compiler style (file:line:column: ...), so editors can jump to it.
        for p in report.problems:
            style = "bold red" if p.severity.value == "error" else "yellow"
            out.print(
                Text.assemble(
                    f"{p.location}: ",
                    (p.severity.value, style),
                    f": {p.entity}: {p.message} ",
                    (f"[{p.rule}]", "dim"),
                ),
                soft_wrap=True,
            )
        inv = report.inventory
        verdict = "[green]valid[/]" if report.ok else "[red]invalid[/]"
        out.print(
            f"{verdict}: {len(inv.sites)} sites, {len(inv.devices)} devices, {len(inv.links)} links;"
            f" {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )

    emit(report.to_dict(), as_json=as_json, render=render)
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


@app.command("plan")
def plan_cmd(
    path: PathArg = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be assigned; write nothing.")
    ] = False,
    prune: Annotated[
        bool, typer.Option(help="Free the space of entities no longer in the inventory.")
    ] = False,
    renumber: Annotated[
        list[str] | None,
        typer.Option(
            help="Drop this site's, device's or link's addresses and plan them afresh (repeatable)."
        ),
    ] = None,
    as_json: JsonOption = False,
    show: Annotated[int, typer.Option(help="How many new assignments to list in the table.")] = 40,
) -> None:
    """Allocate addresses from the pools; keep existing ones; write plan.yaml next to the inventory."""
    from .service import InventoryInvalid, plan_at

    if show < 0:
        raise InputError(f"--show must not be negative, got {show}")
    inventory_path = _path(path)
    with (
        progress("checking the inventory and planning addresses"),
        hint(InventoryInvalid, f"`govnet inventory validate {inventory_path}` lists them all"),
    ):
        outcome = plan_at(inventory_path, dry_run=dry_run, prune=prune, renumber=renumber or ())
    r = outcome.result

    def render(out: Console) -> None:
        if r.new:
            title = "would assign" if dry_run else "assigned"
            table = Table("entity", "field", "address", title=f"{title} ({len(r.new)})")
            for a in r.new[:show]:
                table.add_row(Text(f"{a.section[:-1]} {a.id}"), Text(a.field), Text(a.value))
            out.print(table)
            if len(r.new) > show:
                out.print(f"... and {len(r.new) - show} more (--json lists all)")
        verb = "would write" if dry_run else "wrote"
        out.print(
            f"{len(r.new)} new, {r.kept} kept, {len(r.reserved)} reserved for deleted entities,"
            f" {len(r.pruned)} pruned; {verb} {escape(str(outcome.plan_path))}"
            + ("" if r.new or r.pruned or not dry_run else " (nothing to change)")
        )

    emit(outcome.to_dict(), as_json=as_json, render=render)


def _summary(path: Path | None, overlay: Path | None, as_json: bool) -> None:
    from .service import summary_at

    data = summary_at(_path(path), overlay=overlay)
    emit(data, as_json=as_json, render=lambda out: render_summary(out, data))


@app.command("summary")
def summary_cmd(path: PathArg = None, overlay: OverlayOpt = None, as_json: JsonOption = False) -> None:
    """Sites per level, links per tier, IPv6 coverage, level-3 sites and their redundancy."""
    _summary(path, overlay, as_json)


@app.command("show")
def show_cmd(path: PathArg = None, overlay: OverlayOpt = None, as_json: JsonOption = False) -> None:
    """The same as `summary`."""
    _summary(path, overlay, as_json)


def render_summary(out: Console, data: dict[str, Any], level3_rows: int = 15) -> None:
    out.print(
        f"[bold]{escape(str(data['name']))}[/]: "
        f"{data['sites']} sites, {data['devices']} devices, {data['links']} links"
    )
    levels = Table("level", "sites", "level 3", title="sites per level")
    for level, count in data["sites_per_level"].items():
        levels.add_row(level, str(count), str(data["level3_sites_per_level"][level]))
    tiers = Table("tier", "links", title="links per tier")
    for tier, count in data["links_per_tier"].items():
        tiers.add_row(tier, str(count))
    ipv6 = Table("IPv6", "covered", title="IPv6 coverage")
    for what, share in data["ipv6"].items():
        ipv6.add_row(what.replace("_", " "), f"{share['count']}/{share['of']} ({share['percent']}%)")
    grid = Table.grid(padding=(0, 2))
    grid.add_row(levels, tiers, ipv6)
    out.print(grid)
    l3 = Table("site", "name", "level", "uplinks", "devices", "redundant", title="level-3 sites (等保三级)")
    for row in data["level3"][:level3_rows]:
        redundant = {True: "[green]yes[/]", False: "[red]NO[/]", None: "top (not judged)"}[row["redundant"]]
        l3.add_row(
            Text(row["site"]),
            Text(row["name"]),
            row["level"],
            str(row["uplinks"]),
            str(len(row["devices"])),
            redundant,
        )
    out.print(l3)
    if len(data["level3"]) > level3_rows:
        out.print(f"... and {len(data['level3']) - level3_rows} more level-3 sites (--json lists all)")
    if data["level3_not_redundant"]:
        out.print(
            f"[red]level-3 sites without redundant uplinks:[/] {', '.join(data['level3_not_redundant'])}"
        )


@app.command("ansible")
def ansible_cmd(
    path: PathArg = None,
    list_: Annotated[bool, typer.Option("--list", help="Dynamic-inventory JSON (the default).")] = False,
    host: Annotated[str | None, typer.Option("--host", help="One host's variables as JSON.")] = None,
    static: Annotated[
        bool, typer.Option("--static", help="A static YAML inventory instead of JSON.")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    write_script: Annotated[
        Path | None, typer.Option(help="Write an executable dynamic-inventory script for `ansible -i`.")
    ] = None,
    overlay: OverlayOpt = None,
) -> None:
    """The inventory as Ansible sees it: dynamic-inventory JSON (--list, --host) or static YAML."""
    from . import ansible
    from .service import ansible_host_at, ansible_list_at, ansible_static_at

    inventory_path = _path(path)
    if write_script is not None:
        from .loader import load_inventory

        load_inventory(inventory_path, overlay=overlay)  # refuse to point Ansible at a broken inventory
        with _writing(write_script):
            ansible.write_script(write_script, inventory_path, overlay)
        console.print(
            f"wrote {write_script}: use it as `ansible-inventory -i {write_script} --list`", markup=False
        )
        return
    if list_ and host is not None:
        raise InputError("--list and --host exclude each other (Ansible asks for one at a time)")
    if host is not None:
        text = json.dumps(ansible_host_at(inventory_path, host, overlay), ensure_ascii=False, indent=2)
    elif static:
        import yaml

        dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(
            ansible_static_at(inventory_path, overlay), Dumper=dumper, allow_unicode=True, sort_keys=False
        )
    else:
        text = json.dumps(ansible_list_at(inventory_path, overlay), ensure_ascii=False, indent=2)
    if output is not None:
        with _writing(output):
            atomic_write(output, text if text.endswith("\n") else text + "\n")
        console.print(f"wrote {output}", markup=False)
    else:
        print(text)


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inventory to.")],
    sites: Annotated[int, typer.Option(help="How many sites (at least 3).")] = 72,
    seed: Annotated[int, typer.Option(help="Same seed, same extranet.")] = 1,
    sample: Annotated[bool, typer.Option(help="Write the shipped sample's shape (ignores --sites).")] = False,
    force: Annotated[
        bool, typer.Option(help="Replace the YAML files (and drop the plan) of a folder that has some.")
    ] = False,
) -> None:
    """A realistic synthetic extranet of any size, for tests and benchmarks."""
    from .generate import SAMPLE_SHAPE, generate, shape_for

    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    existing = (
        sorted(p.name for p in out.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if out.is_dir() else []
    )
    if existing and not force:
        shown = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
        raise InputError(
            f"{out} already holds YAML files ({shown}):"
            " generating would replace them and drop the plan; pass --force to do so"
        )
    shape = SAMPLE_SHAPE if sample else shape_for(sites)
    with _writing(out), progress(f"writing {shape.sites} sites", total=shape.sites) as advance:
        counts = generate(out, shape=shape, seed=seed, on_site=advance)
    console.print(
        f"wrote {out}: {counts['sites']} sites, {counts['devices']} devices, {counts['links']} links",
        markup=False,
    )
