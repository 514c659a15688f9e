"""Seed the demo mission: `manage.py seed_demo [--alerts N]`."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from alerts.models import Alert, RoutingRule, TriangulationQueue
from clas.models import CLA, CommunityAlertNetwork, Deployment, Gender, Location, Sector, User
from demo.alerts import alerts_bulk_create
from demo.mission import DEMO_USERNAMES
from demo.services import demo_mission_seed
from protection_plans.models import ProtectionPlan

PRODUCTION_SETTINGS = "config.settings.production"
DEFAULT_PASSWORD = "demo-password"


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Create the demo mission (44 locations in the Central African Republic, 78 CLAs, "
        "59 alert networks, 44 protection plans, queues, one login per role and a few months "
        "of alerts). Running it again changes nothing. --alerts N adds N historical alerts "
        "spread over ten years. Demo logins use the password in DEMO_PASSWORD, or "
        f"'{DEFAULT_PASSWORD}'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--alerts",
            type=_non_negative,
            default=0,
            metavar="N",
            help="Add N more alerts over the last ten years, inserted in bulk.",
        )
        parser.add_argument(
            "--batch-size",
            type=_non_negative,
            default=20_000,
            help="Alerts per transaction with --alerts (default 20000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        module = getattr(settings, "SETTINGS_MODULE", "") or ""
        if module == PRODUCTION_SETTINGS or module.endswith(".production"):
            raise CommandError(
                _(
                    "seed_demo refuses to run with production settings (%(module)s): it creates "
                    "demo logins with a known password. Use config.settings.local."
                )
                % {"module": module}
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        result = demo_mission_seed(password=password)
        self.stdout.write(
            f"Demo mission ready; {result['alerts_added']} demo alerts added this time."
        )
        count = options["alerts"]
        if count:
            self._bulk(count, options["batch_size"] or 20_000)
        self._summary(password)

    def _bulk(self, count: int, batch_size: int) -> None:
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} / {total:,} alerts")

        self.stdout.write(f"Adding {count:,} alerts over the last ten years...")
        summary = alerts_bulk_create(count=count, batch_size=batch_size, progress=progress)
        rate = summary.created / summary.seconds if summary.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.created:,} alerts ({summary.first_reference} ... "
                f"{summary.last_reference}), {summary.events:,} timeline events, "
                f"{summary.dispatches:,} outbox rows, {summary.triangulations:,} triangulation "
                f"requests in {summary.seconds:.1f} s ({rate:,.0f} alerts/s)."
            )
        )
        if summary.checks_skipped:
            self.stdout.write(
                "  foreign key triggers skipped during the load (PostgreSQL superuser)"
            )
        by_status = ", ".join(f"{s} {summary.statuses[s]:,}" for s in Alert.Status.values)
        self.stdout.write(f"  by status: {by_status}")

    def _summary(self, password: str) -> None:
        kinds = dict(
            Location.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
        )
        networks = CommunityAlertNetwork.objects.aggregate(
            n=Count("id"), women=Sum("volunteers_women"), men=Sum("volunteers_men")
        )
        statuses = dict(
            Alert.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        lines = [
            f"Sectors: {Sector.objects.count()}",
            "Locations: "
            + ", ".join(f"{kinds.get(k, 0)} {k}" for k in Location.Kind.values if kinds.get(k)),
            f"CLAs: {CLA.objects.count()} "
            f"({CLA.objects.filter(gender=Gender.FEMALE).count()} women), "
            f"{Deployment.objects.filter(end_date__isnull=True).count()} open deployments",
            f"Alert networks: {networks['n']} with {(networks['women'] or 0) + (networks['men'] or 0):,} "
            f"volunteers ({networks['women'] or 0:,} women, {networks['men'] or 0:,} men)",
            f"Protection plans: {ProtectionPlan.objects.count()}",
            f"Queues: {TriangulationQueue.objects.count()}, routing rules: "
            f"{RoutingRule.objects.count()}",
            f"Alerts: {sum(statuses.values()):,} ("
            + ", ".join(f"{s} {statuses.get(s, 0):,}" for s in Alert.Status.values)
            + ")",
        ]
        for line in lines:
            self.stdout.write(line)
        logins = User.objects.filter(username__in=DEMO_USERNAMES).filter(Q(is_active=True))
        shown = "the password in DEMO_PASSWORD" if password != DEFAULT_PASSWORD else password
        self.stdout.write(
            "Demo logins: "
            + ", ".join(sorted(logins.values_list("username", flat=True)))
            + f" (password: {shown})"
        )
