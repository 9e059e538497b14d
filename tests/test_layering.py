"""The layering checks itself (docs/architecture.md): the import contracts of setup.cfg hold
and bite, and the rules below the module level, which import-linter cannot see, are scanned
here with ast: no area imports another area's private names, services build no URLs, and
every services module says that its caller has checked access."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLC = ROOT / "plc"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=where,
                          capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# Each breaks one contract: a line added to a copy of plc, and the contract that must fail.
VIOLATIONS = [
    ("plans/models.py", "from plc.plans import views", "Models import no services"),
    ("permissions.py", "from plc.plans import loading", "plc.permissions imports only"),
    ("notifications/services.py", "from plc.notifications import views",
     "Services import no views"),
    ("plans/models.py", "from plc.plans import revisions", "No import cycle"),
    ("meetings/queries.py", "from plc.plans import views", "Views are imported by the app"),
]


@pytest.mark.parametrize("path, line, contract", VIOLATIONS, ids=[v[2] for v in VIOLATIONS])
def test_the_import_contracts_bite(tmp_path, path, line, contract):
    shutil.copytree(PLC, tmp_path / "plc", ignore=shutil.ignore_patterns(
        "templates", "static", "__pycache__", "data"))
    shutil.copy(ROOT / "setup.cfg", tmp_path)
    (tmp_path / "tests").mkdir()
    for name in ("__init__.py", "import_contracts.py"):
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests")
    target = tmp_path / "plc" / path
    target.write_text(target.read_text() + f"\n{line}  # a deliberate violation\n")
    result = run_lint_imports(tmp_path)
    assert result.returncode != 0
    assert contract in result.stdout.split("Broken contracts")[-1]


# --- below the module level ------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def area(module: str) -> str:
    """plc.plans.views -> plans; plc.permissions -> permissions."""
    return module.split(".")[1] if "." in module else ""


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_module(dotted: str) -> bool:
    relative = Path(*dotted.split("."))
    return (ROOT / relative).with_suffix(".py").exists() or (ROOT / relative).is_dir()


def private_names_from_other_areas(module: str, source: str) -> list[str]:
    """``module``'s uses of another area's private names: imported by name, or reached as an
    attribute of another area's module."""
    found, modules = [], {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("plc"):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if is_private(alias.name) and area(node.module) != area(module):
                    found.append(dotted)
                if is_module(dotted):
                    modules[alias.asname or alias.name] = dotted
        elif isinstance(node, ast.Import):
            modules.update({alias.asname or alias.name: alias.name for alias in node.names
                            if alias.name.startswith("plc.")})
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules
                and area(modules[node.value.id]) != area(module)):
            found.append(f"{modules[node.value.id]}.{node.attr}")
    return found


def sources(pattern: str = "**/*.py"):
    for path in sorted(PLC.glob(pattern)):
        yield module_name(path), path.read_text()


def test_no_area_uses_another_areas_private_names():
    found = {module: names for module, source in sources()
             if (names := private_names_from_other_areas(module, source))}
    assert found == {}


@pytest.mark.parametrize("source", [
    "from plc.plans.services import _flush_or_stale",
    "from plc.plans import services\nservices._flush_or_stale()",
    "import plc.plans.services as plan_services\nplan_services._program(None)",
])
def test_the_private_names_scan_finds_a_use_from_another_area(source):
    assert private_names_from_other_areas("plc.meetings.services", source)
    assert not private_names_from_other_areas("plc.plans.views", source)


def imports_url_for(source: str) -> bool:
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask")
               and any(alias.name == "url_for" for alias in node.names)
               for node in ast.walk(ast.parse(source)))


def test_services_build_no_urls():
    """Mail links come from plc/links.py, which knows where the site lives with or without a
    request; a service with url_for would need a request (or SERVER_NAME) to write."""
    assert [module for module, source in sources("*/services.py")
            if imports_url_for(source)] == []
    assert imports_url_for("from flask import current_app, url_for")


def test_every_services_module_says_the_caller_checked_access():
    """The one rule for services: access is decided in plc/permissions.py by the caller."""
    silent = [module for module, source in sources("*/services.py")
              if "The caller has checked access" not in
              " ".join((ast.get_docstring(ast.parse(source)) or "").split())]
    assert silent == []
