"""Print the current two-step code of a demo login (README "Demo logins").

Only for a device whose secret is the public demo secret: the code of any other device, a real
user's, is never printed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clas.models import User
from clas.two_factor import demo_code, demo_key, totp_device
from core.exceptions import DomainError


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo login (demo secret only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="A demo login, such as demo-hq or demo-admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        device = totp_device(user)
        if device is None:
            raise CommandError(f"{username} has no two-step sign-in device.")
        if device.key.lower() != demo_key():
            raise CommandError(
                f"Refused: the device of {username} does not use the demo secret, so its codes "
                "are not printed."
            )
        try:
            code = demo_code(device)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(code.code)
        if options["verbosity"] > 1:
            self.stderr.write(f"valid for about {code.seconds_left} more seconds")
