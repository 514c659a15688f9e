"""Running manage.py in a process of its own, on the embedded default in a folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args: str, var_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`manage.py args` on SQLite in var_dir/db.sqlite3, files in var_dir/media."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "BACKUP_DIR", "BACKUP_KEEP"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def checked(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done
