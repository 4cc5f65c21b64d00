"""The shape of the code base, enforced (docs/architecture.md explains it).

- A new area is added in one place: every package folder on disk is in pyproject's package list and
  package-dir, and every area with a cli.py is registered in the CLI's areas.
- The import rules between layers hold (parsed with ``ast``, lazy imports inside functions too).
  A new area adds its line to ``IMPORT_RULES``.
- Services state problems; only the CLI layer names its flags.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS["package-dir"]
PACKAGES: list[str] = SETUPTOOLS["packages"]
NOT_CODE = {"tests", "docs", "bench", "scripts", "build", "dist"}


def _folder_of(package: str) -> Path:
    """Where setuptools finds ``package``: its own package-dir entry, else its parent's plus a folder."""
    if package in PACKAGE_DIR:
        return ROOT / PACKAGE_DIR[package]
    parent, _, name = package.rpartition(".")
    return _folder_of(parent) / name


def _package_folders() -> Iterator[tuple[Path, str | None]]:
    """Every importable package folder on disk with the import name pyproject gives it (None when
    its top-level folder is not mapped). A folder counts when it and every folder above it, up to
    its top-level folder, hold an __init__.py (so ansible_collections/ and the like do not)."""
    by_folder = {ROOT / folder: package for package, folder in PACKAGE_DIR.items()}
    for top in sorted(ROOT.iterdir()):
        if not top.is_dir() or top.name.startswith(".") or top.name in NOT_CODE or "venv" in top.name:
            continue
        if not (top / "__init__.py").exists():
            continue
        stack: list[tuple[Path, str | None]] = [(top, by_folder.get(top))]
        while stack:
            folder, name = stack.pop()
            yield folder, name
            for sub in sorted(folder.iterdir()):
                if sub.is_dir() and (sub / "__init__.py").exists():
                    mapped = by_folder.get(sub)
                    stack.append((sub, mapped or (f"{name}.{sub.name}" if name else None)))


def test_every_package_folder_is_in_pyproject() -> None:
    problems = []
    for folder, name in _package_folders():
        where = folder.relative_to(ROOT)
        if name is None:
            problems.append(f"{where}/: add it to [tool.setuptools] package-dir and packages")
        elif name not in PACKAGES:
            problems.append(f"{where}/: add {name!r} to [tool.setuptools] packages")
    assert problems == []


def test_every_listed_package_exists() -> None:
    missing = [p for p in PACKAGES if not (_folder_of(p) / "__init__.py").exists()]
    assert missing == []


# Areas whose command differs from their package's name (`govnet comply` is govnet.compliance).
def test_every_area_with_a_cli_is_registered() -> None:
    """Every package with a ``cli.py`` is reachable from ``govnet`` (under whatever command name the
    users know it by: ``collect``, ``provision``, ``comply``), and every registered module exists."""
    from govnet.cli import AREAS

    with_cli = {
        f"{name}.cli" for name in PACKAGES if name != "govnet" and (_folder_of(name) / "cli.py").exists()
    }
    assert with_cli - set(AREAS.values()) == set()
    for module in AREAS.values():
        assert (_folder_of(module.rpartition(".")[0]) / "cli.py").exists(), module


# --- import rules ------------------------------------------------------------------------------

AREAS = sorted(p for p in PACKAGES if p != "govnet")
CORE = [
    "govnet.errors",
    "govnet.settings",
    "govnet.store",
    "govnet.output",
    "govnet.verdict",
    "govnet.fsutil",
    "govnet.secrets",
    "govnet.vendors",
]


@dataclass(frozen=True)
class ImportRule:
    """Modules matching ``importers`` (fnmatch patterns) must not import ``forbidden`` packages,
    except modules matching ``allowed``."""

    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    allowed: tuple[str, ...] = ()


