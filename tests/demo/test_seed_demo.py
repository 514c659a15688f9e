"""`manage.py seed_demo`: the demo mission at MINUSCA's scale, idempotent, and bulk alerts."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pycountry
import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.test import override_settings
from django.utils import timezone, translation

from alerts import texts
from alerts.models import (
    SEVERITY_RANK,
    URGENCY_RANK,
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    ReferenceCounter,
    RoutingRule,
    Triangulation,
    TriangulationQueue,
)
from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    FocalPoint,
    Gender,
    Location,
    Role,
    Sector,
    Training,
    User,
)
from clas.selectors import board_rows
from demo.db import reference_format, references_reserve
from exchange.models import Export
from protection_plans.models import ProtectionPlan

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"^ALT-(\d{4})-(\d{6})$")
STEPS = ["new", "queued", "acknowledged", "triangulating", "verified", "responded", "closed"]
TIMES = ["routed_at", "acknowledged_at", "outcome_at", "responded_at", "closed_at"]


@pytest.fixture(scope="module", autouse=True)
def seeded(
    django_db_setup: None, django_db_blocker: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Seed once for the module, inside a transaction rolled back at the end; the files it
    writes (the demo exports) in a directory of its own."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        transaction.atomic(),
    ):
        os.environ.pop("DEMO_PASSWORD", None)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "sectors": Sector.objects.count(),
        "locations": Location.objects.count(),
        "clas": CLA.objects.count(),
        "deployments": Deployment.objects.count(),
        "trainings": Training.objects.count(),
        "networks": CommunityAlertNetwork.objects.count(),
        "focal_points": FocalPoint.objects.count(),
        "plans": ProtectionPlan.objects.count(),
        "queues": TriangulationQueue.objects.count(),
        "rules": RoutingRule.objects.count(),
        "alerts": Alert.objects.count(),
        "events": AlertEvent.objects.count(),
        "links": AlertLink.objects.count(),
        "exports": Export.objects.count(),
    }


def _km(a: Location, b: Location) -> float:
    p1, p2 = math.radians(float(a.latitude)), math.radians(float(b.latitude))
    dl = math.radians(float(b.longitude) - float(a.longitude))
    return 6371 * math.acos(
        min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
    )


# --- places -------------------------------------------------------------------------------


def test_it_creates_44_locations_12_permanent_and_32_temporary() -> None:
    kinds = Counter(Location.objects.values_list("kind", flat=True))
    assert kinds == {"permanent": 12, "temporary": 32}


def test_locations_are_real_towns_of_the_central_african_republic() -> None:
    iso_codes = {s.code for s in pycountry.subdivisions.get(country_code="CF")}
    bangui = Location.objects.get(name="Bangui")
    assert bangui.kind == Location.Kind.PERMANENT
    assert bangui.prefecture_code == "CF-BGF"
    assert abs(float(bangui.latitude) - 4.36) < 0.05
    assert abs(float(bangui.longitude) - 18.55) < 0.05
    for location in Location.objects.all():
        assert location.prefecture_code in iso_codes
        assert re.fullmatch(r"CF\d{2}-[A-Z]{3}", location.code), location.code
        assert 2.0 < float(location.latitude) < 11.5
        assert 14.0 < float(location.longitude) < 27.8
    assert Location.objects.get(name="Batangafo").prefecture == "Ouham"


def test_every_temporary_base_is_covered_by_the_nearest_permanent_base() -> None:
    permanent = list(Location.objects.filter(kind=Location.Kind.PERMANENT))
    for office in permanent:
        assert office.field_office_id == office.pk
    for base in Location.objects.filter(kind=Location.Kind.TEMPORARY):
        nearest = min(permanent, key=lambda office: _km(base, office))
        assert base.field_office_id == nearest.pk, base.name


def test_locations_fall_in_three_or_four_sectors_by_geography() -> None:
    assert 3 <= Sector.objects.count() <= 4
    assert not Location.objects.filter(sector__isnull=True).exists()
    sector_of = dict(Location.objects.values_list("name", "sector__code"))
    assert sector_of["Bouar"] == sector_of["Berbérati"] == sector_of["Paoua"]
    assert sector_of["Bria"] == sector_of["Obo"] == sector_of["Bangassou"]
    assert len({sector_of["Bouar"], sector_of["Bria"], sector_of["Bangui"]}) == 3


# --- people -------------------------------------------------------------------------------


def test_it_creates_78_clas_of_whom_16_women_each_with_one_current_deployment() -> None:
    assert CLA.objects.count() == 78
    assert CLA.objects.filter(gender=Gender.FEMALE).count() == 16
    assert set(CLA.objects.values_list("user__role", flat=True)) == {Role.CLA}
    # Current: open, or ending soon (a gap the deployment board shows).
    current = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    open_deployments = Counter(Deployment.objects.filter(current).values_list("cla_id", flat=True))
    assert len(open_deployments) == 78
    assert set(open_deployments.values()) == {1}
    assert Deployment.objects.filter(end_date__isnull=False).exists()


def test_cla_profiles_are_complete() -> None:
    for cla in CLA.objects.annotate(n_languages=Count("languages")):
        assert cla.n_languages >= 2
        assert cla.staff_number
        assert re.fullmatch(r"\+236[0-9]{8}", cla.phone)  # E.164
        assert cla.radio_call_sign
    spoken = set(CLA.objects.values_list("languages__name", flat=True))
    assert {"Sango", "French", "Arabic", "Fulfulde", "Gbaya", "Banda", "Zande"} <= spoken


def test_every_location_but_one_temporary_base_has_a_deployed_cla() -> None:
    staffed = set(
        Deployment.objects.filter(end_date__isnull=True).values_list("location_id", flat=True)
    )
    # The one left without a CLA is a gap of the deployment board (demo.board).
    empty = Location.objects.exclude(pk__in=staffed)
    assert [location.kind for location in empty] == [Location.Kind.TEMPORARY]


def test_the_deployment_board_shows_its_gaps_to_the_demo_coordinator() -> None:
    coordinator = User.objects.get(username="demo-coordinator")
    board = board_rows(user=coordinator, today=timezone.localdate())
    gaps = board.gap_counts
    assert gaps["no_cla"] == 1 and gaps["on_leave"] == 1 and gaps["ending"] == 1
    assert gaps["sole_civilian"] >= 1


def test_past_deployments_end_before_the_next_one_starts() -> None:
    by_cla = defaultdict(list)
    for deployment in Deployment.objects.order_by("start_date"):
        by_cla[deployment.cla_id].append(deployment)
    for deployments in by_cla.values():
        for earlier, later in pairwise(deployments):
            assert earlier.end_date is not None
            assert earlier.end_date < later.start_date


def test_trainings_include_inductions_refreshers_and_uniformed_personnel() -> None:
    kinds = set(Training.objects.values_list("kind", "audience"))
    assert ("induction", "cla") in kinds
    assert ("refresher", "cla") in kinds
    assert ("induction", "uniformed") in kinds
    assert Training.objects.filter(audience="uniformed", uniformed_participants__gt=0).exists()
    assert Training.objects.filter(kind="induction", participants__isnull=False).exists()


# --- networks and plans -------------------------------------------------------------------


def test_it_creates_59_networks_with_3560_volunteers_1044_women_2516_men() -> None:
    totals = CommunityAlertNetwork.objects.aggregate(
        n=Count("id"), women=Sum("volunteers_women"), men=Sum("volunteers_men")
    )
    assert totals == {"n": 59, "women": 1044, "men": 2516}
    assert not CommunityAlertNetwork.objects.filter(focal_points__isnull=True).exists()
    assert not FocalPoint.objects.filter(Q(name="") | Q(phone="")).exists()
    statuses = Counter(CommunityAlertNetwork.objects.values_list("status", flat=True))
    assert statuses["dormant"] > 0
    assert statuses["active"] > statuses["dormant"]
    assert CommunityAlertNetwork.objects.values("last_activity_on").distinct().count() > 10


def test_it_creates_one_protection_plan_per_location_some_overdue() -> None:
    assert ProtectionPlan.objects.count() == 44
    assert ProtectionPlan.objects.values("location").distinct().count() == 44
    statuses = set(ProtectionPlan.objects.values_list("status", flat=True))
    assert {"draft", "active", "under_review"} <= statuses
    today = timezone.localdate()
    assert ProtectionPlan.objects.filter(status="active", next_review_due__lt=today).exists()
    assert ProtectionPlan.objects.filter(status="active", next_review_due__gte=today).exists()
    for plan in ProtectionPlan.objects.annotate(
        n_threats=Count("threats", distinct=True),
        n_groups=Count("vulnerable_groups", distinct=True),
        n_measures=Count("measures", distinct=True),
        n_versions=Count("versions", distinct=True),
    ):
        assert plan.n_threats >= 3
        assert plan.n_groups >= 2
        assert plan.n_measures >= 1
        assert (plan.n_versions >= 1) == (plan.status != "draft")


# --- queues and logins --------------------------------------------------------------------


def test_each_sector_has_one_default_queue_worked_by_its_officers() -> None:
    for sector in Sector.objects.all():
        default = TriangulationQueue.objects.get(sector=sector, is_default=True)
        assert default.ack_limit_minutes == 15
        assert default.senior_officer.sector_id == sector.pk
        officers = list(default.officers.all())
        assert officers
        assert {o.role for o in officers} == {Role.FORCE}
        assert {o.sector_id for o in officers} == {sector.pk}
    sexual_violence = RoutingRule.objects.get(category__code="sexual-violence")
    assert not sexual_violence.queue.is_default
    assert TriangulationQueue.objects.filter(is_default=False).count() >= 2


def test_demo_logins_sign_in_with_the_demo_password() -> None:
    for username in ("demo-cla", "demo-coordinator", "demo-hq", "demo-force", "demo-admin"):
        assert authenticate(username=username, password="demo-password") is not None, username
    assert authenticate(username="demo-cla", password="wrong") is None


def test_demo_logins_fit_together() -> None:
    cla = User.objects.get(username="demo-cla")
    deployment = cla.cla_profile.deployments.get(end_date__isnull=True)
    location = deployment.location
    assert cla.role == Role.CLA
    assert location.networks.exists()
    coordinator = User.objects.get(username="demo-coordinator")
    assert coordinator.role == Role.COORDINATOR
    assert coordinator.field_office_id == location.field_office_id
    force = User.objects.get(username="demo-force")
    assert force.role == Role.FORCE
    assert force.sector_id == location.sector_id
    assert TriangulationQueue.objects.filter(
        sector=location.sector, is_default=True, officers=force
    ).exists()
    hq = User.objects.get(username="demo-hq")
    assert hq.role == Role.HQ
    assert hq.can_view_source_identity
    admin = User.objects.get(username="demo-admin")
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMIN, True, True)


def test_only_the_demo_logins_have_a_usable_password() -> None:
    usable = {u.username for u in User.objects.all() if u.has_usable_password()}
    assert usable == {"demo-cla", "demo-coordinator", "demo-hq", "demo-force", "demo-admin"}


def test_the_password_comes_from_demo_password_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-2026")
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert authenticate(username="demo-force", password="another-secret-2026") is not None
    assert authenticate(username="demo-force", password="demo-password") is None


# --- alerts -------------------------------------------------------------------------------


def test_alerts_exist_in_every_status() -> None:
    statuses = Counter(Alert.objects.values_list("status", flat=True))
    assert set(statuses) == set(Alert.Status.values)
    assert sum(statuses.values()) >= 300
    span = Alert.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert (span["last"] - span["first"]).days >= 60  # a few months


def test_the_demo_cla_base_has_an_alert_in_every_status() -> None:
    cla = User.objects.get(username="demo-cla")
    location = cla.cla_profile.deployments.get(end_date__isnull=True).location
    statuses = set(Alert.objects.filter(location=location).values_list("status", flat=True))
    assert statuses == set(Alert.Status.values)
    force = User.objects.get(username="demo-force")
    seen_by_force = set(
        Alert.objects.filter(queue__officers=force).values_list("status", flat=True)
    )
    assert seen_by_force == set(Alert.Status.values) - {"new"}


def test_some_recent_alerts_were_heard_by_phone_or_radio_and_logged_on_behalf_of_the_caller() -> (
    None
):
    relayed = Alert.objects.filter(channel__in=["phone", "radio"])
    by_force = relayed.filter(logged_by__role=Role.FORCE, received_from_cla__isnull=False)
    for_points = relayed.filter(logged_by__role=Role.CLA, received_from_focal_point__isnull=False)

    assert by_force.count() >= 5
    assert for_points.count() >= 5
    assert set(relayed.values_list("channel", flat=True)) == {"phone", "radio"}
    for alert in by_force.select_related("queue"):
        assert alert.queue.officers.filter(pk=alert.logged_by_id).exists()  # on duty
        assert alert.received_from_cla.deployments.filter(location=alert.location).exists()
        assert alert.events.get(kind="created").actor_id == alert.logged_by_id
    for alert in for_points.select_related("received_from_focal_point"):
        assert alert.received_from_focal_point.network_id == alert.source_can_id
        assert alert.source_name == alert.received_from_focal_point.name
    force = User.objects.get(username="demo-force")
    cla = User.objects.get(username="demo-cla")
    assert by_force.filter(logged_by=force, received_from_cla__user=cla).exists()
    assert for_points.filter(logged_by=cla).exists()


def _check_alert(alert: Alert, events: list[AlertEvent]) -> None:
    reached = STEPS.index(alert.status)
    assert (alert.queue_id is None) == (alert.status == "new"), alert.reference
    times = [alert.created_at] + [getattr(alert, name) for name in TIMES]
    present = [t for t in times if t is not None]
    assert present == sorted(present), alert.reference
    assert alert.occurred_at <= alert.reported_at <= alert.created_at
    assert (alert.routed_at is not None) == (reached >= 1)
    assert (alert.acknowledged_at is not None) == (reached >= 2)
    assert (alert.outcome_at is not None) == (reached >= 4)
    assert (alert.closed_at is not None) == (reached == 6)
    if alert.status == "responded":
        assert alert.responded_at is not None and alert.response
    assert alert.urgency_rank == URGENCY_RANK[alert.urgency]
    assert alert.severity_rank == SEVERITY_RANK[alert.severity]
    if alert.escalated_at is not None:
        assert alert.urgency == "Immediate"
        assert alert.routed_at < alert.escalated_at
        assert alert.acknowledged_at is None or alert.escalated_at < alert.acknowledged_at
    kinds = [event.kind for event in events]
    assert kinds[0] == "created"
    assert [e.at for e in events] == sorted(e.at for e in events)
    expected = {
        "routed": reached >= 1,
        "acknowledged": reached >= 2,
        "outcome": reached >= 4,
        "closed": reached == 6,
        "escalated": alert.escalated_at is not None,
        "response": alert.responded_at is not None,
        "triangulation": alert.triangulations.exists(),
    }
    for kind, wanted in expected.items():
        assert (kind in kinds) == wanted, (alert.reference, kind, kinds)
    transitions = [e for e in events if e.to_status]
    assert transitions[-1].to_status == alert.status
    bumping = {
        "routed",
        "escalated",
        "acknowledged",
        "triangulation",
        "outcome",
        "response",
        "merged",
        "duplicate_rejected",
        "checked",
        "graded",
    }
    assert alert.version == 1 + sum(1 for k in kinds if k in bumping | {"closed"})
    dispatch = alert.dispatch
    if alert.status == "new":
        assert dispatch.state == AlertDispatch.State.PENDING
    else:
        assert dispatch.state == AlertDispatch.State.DONE
        assert dispatch.done_at == alert.routed_at


def _check_alerts(alerts: list[Alert]) -> None:
    events = defaultdict(list)
    for event in AlertEvent.objects.filter(alert__in=alerts).order_by("id"):
        events[event.alert_id].append(event)
    for alert in alerts:
        _check_alert(alert, events[alert.pk])


def test_alert_fields_timestamps_and_timelines_agree_with_the_status() -> None:
    # A report merged into a case follows its lead's closing instead of its own steps.
    alerts = list(
        Alert.objects.filter(case_lead__isnull=True)
        .select_related("dispatch")
        .prefetch_related("triangulations")
    )
    _check_alerts(alerts)


def test_the_demo_has_cases_of_reports_from_different_clas_and_a_rejected_duplicate() -> None:
    leads = Alert.objects.filter(case_followers__isnull=False).distinct()
    assert leads.count() >= 3
    for lead in leads:
        followers = list(lead.case_followers.all())
        reporters = {lead.logged_by_id, *(f.logged_by_id for f in followers)}
        assert len(reporters) == 1 + len(followers) <= 3
        if lead.status == Alert.Status.CLOSED:
            assert {f.status for f in followers} == {Alert.Status.CLOSED}
    assert AlertLink.objects.filter(decision=AlertLink.Decision.REJECTED).exists()
    cla = User.objects.get(username="demo-cla")
    assert Alert.objects.filter(logged_by=cla, case_lead__status=Alert.Status.CLOSED).exists()
    assert Triangulation.objects.exists()
    assert AlertEvent.objects.filter(kind="notified").exists()


def test_references_are_unique_and_the_counter_is_past_them() -> None:
    references = list(Alert.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    last: dict[int, int] = {}
    for reference in references:
        match = REFERENCE.match(reference)
        assert match, reference
        year, number = int(match[1]), int(match[2])
        last[year] = max(last.get(year, 0), number)
    for year, number in last.items():
        assert ReferenceCounter.objects.get(year=year).last == number
    # The next reference reserved that year follows the last one used.
    year = max(last)
    assert references_reserve(year=year, count=1) == last[year] + 1


def test_the_counter_is_moved_past_references_already_used() -> None:
    year = max(ReferenceCounter.objects.values_list("year", flat=True))
    ReferenceCounter.objects.filter(year=year).update(last=0)
    first = references_reserve(year=year, count=3)
    assert not Alert.objects.filter(reference=reference_format(year, first)).exists()
    assert ReferenceCounter.objects.get(year=year).last == first + 2


def test_likely_duplicates_are_linked_with_an_event() -> None:
    links = list(AlertLink.objects.select_related("from_alert", "to_alert"))
    assert len(links) >= 2
    for link in links:
        assert link.kind == AlertLink.Kind.DUPLICATE
        assert link.from_alert.location_id == link.to_alert.location_id
        assert link.from_alert.category_id == link.to_alert.category_id
        assert link.from_alert.events.filter(
            kind="duplicate", data__alert_id=link.to_alert_id
        ).exists()


def test_alerts_link_to_the_threats_of_their_location_plan() -> None:
    linked = Alert.objects.filter(plan_threat__isnull=False).select_related("plan_threat__plan")
    assert linked.exists()
    for alert in linked:
        assert alert.plan_threat.plan.location_id == alert.location_id
        assert alert.plan_threat.category_id == alert.category_id


def test_alerts_from_networks_name_a_network_of_their_location() -> None:
    from_networks = Alert.objects.filter(source_type="can_member").select_related("source_can")
    assert from_networks.exists()
    for alert in from_networks:
        assert alert.source_can.location_id == alert.location_id


# --- running it again, more alerts, production --------------------------------------------


def test_running_it_twice_changes_no_count() -> None:
    before = _counts()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _counts() == before


def test_alerts_option_adds_exactly_that_many_coherent_alerts() -> None:
    before = set(Alert.objects.values_list("pk", flat=True))
    call_command("seed_demo", alerts=200, stdout=open(os.devnull, "w"))  # noqa: SIM115
    added = list(
        Alert.objects.exclude(pk__in=before)
        .select_related("dispatch")
        .prefetch_related("triangulations")
    )
    assert len(added) == 200
    references = [a.reference for a in added]
    assert len(set(references)) == 200
    assert not Alert.objects.filter(pk__in=before, reference__in=references).exists()
    years = {a.created_at.year for a in added}
    assert len(years) >= 5  # spread over ten years
    _check_alerts(added)
    assert all(a.status == "closed" for a in added if a.created_at.year < max(years) - 1)


def test_it_refuses_to_run_under_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x7!kq2#mZp9vL4wR8tY1uE6oI3aS5dF0gH2jK4lZ6xC8vB0nM7qW",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SITE_URL": "https://example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "production settings" in result.stderr
    assert "Traceback" not in result.stderr


def test_what_the_system_said_on_timelines_is_stored_as_codes_read_in_each_language() -> None:
    lines = AlertEvent.objects.filter(kind__in=["notified", "escalated", "duplicate"])
    assert {"notified", "duplicate"} <= set(lines.values_list("kind", flat=True))
    assert not lines.exclude(note="").exists()
    with translation.override("fr"):
        french = {e.kind: e.detail for e in lines[:500]}
    with translation.override("en"):
        english = {e.kind: e.detail for e in lines[:500]}
    assert french["duplicate"] == "même localité et même catégorie en moins de 24 heures"
    assert english["duplicate"] == "same location and category within 24 hours"
    assert "notified by email" in english["notified"]
    assert "par courriel" in french["notified"]
    assert set(AlertLink.objects.values_list("reason", flat=True)) == {texts.SAME_PLACE_24H}


def test_sources_are_encrypted_by_the_seed_and_the_bulk_path() -> None:
    call_command("seed_demo", alerts=300, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, source_name, source_contact FROM alerts_alert")
        stored = {pk: (name, contact) for pk, name, contact in cursor.fetchall() if name or contact}
    alerts = Alert.objects.in_bulk(list(stored))

    assert len(stored) > 100
    for pk, (name, contact) in stored.items():
        alert = alerts[pk]
        assert alert.source_name or alert.source_contact
        for token, text in ((name, alert.source_name), (contact, alert.source_contact)):
            assert (token == "") is (text == "")
            if text:
                assert token.startswith("gAAAA") and text not in token


# --- escalation ---------------------------------------------------------------------------


def test_every_demo_queue_has_the_default_escalation_policy_and_an_operations_centre() -> None:
    for queue in TriangulationQueue.objects.all():
        tiers = queue.escalation_policy.tiers.order_by("number")
        assert [(t.delay_minutes, t.recipients) for t in tiers] == [
            (0, "officers"),
            (10, "on_duty"),
            (15, "senior_officer"),
            (30, "operations_centre"),
        ]
        assert queue.escalation_policy.repeat_minutes == 30
        assert queue.operations_centre_email


def test_only_recent_urgent_alerts_wait_unacknowledged_and_their_steps_are_taken() -> None:
    from alerts.services import escalation

    now = timezone.now()
    # Reports merged into a case left the queue: they no longer escalate.
    waiting = Alert.objects.filter(status="queued", case_lead__isnull=True).filter(
        escalation.URGENT
    )
    assert waiting.exists()
    for alert in waiting:
        assert now - alert.routed_at < dt.timedelta(hours=1), alert.reference
        assert alert.escalation_step >= 1 and alert.escalation_tier is not None
        assert alert.next_escalation_at > now, alert.reference


def test_the_first_sweep_after_seeding_sends_no_escalation() -> None:
    from django.core import mail

    from alerts.services import escalation

    mail.outbox.clear()

    assert escalation.alert_escalate_overdue() == {"escalated": 0}
    assert mail.outbox == []


def test_the_demo_logins_find_exports_ready_to_download() -> None:
    ready = Export.objects.filter(status=Export.Status.DONE)

    assert sorted(ready.values_list("requested_by__username", "format")) == [
        ("demo-coordinator", "csv"),
        ("demo-hq", "hxl"),
        ("demo-hq", "xlsx"),
    ]
    assert all(export.rows_done > 0 for export in ready)
