"""Server time of the alert list (page and API) at any depth, and of searching it.

Run against a database holding the demo mission and a million alerts (as for bench/dashboard.py):

    createdb -h 127.0.0.1 -U postgres dash_big
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dash_big
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py seed_demo --alerts 1000000
    .venv/bin/python bench/alert_list.py [--runs 15] [--explain]

Requests go through Django's test client in-process (middleware, views, templates): what is
measured is the server's time. A page deep in the list is asked for by the cursor its "Older"
link would carry, made here from the alert at that depth (one OFFSET query before timing,
which is what a reader following the links for hours would reach). --explain prints EXPLAIN
ANALYZE of each request's slowest query.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("VAR_DIR", "/tmp/earlywarning-bench-var")
os.makedirs(os.path.join(os.environ["VAR_DIR"], "staticfiles"), exist_ok=True)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from alerts.models import Alert  # noqa: E402
from alerts.selectors import alert_list  # noqa: E402
from bench.dashboard import _explain, _get, _line, _queries, _time, _user  # noqa: E402
from clas.models import Role  # noqa: E402
from core.keyset import _encode, keys_of  # noqa: E402


def _cursor_at(user: object, depth: int) -> str:
    """The cursor of the "Older" link of the page that ends at `depth` alerts."""
    ordered = alert_list(user=user).order_by("-reported_at", "-pk")
    keys = keys_of(ordered)
    row = ordered[depth - 1 : depth].get()
    return _encode(row, keys, [key.term for key in keys], backwards=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per line")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    args = parser.parse_args()
    # The second sign-in step is not what is measured: the signed-in HQ reader skips it.
    override_settings(OTP_REQUIRED_ROLES=()).enable()

    total = Alert.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {total:,} alerts\n")

    hq_user, force_user = _user(Role.HQ), _user(Role.FORCE)
    hq, force = Client(), Client()
    hq.force_login(hq_user)
    force.force_login(force_user)
    force_total = alert_list(user=force_user).count()

    sample = Alert.objects.order_by("-pk").values_list("reference", flat=True).first()
    cases = [
        ("page, HQ, first page", hq, "/alerts/"),
        (
            "page, HQ, page 2,000",
            hq,
            "/alerts/?" + urlencode({"cursor": _cursor_at(hq_user, 99_950)}),
        ),
        (
            "page, HQ, last page",
            hq,
            "/alerts/?" + urlencode({"cursor": _cursor_at(hq_user, total - 10)}),
        ),
        ("API, HQ, first page", hq, "/api/v1/alerts/"),
        (
            "API, HQ, last page",
            hq,
            "/api/v1/alerts/?" + urlencode({"cursor": _cursor_at(hq_user, total - 10)}),
        ),
        ("page, Force officer, first page", force, "/alerts/"),
        (
            "page, Force officer, last page",
            force,
            "/alerts/?" + urlencode({"cursor": _cursor_at(force_user, max(1, force_total - 10))}),
        ),
        ("search page, HQ, a reference", hq, "/alerts/?" + urlencode({"q": sample})),
        ("search page, HQ, French words (attaque village)", hq, "/alerts/?q=attaque+village"),
        ("search API, HQ, an English word (armed)", hq, "/api/v1/alerts/?q=armed"),
        ("search API, HQ, a rare word (Ndassima)", hq, "/api/v1/alerts/?q=Ndassima"),
        ("search page, Force officer, a word (pillage)", force, "/alerts/?q=pillage"),
    ]
    for name, client, url in cases:
        call = _get(client, url)
        call()
        _line(name, _time(call, args.runs, cold=False), _queries(call))
        if args.explain:
            _explain(client, url)


if __name__ == "__main__":
    main()
