"""Write Kannel's configuration (deploy/kannel/kannel.conf.template, rendered)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sms.kannel import config_values, render


class Command(BaseCommand):
    help = (
        "Write Kannel's configuration from deploy/kannel/kannel.conf.template with this "
        "system's settings (KANNEL_SECRET, KANNEL_SENDSMS_*, SMS_NUMBER) and KANNEL_* "
        "variables of the environment. To standard output unless --output is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="File to write (made 0600).")
        parser.add_argument(
            "--web-url",
            help="How Kannel reaches the system (default KANNEL_WEB_URL, then SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        overrides = {"KANNEL_WEB_URL": options["web_url"]} if options["web_url"] else {}
        values = config_values(overrides)
        Path(values["KANNEL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        text = render(values)
        if options["output"] is None:
            self.stdout.write(text, ending="")
            return
        options["output"].parent.mkdir(parents=True, exist_ok=True)
        options["output"].touch(mode=0o600, exist_ok=True)
        options["output"].write_text(text)
        self.stdout.write(f"Kannel configuration written to {options['output']}")