IMPORT_RULES = (
    ImportRule(
        ("*",),
        ("govnet.lab",),
        "the lab simulates devices; real code talks to devices through govnet.devices",
        allowed=("govnet.lab", "govnet.lab.*", "govnet.cli", "govnet.demo", "govnet.*.demo"),
    ),
    ImportRule(
        ("govnet.compliance", "govnet.compliance.*"),
        ("govnet.lab",),
        "compliance judges real configurations; the lab is one source of them, never a dependency",
    ),
    ImportRule(
        tuple(CORE),
        tuple(AREAS),
        "the core serves every area and knows none (areas register themselves with it)",
    ),
)


def _module_name(path: Path) -> str | None:
    for package, folder in sorted(PACKAGE_DIR.items(), key=lambda item: -len(item[1])):
        base = ROOT / folder
        if path.is_relative_to(base):
            parts = [package, *path.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts)
    return None


def _modules() -> Iterator[tuple[str, Path]]:
    seen = set()
    for folder in sorted({ROOT / f for f in PACKAGE_DIR.values()}):
        for path in sorted(folder.rglob("*.py")):
            name = _module_name(path)
            if name is not None and name not in seen:
                seen.add(name)
                yield name, path


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports, absolute, with its line (``from a import b`` gives a.b too,
    since b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _violations(modules: Iterator[tuple[str, Path]], root: Path = ROOT) -> list[str]:
    """One line per import statement and rule it breaks: "file:line: module imports x: why"."""
    found: dict[tuple[str, int, str], str] = {}
    for name, path in modules:
        where = str(path.relative_to(root))
        for rule in IMPORT_RULES:
            if not any(fnmatch.fnmatchcase(name, p) for p in rule.importers):
                continue
            if any(fnmatch.fnmatchcase(name, p) for p in rule.allowed):
                continue
            for imported, line in _imports(name, path):
                if any(_under(imported, f) and not _under(name, f) for f in rule.forbidden):
                    found.setdefault((where, line, rule.why), f"{name} imports {imported}")
    return [f"{where}:{line}: {what}: {why}" for (where, line, why), what in sorted(found.items())]


def test_imports_follow_the_layers() -> None:
    assert _violations(_modules()) == []


def test_the_import_rules_catch_forbidden_imports(tmp_path: Path) -> None:
    # The checker itself: lazy and relative imports count too.
    (tmp_path / "output.py").write_text("def f():\n    from govnet.lab import runtime\n", encoding="utf-8")
    (tmp_path / "checks.py").write_text("from ..lab.state import DeviceState\n", encoding="utf-8")
    (tmp_path / "demo.py").write_text("from govnet.lab import demo\n", encoding="utf-8")
    modules = [
        ("govnet.output", tmp_path / "output.py"),
        ("govnet.compliance.checks", tmp_path / "checks.py"),
        ("govnet.pki.demo", tmp_path / "demo.py"),
    ]
    found = _violations(iter(modules), tmp_path)
    assert [f.split(": ")[0] for f in found] == ["checks.py:1", "checks.py:1", "output.py:2", "output.py:2"]


# --- services do not name CLI flags ---------------------------------------------------------------

# Modules of the CLI layer: they may tell a user which flag to pass. Everything else states the problem.
CLI_LAYER = ("*.cli", "govnet.demo", "*.demo")
SERVICE_PACKAGES = ("govnet.inventory", "govnet.pki")  # an area adds itself once its services are clean
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")


def _raised_texts(path: Path) -> Iterator[tuple[int, str]]:
    """The literal text of every ``raise SomeError(...)`` message in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for arg in node.exc.args:
                for part in ast.walk(arg):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        yield node.lineno, part.value


def test_services_do_not_name_cli_flags_in_errors() -> None:
    found = []
    for name, path in _modules():
        if not any(_under(name, p) for p in SERVICE_PACKAGES):
            continue
        if any(fnmatch.fnmatchcase(name, p) for p in CLI_LAYER):
            continue
        for line, text in _raised_texts(path):
            if _FLAG.search(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert found == []
