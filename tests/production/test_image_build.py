"""The container image builds: the Dockerfile's instructions, run in order on this machine.

There is no Docker engine here and no registry to pull `python:3.11-slim` from, so this test
plays the Dockerfile itself: the build context is copied as `.dockerignore` allows, every `RUN`
runs in a fresh virtualenv of the same Python (3.11) with the `ENV` of the Dockerfile, `COPY`
copies, the Debian packages of `apt-get install` must be installed on the machine, and the
`CMD` is checked by gunicorn's `--check-config` (which imports the production application).
An instruction this test does not know fails it, so a change of the Dockerfile is either
played here or seen. Run by `make prod-check` with IMAGE_CHECK=1; skipped otherwise.

Two deviations, both of the machine and not of the image: the image's system user is not
created here (`useradd`, `chown` are checked to name the same user), and pip may use this
machine's download cache (the image keeps none: PIP_NO_CACHE_DIR).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

if os.environ.get("IMAGE_CHECK") != "1":
    pytest.skip("IMAGE_CHECK=1 runs the Dockerfile (make prod-check)", allow_module_level=True)

BASE_DIR = Path(__file__).resolve().parents[2]
KNOWN = {"FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "EXPOSE", "CMD"}


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    joined: list[str] = []
    current = ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    result = []
    for line in joined:
        name, _, rest = line.strip().partition(" ")
        result.append((name.upper(), " ".join(rest.split())))
    return result


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps `relative` (or a folder above it) out of the context."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        if pattern.startswith("**/"):
            matched = any(fnmatch.fnmatch(c.rsplit("/", 1)[-1], pattern[3:]) for c in candidates)
        else:
            matched = any(fnmatch.fnmatch(c, pattern) for c in candidates)
        if matched:
            verdict = not negate
    return verdict


def build_context(destination: Path) -> None:
    patterns = [
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for relative in listed:
        source = BASE_DIR / relative
        if not source.is_file() or ignored(relative, patterns):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def installed(package: str) -> bool:
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return found.returncode == 0 and found.stdout.endswith("installed")


def test_the_dockerfile_runs_in_order_and_the_image_would_serve(tmp_path: Path) -> None:
    steps = instructions((BASE_DIR / "Dockerfile").read_text())
    unknown = sorted({name for name, _ in steps} - KNOWN)
    assert not unknown, f"instructions this test does not play: {unknown}"

    context = tmp_path / "context"
    build_context(context)
    assert not (context / ".env").exists()
    assert not (context / "tests").exists()
    root = tmp_path / "image"
    venv = tmp_path / "venv"

    def here(text: str) -> str:
        # The image's absolute paths (/app) live under this test's folder.
        return re.sub(r"(?<![\w.])/app\b", str(root / "app"), text)

    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    cwd = root
    user = None
    created_user = None
    cmd: list[str] = []

    for name, args in steps:
        if name == "FROM":
            image = args.split()[0]
            match = re.fullmatch(r"python:(\d+)\.(\d+)(-slim)?", image)
            assert match, f"unexpected base image {image}"
            version = (int(match.group(1)), int(match.group(2)))
            assert sys.version_info[:2] == version, f"{image} needs Python {version}"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        elif name == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = here(value)
        elif name == "WORKDIR":
            cwd = Path(here(args)) if args.startswith("/") else cwd / args
            cwd.mkdir(parents=True, exist_ok=True)
        elif name == "COPY":
            *sources, target = shlex.split(args)
            for source in sources:
                origin = context / source if source != "." else context
                destination = cwd / target
                if origin.is_dir():
                    shutil.copytree(origin, destination, dirs_exist_ok=True)
                else:
                    shutil.copy2(origin, destination / origin.name)
        elif name == "RUN":
            if "apt-get" in args:
                packages = re.search(
                    r"install\s+-y\s+(?:--no-install-recommends\s+)?(.+?)(?:&&|$)", args
                )
                assert packages, args
                missing = [p for p in packages.group(1).split() if not installed(p)]
                assert not missing, f"Debian packages of the image missing here: {missing}"
                continue
            if args.startswith("useradd"):
                created_user = shlex.split(args)[-1]
                continue
            chown = re.search(r"&&\s*chown\s+-R\s+(\w+):(\w+)\s+\S+", args)
            if chown:
                assert chown.group(1) == created_user, "chown names a user the image lacks"
                args = args.replace(chown.group(0), "")
            run_env = {**env}
            run_env.pop("PIP_NO_CACHE_DIR", None)
            done = subprocess.run(
                ["sh", "-c", here(args)], cwd=cwd, env=run_env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"RUN {args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        elif name == "USER":
            user = args
        elif name == "CMD":
            cmd = json.loads(args)

    assert user is not None and user == created_user, "the processes run as the image's user"
    var = Path(env["VAR_DIR"])
    assert (var / "staticfiles" / "staticfiles.json").is_file()
    assert (cwd / "locale" / "fr" / "LC_MESSAGES" / "django.mo").is_file()
    assert (var / "media").is_dir()

    assert cmd and cmd[0] == "gunicorn"
    checked = subprocess.run(
        [*cmd, "--check-config"],
        cwd=cwd,
        env={
            **env,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "early-warning.example.org",
            "DATABASE_URL": "postgres://earlywarning@127.0.0.1:5432/earlywarning",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SITE_URL": "https://early-warning.example.org",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
