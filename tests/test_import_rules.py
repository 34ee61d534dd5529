"""The import rules of ARCHITECTURE.md, checked on every module's source."""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {
    "centre_core",
    "centre_server",
    "centre_client",
    "printers",
    "kiosk",
    "counter",
    "display",
    "translations",
    "app_shell",
    "national",
    "foleni_cli",
    "service_kit",
}
# The texts and their catalogs: a leaf every package except the pure core may import.
LEAVES = {"translations"}
# Project packages each package may import (besides itself and the leaves).
ALLOWED_PROJECT = {
    "centre_core": set(),
    "centre_server": {"centre_core", "service_kit"},
    "centre_client": {"centre_core"},
    "printers": set(),
    "kiosk": {"centre_client", "centre_core", "printers", "app_shell"},
    "counter": {"centre_client", "centre_core", "app_shell"},
    "display": {"centre_client", "centre_core", "app_shell"},
    "app_shell": {"centre_client", "centre_core"},
    "translations": set(),
    "national": {"centre_core", "service_kit"},
    "service_kit": {"centre_core"},
    "foleni_cli": {"centre_server", "national"},
}
# Third-party libraries that belong to one layer only.
OWNED_BY = {
    "fastapi": {"centre_server", "national", "service_kit"},
    "starlette": {"centre_server", "national", "service_kit"},
    "sqlalchemy": {"centre_server", "national", "service_kit"},
    "alembic": {"centre_server", "national", "service_kit"},
    "uvicorn": {"centre_server", "national"},
    "argon2": {"centre_server", "national"},
    "escpos": {"printers"},
    "kivy": {"kiosk", "counter", "display", "app_shell"},
    "babel": {"translations"},
}
CORE_THIRD_PARTY = {"pydantic"}
LEAF_THIRD_PARTY = {"babel"}
# Standard-library modules that do I/O or read the clock: never in the pure core.
CORE_FORBIDDEN_STDLIB = {
    "asyncio",
    "http",
    "io",
    "multiprocessing",
    "os",
    "pathlib",
    "select",
    "selectors",
    "shutil",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "tempfile",
    "threading",
    "time",
    "urllib",
}
CLOCK_CALL = re.compile(r"\b(datetime|date)\.(now|today|utcnow)\(|\btime\.time\(")


def imported_roots(path: Path) -> set[str]:
    """Top-level module names imported by one source file (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def package_sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_every_package_exists_and_has_sources() -> None:
    for package in PROJECT:
        assert package_sources(package), f"{package} has no modules"


def test_packages_import_only_what_their_row_allows() -> None:
    violations = []
    for package in PROJECT:
        for path in package_sources(package):
            for root in imported_roots(path):
                allowed = ALLOWED_PROJECT[package] | LEAVES
                if root in PROJECT and root != package and root not in allowed:
                    violations.append(f"{path.relative_to(ROOT)} imports {root}")
                owners = OWNED_BY.get(root)
                if owners is not None and package not in owners:
                    violations.append(f"{path.relative_to(ROOT)} imports {root}")
    assert violations == []


def test_core_imports_only_stdlib_without_io_and_pydantic() -> None:
    violations = []
    for path in package_sources("centre_core"):
        for root in imported_roots(path):
            if root in {"centre_core", "__future__"}:
                continue
            is_stdlib = root in sys.stdlib_module_names
            if (is_stdlib and root in CORE_FORBIDDEN_STDLIB) or (
                not is_stdlib and root not in CORE_THIRD_PARTY
            ):
                violations.append(f"{path.relative_to(ROOT)} imports {root}")
    assert violations == []


def test_in_the_core_only_the_wire_types_use_pydantic() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in package_sources("centre_core")
        if "pydantic" in imported_roots(path)
    }
    # The centre's wire (API, stream), the payloads it sends the nation (the outbox) and the
    # sync protocol and the booking API both sides speak.
    assert users == {
        "centre_core/wire.py",
        "centre_core/national_topics.py",
        "centre_core/sync_wire.py",
        "centre_core/booking_wire.py",
    }


def test_the_translations_leaf_imports_only_stdlib_and_babel() -> None:
    violations = [
        f"{path.relative_to(ROOT)} imports {root}"
        for package in LEAVES
        for path in package_sources(package)
        for root in imported_roots(path)
        if root not in sys.stdlib_module_names and root not in LEAF_THIRD_PARTY | {package}
    ]
    assert violations == []


def test_core_never_reads_the_clock() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in package_sources("centre_core")
        if CLOCK_CALL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_rule_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom sqlalchemy.orm import Session\nfrom . import x\n")
    assert imported_roots(sample) == {"os", "sqlalchemy"}


# Each app reaches the centre through its port's one adapter (docs/apps.md): only that module
# imports the client's commands, stream and wire models.
ADAPTERS = {
    "kiosk": "kiosk/centre_backend.py",
    "counter": "counter/centre_link.py",
    "display": "display/centre_link.py",
}
CLIENT_INSIDES = {"centre_client.api", "centre_client.stream"}


def imported_modules(path: Path) -> set[str]:
    """Full names of the modules one source file imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_each_app_reaches_the_centre_through_its_one_adapter() -> None:
    users = {
        app: sorted(
            str(path.relative_to(ROOT))
            for path in package_sources(app)
            if imported_modules(path) & CLIENT_INSIDES
        )
        for app in ADAPTERS
    }
    assert users == {app: [adapter] for app, adapter in ADAPTERS.items()}
