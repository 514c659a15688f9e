"""Which way the alert pipeline's imports go: alerts builds on clas and core and never imports
reporting (it sends alerts.signals instead); its services never import the tasks that call
them; core's operations views import no app (alerts registers its readers)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
APPS = ("alerts", "clas", "demo", "protection_plans", "reporting")


def python_files(*parts: str) -> list[Path]:
    path = BASE_DIR.joinpath(*parts)
    files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
    return [p for p in files if "migrations" not in p.parts]


def imports(path: Path) -> Iterator[tuple[str, ast.AST]]:
    """Every module the file imports, with the statement importing it."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node


def imported(paths: list[Path], *prefixes: str) -> list[str]:
    return sorted(
        f"{path.relative_to(BASE_DIR)}: {name}"
        for path in paths
        for name, _node in imports(path)
        if any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)
    )


def test_alerts_never_imports_reporting() -> None:
    assert imported(python_files("alerts"), "reporting") == []


def test_the_services_never_import_the_tasks_that_call_them() -> None:
    assert imported(python_files("alerts", "services"), "alerts.tasks", "alerts.receivers") == []


@pytest.mark.parametrize("module", ["health.py", "metrics.py"])
def test_core_operations_import_no_app(module: str) -> None:
    assert imported(python_files("core", module), *APPS) == []


def test_alerts_imports_inside_functions_only_where_the_apps_are_ready() -> None:
    inside = sorted(
        f"{path.relative_to(BASE_DIR)}:{node.lineno}"
        for path in python_files("alerts")
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    )

    assert [place.split(":")[0] for place in inside] == ["alerts/apps.py"]
