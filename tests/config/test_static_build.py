"""A broken reference in a stylesheet stops the static build on the production settings (the
manifest storage the web serves from) instead of reaching production as 500s. The real tree is
collected by `make prod-check`, in CI after the test suites."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.config.test_settings import production_environment, run_python


def collectstatic(settings_module: str, var_dir: Path) -> tuple[int, str]:
    result = run_python(
        settings_module,
        production_environment(VAR_DIR=str(var_dir), SECRET_KEY=secrets.token_urlsafe(50)),
        "manage.py",
        "collectstatic",
        "--noinput",
    )
    return result.returncode, result.stdout + result.stderr


def test_a_broken_reference_stops_the_build_and_names_the_file(tmp_path: Path) -> None:
    status, output = collectstatic("tests.config.broken_static_settings", tmp_path)

    assert status != 0
    assert "missing-banner.png" in output
    assert "broken.css" in output
