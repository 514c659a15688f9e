from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from alerts.models import (
    Alert,
    AlertDispatch,
    AlertEvent,
    AlertLink,
    DutyShift,
    IdentityView,
    ReferenceCounter,
    RoutingRule,
    Triangulation,
    VerificationCheck,
)
from alerts.services.escalation import PolicyInput, escalation_policy_update
from clas.models import Role, User
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

ALERTS_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label == "alerts"
)


def url(model_label: str, view: str, *args: object) -> str:
    app_label, model_name = model_label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client: Client, mission: Mission) -> Client:
    client.force_login(mission.admin)
    return client


@pytest.fixture
def alert(mission: Mission) -> Alert:
    """An alert with a row of every model of the chain around it."""
    alert = f.AlertFactory(
        reference="ALT-2026-000042",
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        source_name="Pierre Sewa",
        source_contact="+236 70 99 88 77",
        place="Bakala road",
    )
    AlertDispatch.objects.create(alert=alert)
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.CREATED, actor=mission.cla)
    Triangulation.objects.create(
        alert=alert, method=Triangulation.Method.PATROL, requested_by=mission.force
    )
    other = f.AlertFactory(location=mission.base_a, logged_by=mission.cla)
    AlertLink.objects.create(from_alert=alert, to_alert=other, kind=AlertLink.Kind.DUPLICATE)
    RoutingRule.objects.create(queue=mission.queue_a, sector=mission.sector_a)
    ReferenceCounter.objects.create(year=2026, last=42)
    IdentityView.objects.create(
        user=mission.coordinator, alert=alert, where=IdentityView.Where.PAGE
    )
    escalation_policy_update(
        queue_id=mission.queue_a.pk,
        user=mission.admin,
        data=PolicyInput(repeat_minutes=30, tiers=[(0, "officers"), (15, "senior_officer")]),
    )
    VerificationCheck.objects.create(
        alert=alert,
        method=Triangulation.Method.PATROL,
        result=VerificationCheck.Result.CONFIRMED,
        checked_by=mission.force,
    )
    DutyShift.objects.create(
        queue=mission.queue_a,
        officer=mission.force,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=12),
        created_by=mission.force,
    )
    return alert


def staff_with_perms(role: str, *codenames: str) -> User:
    user = f.UserFactory(username=f"staff-{role}", role=role, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("model_label", ALERTS_MODELS)
def test_admin_pages_load_with_data(
    superuser_client: Client, alert: Alert, mission: Mission, rf: RequestFactory, model_label: str
) -> None:
    model = apps.get_model(model_label)
    obj = model._default_manager.first()
    assert obj is not None, "the fixture must create a row of every model"
    request = rf.get("/")
    request.user = mission.admin
    may_add = admin.site._registry[model].has_add_permission(request)

    assert superuser_client.get(url(model_label, "changelist")).status_code == 200
    assert superuser_client.get(url(model_label, "changelist"), {"q": "a"}).status_code == 200
    assert superuser_client.get(url(model_label, "add")).status_code == (200 if may_add else 403)
    assert superuser_client.get(url(model_label, "change", obj.pk)).status_code == 200


def test_alert_changelist_queries_stay_bounded(
    superuser_client: Client, mission: Mission, django_assert_max_num_queries
) -> None:
    categories = [
        f.CategoryFactory(code=f"cat-{n}", name_en=f"Category {n}", name_fr=f"Catégorie {n}")
        for n in range(3)
    ]
    loggers = [mission.cla, mission.cla_b, mission.coordinator]
    for n in range(30):
        f.AlertFactory(
            location=[mission.base_a, mission.base_b, mission.office_a][n % 3],
            category=categories[n % 3],
            logged_by=loggers[n % 3],
            queue=[mission.queue_a, mission.queue_b][n % 2],
        )
    changelist = url("alerts.Alert", "changelist")
    superuser_client.get(changelist)

    with django_assert_max_num_queries(12):
        response = superuser_client.get(changelist)

    assert len(response.context["cl"].result_list) == 30


def test_alert_changelist_does_not_count_every_alert(
    superuser_client: Client, alert: Alert
) -> None:
    response = superuser_client.get(url("alerts.Alert", "changelist"), {"status": "queued"})

    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].full_result_count is None


def test_alert_search_by_reference_finds_that_alert(superuser_client: Client, alert: Alert) -> None:
    response = superuser_client.get(url("alerts.Alert", "changelist"), {"q": "alt-2026-000042"})

    assert list(response.context["cl"].result_list) == [alert]


def test_alert_search_by_place(superuser_client: Client, alert: Alert) -> None:
    response = superuser_client.get(url("alerts.Alert", "changelist"), {"q": "bakala"})

    assert list(response.context["cl"].result_list) == [alert]


