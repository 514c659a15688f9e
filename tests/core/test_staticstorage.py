from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from core.staticstorage import is_own_source, without_comments


@pytest.mark.parametrize(
    ("name", "source", "served"),
    [
        ("a.js", "// why\nvar a = 1;\n", "var a = 1;\n"),
        ("a.js", "  // indented\n  f();\n", "  f();\n"),
        ("a.js", "/* one\n   two */\nvar a;\n", "var a;\n"),
        (
            "a.js",
            "var url = 'http://x';  // after code\n",
            "var url = 'http://x';  // after code\n",
        ),
        ("a.js", 'var s = "// not a comment";\n', 'var s = "// not a comment";\n'),
        (
            "a.js",
            "/* opens */ var kept = 1; /* closes */\nnext();\n",
            "/* opens */ var kept = 1; /* closes */\nnext();\n",
        ),
        ("a.js", "/*! licence */\nvar a;\n", "/*! licence */\nvar a;\n"),
        ("a.js", "var re = /a\\/b/;\n", "var re = /a\\/b/;\n"),
        ("a.css", "/* note */\na { color: red; }\n", "a { color: red; }\n"),
        ("a.css", "a { background: url(//cdn/x.png); }\n", "a { background: url(//cdn/x.png); }\n"),
        ("a.css", "// not a css comment\n", "// not a css comment\n"),
    ],
)
def test_whole_line_comments_go_and_nothing_else(name: str, source: str, served: str) -> None:
    assert without_comments(name, source) == served


def test_only_the_projects_own_sources_are_rewritten() -> None:
    assert is_own_source("alerts/offline.js")
    assert is_own_source("css/app.css")
    assert not is_own_source("vendor/leaflet/leaflet.js")
    assert not is_own_source("vendor/htmx/htmx.min.js")
    assert not is_own_source("admin/js/core.js")
    assert not is_own_source("pwa/icon-192.png")


def test_production_static_files_are_served_without_comments_and_still_run(
    tmp_path: Path, settings: Any
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "core.staticstorage.CompactStaticFilesStorage"},
    }
    # Other apps' files (the admin's, the API docs') are many and served as they come.
    others = ["admin", "rest_framework", "drf_spectacular_sidecar", "leaflet*"]
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=others)

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    source = Path(settings.BASE_DIR, "static", "alerts", "offline.js").read_text()
    served = (tmp_path / paths["alerts/offline.js"]).read_text()
    assert len(served) < len(source) * 0.95
    assert not any(line.lstrip().startswith("//") for line in served.splitlines())
    assert "function sendEntry" in served
    # The compressed copy is of the served text.
    assert (tmp_path / (paths["alerts/offline.js"] + ".gz")).exists()
    vendored = "vendor/htmx/htmx.min.js"
    assert (tmp_path / paths[vendored]).read_bytes() == Path(
        settings.BASE_DIR, "static", vendored
    ).read_bytes()
    node = shutil.which("node")
    if node:
        for name in ("alerts/offline.js", "alerts/queue.js", "js/app.js", "reporting/dashboard.js"):
            subprocess.run([node, "--check", str(tmp_path / paths[name])], check=True)
