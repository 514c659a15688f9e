"""The history PostgreSQL keeps (audit): every change, by any path, with who, when, old and new
values; on SQLite no triggers, and the admin says so."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from alerts import tasks
from alerts.models import Alert
from audit.models import AlertHistory, DeploymentHistory, NetworkHistory, ProtectionPlanHistory
from audit.selectors import Change, changes_of
from clas.models import CommunityAlertNetwork, Deployment
from protection_plans.models import ProtectionPlan
from tests import factories as f
from tests.alerts.support import log
from tests.audit.support import admin_form, postgresql_only
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def admin_edit(client: Client, model: str, pk: int, **values: str) -> None:
    url = reverse(f"admin:{model}_change", args=[pk])
    data = admin_form(client, url)
    data.update(values)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def latest(obj: object) -> Change:
    changes = changes_of(obj)
    assert changes, "no history"
    return changes[0]


def fields(change: Change) -> dict[str, tuple[object, object]]:
    return {f.name: (f.old, f.new) for f in change.fields}


@postgresql_only
def test_an_admin_edit_of_an_alert_has_old_and_new_values_and_the_user(
    client: Client, mission: Mission
) -> None:
    alert = f.AlertFactory(location=mission.base_a, logged_by=mission.cla, source_name="Pierre")
    client.force_login(mission.admin)

    admin_edit(
        client,
        "alerts_alert",
        alert.pk,
        description="Armed men burned the market.",
        victims_killed="40",
        source_name="Jean Yakite",
    )

    change = latest(alert)
    assert change.kind == "changed"
    assert (change.user_id, change.username, change.via) == (mission.admin.pk, "admin", "admin")
    assert change.url == reverse("admin:alerts_alert_change", args=[alert.pk])
    changed = fields(change)
    assert changed["description"] == (
        "Armed men seen near the river crossing.",
        "Armed men burned the market.",
    )
    assert changed["victims_killed"] == (0, 40)
    assert changed["version"] == (1, 2)
    # Who reported it is not copied into the history, in clear or encrypted.
    assert "source_name" not in {f.name for f in AlertHistory._meta.fields}
    assert "source_contact" not in {f.name for f in AlertHistory._meta.fields}


@postgresql_only
def test_an_admin_edit_of_a_deployment_is_in_its_history(client: Client, mission: Mission) -> None:
    deployment = Deployment.objects.get(cla__user=mission.cla)
    client.force_login(mission.admin)

    admin_edit(client, "clas_deployment", deployment.pk, note="Covering the market too")

    change = latest(deployment)
    assert change.username == "admin"
    assert fields(change)["note"] == ("", "Covering the market too")
    assert DeploymentHistory.objects.filter(pgh_obj_id=deployment.pk, pgh_label="created").exists()


@postgresql_only
def test_an_admin_edit_of_a_plan_is_in_its_history(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(location=mission.base_a, summary="Old summary")
    client.force_login(mission.admin)

    admin_edit(client, "protection_plans_protectionplan", plan.pk, summary="New summary")

    change = latest(plan)
    assert change.username == "admin"
    assert fields(change)["summary"] == ("Old summary", "New summary")


@postgresql_only
def test_an_admin_edit_of_a_network_is_in_its_history(client: Client, mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a, volunteers_women=3)
    client.force_login(mission.admin)

    admin_edit(client, "clas_communityalertnetwork", network.pk, volunteers_women="12")

    change = latest(network)
    assert (change.username, change.via) == ("admin", "admin")
    assert fields(change)["volunteers_women"] == (3, 12)


@postgresql_only
def test_a_raw_update_is_recorded_without_a_user(mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a, name="Ippy centre")

    CommunityAlertNetwork.objects.filter(pk=network.pk).update(name="Ippy north")

    change = latest(network)
    assert (change.user_id, change.username, change.via) == (None, None, None)
    assert fields(change)["name"] == ("Ippy centre", "Ippy north")


@postgresql_only
def test_a_task_names_itself_in_the_history(mission: Mission) -> None:
    alert = log(mission, route=False)

    tasks.route_alert.delay(alert.pk)

    change = latest(alert)
    assert (change.via, change.task, change.username) == ("task", "alerts.tasks.route_alert", None)
    assert fields(change)["status"] == (Alert.Status.NEW.label, Alert.Status.QUEUED.label)


@postgresql_only
def test_a_change_through_the_api_names_the_token_user(mission: Mission) -> None:
    from rest_framework.test import APIClient

    alert = log(mission)
    api = APIClient()
    api.force_authenticate(mission.force)

    response = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"version": alert.version})

    assert response.status_code == 200, response.content
    change = latest(alert)
    assert (change.username, change.via) == ("force-a", "api")


@postgresql_only
def test_the_history_cannot_be_rewritten(mission: Mission) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    CommunityAlertNetwork.objects.filter(pk=network.pk).update(name="Renamed")

    with pytest.raises(DatabaseError), transaction.atomic():
        NetworkHistory.objects.filter(pgh_obj_id=network.pk).update(name="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        NetworkHistory.objects.filter(pgh_obj_id=network.pk).delete()


@postgresql_only
def test_the_change_page_shows_the_history(client: Client, mission: Mission) -> None:
    plan = f.PlanFactory(location=mission.base_a, summary="Old summary")
    ProtectionPlan.objects.filter(pk=plan.pk).update(summary="New summary")
    client.force_login(mission.admin)

    page = client.get(
        reverse("admin:protection_plans_protectionplan_change", args=[plan.pk])
    ).content.decode()

    assert "Summary: Old summary → New summary" in page


@postgresql_only
def test_the_history_list_shows_who_and_what_in_bounded_queries(
    client: Client, mission: Mission, django_assert_max_num_queries: object
) -> None:
    for number in range(5):
        network = f.NetworkFactory(location=mission.base_a, name=f"Network {number}")
        CommunityAlertNetwork.objects.filter(pk=network.pk).update(name=f"Renamed {number}")
    client.force_login(mission.admin)
    url = reverse("admin:audit_networkhistory_changelist")
    client.get(url)

    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()

    assert "Name: Network 4 → Renamed 4" in page
    assert ProtectionPlanHistory.objects.count() == 0


@postgresql_only
def test_a_focal_points_phone_stays_out_of_the_history_of_other_staff(
    client: Client, mission: Mission
) -> None:
    from django.contrib.auth.models import Permission

    from clas.models import FocalPoint, Role

    network = f.NetworkFactory(location=mission.base_a)
    point = f.FocalPointFactory(network=network, phone="+23675112233", name="Jean Kpoto")
    FocalPoint.objects.filter(pk=point.pk).update(phone="+23675998877")
    staff = f.UserFactory(username="staff-hq", role=Role.HQ, is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["view_focalpoint", "change_focalpoint"])
    )
    page_url = reverse("admin:clas_focalpoint_change", args=[point.pk])

    client.force_login(staff)
    staff_page = client.get(page_url).content.decode()
    client.force_login(mission.admin)
    admin_page = client.get(page_url).content.decode()

    assert "Phone: changed" in staff_page
    assert "75112233" not in staff_page and "75998877" not in staff_page
    assert "+23675112233 → +23675998877" in admin_page


@pytest.mark.skipif(connection.vendor == "postgresql", reason="What SQLite says")
def test_on_sqlite_the_change_page_says_where_the_history_is_kept(
    client: Client, mission: Mission
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    client.force_login(mission.admin)

    page = client.get(
        reverse("admin:clas_communityalertnetwork_change", args=[network.pk])
    ).content.decode()

    assert "Only a PostgreSQL database keeps this history." in page
    assert changes_of(network) == []


def test_every_history_table_opens_in_the_admin(client: Client, mission: Mission) -> None:
    from audit.models import HISTORY_OF

    client.force_login(mission.admin)

    for history in HISTORY_OF.values():
        url = reverse(f"admin:audit_{history._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