def test_alert_event_search_by_alert_reference(superuser_client: Client, alert: Alert) -> None:
    AlertEvent.objects.create(alert=f.AlertFactory(), kind=AlertEvent.Kind.CREATED)

    response = superuser_client.get(
        url("alerts.AlertEvent", "changelist"), {"q": " ALT-2026-000042 "}
    )

    assert [event.alert for event in response.context["cl"].result_list] == [alert]


def test_alerts_cannot_be_added_or_deleted_in_the_admin(
    superuser_client: Client, alert: Alert
) -> None:
    assert superuser_client.get(url("alerts.Alert", "add")).status_code == 403
    response = superuser_client.post(url("alerts.Alert", "delete", alert.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_alert_change_form_leaves_the_lifecycle_alone(
    superuser_client: Client, alert: Alert
) -> None:
    response = superuser_client.get(url("alerts.Alert", "change", alert.pk))

    fields = response.context["adminform"].form.fields
    for lifecycle in ("status", "queue", "assigned_to", "reference", "outcome", "reported_at"):
        assert lifecycle not in fields
    assert "description" in fields


def test_alert_events_are_append_only(superuser_client: Client, alert: Alert) -> None:
    event = alert.events.get()

    change = superuser_client.post(
        url("alerts.AlertEvent", "change", event.pk), {"note": "rewritten"}
    )
    delete = superuser_client.post(url("alerts.AlertEvent", "delete", event.pk), {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.note == ""
    assert superuser_client.get(url("alerts.AlertEvent", "add")).status_code == 403


def test_alert_dispatches_are_read_only(superuser_client: Client, alert: Alert) -> None:
    dispatch = alert.dispatch

    response = superuser_client.post(
        url("alerts.AlertDispatch", "change", dispatch.pk), {"state": "done"}
    )

    assert response.status_code == 403
    dispatch.refresh_from_db()
    assert dispatch.state == AlertDispatch.State.PENDING


def test_alert_page_shows_the_timeline_and_links(superuser_client: Client, alert: Alert) -> None:
    response = superuser_client.get(url("alerts.Alert", "change", alert.pk))

    inline_models = {formset.formset.model for formset in response.context["inline_admin_formsets"]}
    assert {AlertEvent, Triangulation, AlertLink, AlertDispatch} <= inline_models
    assert "Logged" in response.content.decode()


def test_source_identity_is_shown_to_mission_admins(superuser_client: Client, alert: Alert) -> None:
    response = superuser_client.get(url("alerts.Alert", "change", alert.pk))

    assert "Pierre Sewa" in response.content.decode()
    assert "+236 70 99 88 77" in response.content.decode()


def test_source_identity_is_shown_to_staff_with_the_admin_role(
    client: Client, alert: Alert
) -> None:
    client.force_login(staff_with_perms(Role.ADMIN, "view_alert", "change_alert"))

    response = client.get(url("alerts.Alert", "change", alert.pk))

    assert "Pierre Sewa" in response.content.decode()


def test_source_identity_is_hidden_from_other_staff(client: Client, alert: Alert) -> None:
    client.force_login(staff_with_perms(Role.HQ, "view_alert", "change_alert"))

    response = client.get(url("alerts.Alert", "change", alert.pk))

    assert response.status_code == 200
    assert "Pierre Sewa" not in response.content.decode()
    assert "+236 70 99 88 77" not in response.content.decode()


def test_other_staff_saving_an_alert_keeps_its_source_identity(
    client: Client, alert: Alert
) -> None:
    client.force_login(staff_with_perms(Role.HQ, "view_alert", "change_alert"))
    occurred = timezone.localtime(alert.occurred_at)
    data = {
        "source_type": alert.source_type,
        "location": alert.location_id,
        "place": alert.place,
        "occurred_at_0": occurred.date().isoformat(),
        "occurred_at_1": occurred.strftime("%H:%M:%S"),
        "category": alert.category_id,
        "certainty": alert.certainty,
        "victims_killed": 0,
        "victims_injured": 0,
        "victims_abducted": 0,
        "victims_sexual_violence": 0,
        "victims_displaced": 0,
        "description": alert.description,
        "translation": "Armed men near the crossing.",
        "_save": "1",
    }

    response = client.post(url("alerts.Alert", "change", alert.pk), data)

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.translation == "Armed men near the crossing."
    assert alert.source_name == "Pierre Sewa"
    assert alert.source_contact == "+236 70 99 88 77"


def test_the_timeline_inline_shows_what_system_events_say(
    superuser_client: Client, mission: Mission
) -> None:
    alert = f.AlertFactory(location=mission.base_a, queue=mission.queue_a)
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.NOTIFIED,
        data={"code": "notified", "params": {"count": 3}},
    )
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.OUTCOME, data={"outcome": "partly"}, note="Two seen."
    )

    html = superuser_client.get(url("alerts.Alert", "change", alert.pk)).content.decode()

    assert "3 people notified by email" in html
    assert "Partly confirmed · Two seen." in html
