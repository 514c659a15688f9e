from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clas.models import Deployment, DeploymentEvent, Language, Role, User
from tests import factories as f
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("clas", "alerts", "protection_plans", "reporting")
CLAS_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label == "clas"
)

READ_ONLY = {"clas.DeploymentEvent"}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def url(model_label: str, view: str, *args: object) -> str:
    app_label, model_name = model_label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client: Client, mission: Mission) -> Client:
    client.force_login(mission.admin)
    return client


@pytest.fixture
def people_and_places(mission: Mission) -> Mission:
    """One row of every clas model on top of the mission."""
    DeploymentEvent.objects.create(
        cla=mission.cla_profile,
        action=DeploymentEvent.Action.LEAVE_STARTED,
        actor=mission.admin,
        details={"message": "leave_started", "location": "Ippy"},
    )
    network = f.NetworkFactory(location=mission.base_a, established_by=mission.cla_profile)
    f.FocalPointFactory(network=network, name="Jean Kpoto", phone="+236 75 11 22 33")
    training = f.TrainingFactory(location=mission.office_a)
    training.participants.add(mission.cla_profile)
    f.DeploymentFactory(
        cla=mission.cla_profile,
        location=mission.office_a,
        start_date=days(-400),
        end_date=days(-201),
    )
    mission.cla_profile.languages.add(Language.objects.create(code="sg", name="Sango"))
    return mission


def staff_with_perms(role: str, *codenames: str) -> User:
    user = f.UserFactory(username=f"staff-{role}", role=role, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def test_every_model_of_the_domain_apps_has_an_admin() -> None:
    missing = [
        model._meta.label
        for app_label in DOMAIN_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model not in admin.site._registry
    ]

    assert missing == []


@pytest.mark.parametrize("model_label", CLAS_MODELS)
def test_admin_pages_load_with_data(
    superuser_client: Client, people_and_places: Mission, model_label: str
) -> None:
    model = apps.get_model(model_label)
    obj = model._default_manager.first()
    assert obj is not None, "the fixture must create a row of every model"

    assert superuser_client.get(url(model_label, "changelist")).status_code == 200
    assert superuser_client.get(url(model_label, "changelist"), {"q": "a"}).status_code == 200
    # The history of deployments is written by the board's services only.
    add = 403 if model_label in READ_ONLY else 200
    assert superuser_client.get(url(model_label, "add")).status_code == add
    assert superuser_client.get(url(model_label, "change", obj.pk)).status_code == 200


def test_cla_search_finds_by_last_name(superuser_client: Client, mission: Mission) -> None:
    mission.cla.last_name = "Yakite"
    mission.cla.save()

    response = superuser_client.get(url("clas.CLA", "changelist"), {"q": "yakite"})

    shown = list(response.context["cl"].result_list)
    assert shown == [mission.cla_profile]


def test_location_search_finds_by_name(superuser_client: Client, mission: Mission) -> None:
    response = superuser_client.get(url("clas.Location", "changelist"), {"q": "Baboua"})

    assert list(response.context["cl"].result_list) == [mission.base_b]


def test_cla_list_shows_where_each_cla_is_deployed(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.get(url("clas.CLA", "changelist"))

    rows = {row.pk: row._current_location for row in response.context["cl"].result_list}
    assert rows == {mission.cla_profile.pk: "Ippy", mission.cla_b.cla_profile.pk: "Baboua"}


def test_cla_page_shows_the_deployment_history(
    superuser_client: Client, people_and_places: Mission
) -> None:
    response = superuser_client.get(url("clas.CLA", "change", people_and_places.cla_profile.pk))

    content = response.content.decode()
    assert "deployment history" in content.lower()
    assert "Ippy" in content
    assert "Bambari" in content


def test_location_page_shows_only_the_clas_deployed_there_now(
    superuser_client: Client, people_and_places: Mission
) -> None:
    office = people_and_places.office_a
    newcomer = f.CLAFactory(user__first_name="Odette", user__last_name="Zanga")
    f.DeploymentFactory(cla=newcomer, location=office, start_date=days(-5))

    response = superuser_client.get(url("clas.Location", "change", office.pk))

    content = response.content.decode()
    assert "Odette Zanga" in content
    # The mission's CLA left this office 201 days ago: history, not here now.
    assert str(people_and_places.cla_profile) not in content


def post_deployment(client: Client, **data: object) -> object:
    form = {"cla": "", "location": "", "start_date": "", "end_date": "", "note": "", "_save": "1"}
    form.update({key: str(value) for key, value in data.items()})
    return client.post(url("clas.Deployment", "add"), form)


def test_deployment_form_refuses_a_second_open_deployment(
    superuser_client: Client, mission: Mission
) -> None:
    cla = mission.cla_profile
    before = Deployment.objects.count()

    response = post_deployment(
        superuser_client,
        cla=cla.pk,
        location=mission.office_b.pk,
        start_date=days(-1).isoformat(),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "already has an open deployment at Ippy" in errors["cla"][0]
    assert "already has an open deployment at Ippy" in response.content.decode()
    assert Deployment.objects.count() == before


def test_deployment_form_refuses_overlapping_dates(
    superuser_client: Client, mission: Mission
) -> None:
    cla = f.CLAFactory()
    f.DeploymentFactory(
        cla=cla, location=mission.office_a, start_date=days(-300), end_date=days(-100)
    )
    before = Deployment.objects.count()

    response = post_deployment(
        superuser_client,
        cla=cla.pk,
        location=mission.office_b.pk,
        start_date=days(-150).isoformat(),
        end_date=days(-50).isoformat(),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "overlap" in errors["start_date"][0]
    assert "Bambari" in response.content.decode()
    assert Deployment.objects.count() == before


def test_deployment_form_refuses_an_end_before_the_start(
    superuser_client: Client, mission: Mission
) -> None:
    cla = f.CLAFactory()

    response = post_deployment(
        superuser_client,
        cla=cla.pk,
        location=mission.office_b.pk,
        start_date=days(-10).isoformat(),
        end_date=days(-20).isoformat(),
    )

    assert response.status_code == 200
    assert "before it starts" in response.context["adminform"].form.errors["end_date"][0]
    assert not Deployment.objects.filter(cla=cla).exists()


def test_deployment_form_saves_a_valid_deployment(
    superuser_client: Client, mission: Mission
) -> None:
    cla = f.CLAFactory()

    response = post_deployment(
        superuser_client,
        cla=cla.pk,
        location=mission.office_b.pk,
        start_date=days(-10).isoformat(),
        note="First posting",
    )

    assert response.status_code == 302
    deployment = Deployment.objects.get(cla=cla)
    assert deployment.location == mission.office_b
    assert deployment.end_date is None
    assert deployment.note == "First posting"


def test_deployment_change_form_ends_a_deployment(
    superuser_client: Client, mission: Mission
) -> None:
    deployment = Deployment.objects.get(cla=mission.cla_profile)

    response = superuser_client.post(
        url("clas.Deployment", "change", deployment.pk),
        {
            "location": deployment.location_id,
            "start_date": deployment.start_date.isoformat(),
            "end_date": days(-1).isoformat(),
            "note": "",
            "_save": "1",
        },
    )

    assert response.status_code == 302
    deployment.refresh_from_db()
    assert deployment.end_date == days(-1)
    assert deployment.cla == mission.cla_profile


def test_redeploy_action_leads_to_the_redeploy_page(
    superuser_client: Client, mission: Mission
) -> None:
    cla = mission.cla_profile

    response = superuser_client.post(
        url("clas.CLA", "changelist"),
        {"action": "redeploy", "_selected_action": [cla.pk]},
    )

    assert response.status_code == 302
    page = superuser_client.get(response["Location"])
    assert page.status_code == 200
    assert str(cla) in page.content.decode()
    assert "Ippy" in page.content.decode()


def test_redeploy_page_moves_the_cla(superuser_client: Client, mission: Mission) -> None:
    cla = mission.cla_profile

    response = superuser_client.post(
        f"{reverse('admin:clas_cla_redeploy')}?ids={cla.pk}",
        {"location": mission.office_a.pk, "start_date": days(0).isoformat(), "note": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == url("clas.CLA", "change", cla.pk)
    assert Deployment.objects.get(cla=cla, end_date__isnull=True).location == mission.office_a
    assert Deployment.objects.get(cla=cla, location=mission.base_a).end_date == days(-1)


def test_redeploy_page_shows_a_refusal_and_changes_nothing(
    superuser_client: Client, mission: Mission
) -> None:
    cla = mission.cla_profile

    response = superuser_client.post(
        f"{reverse('admin:clas_cla_redeploy')}?ids={cla.pk}",
        {"location": mission.base_a.pk, "start_date": days(0).isoformat(), "note": ""},
    )

    assert response.status_code == 200
    assert "already deployed at Ippy" in response.content.decode()
    assert Deployment.objects.get(cla=cla).end_date is None


def test_redeploying_several_clas_is_all_or_nothing(
    superuser_client: Client, mission: Mission
) -> None:
    moving = mission.cla_profile
    already_there = mission.cla_b.cla_profile  # at Baboua

    response = superuser_client.post(
        f"{reverse('admin:clas_cla_redeploy')}?ids={moving.pk},{already_there.pk}",
        {"location": mission.base_b.pk, "start_date": days(0).isoformat(), "note": ""},
    )

    assert response.status_code == 200
    assert f"{already_there}: " in response.content.decode()
    assert Deployment.objects.get(cla=moving).location == mission.base_a
    assert Deployment.objects.get(cla=moving).end_date is None


def test_redeploy_page_is_refused_without_deployment_permissions(
    client: Client, mission: Mission
) -> None:
    client.force_login(staff_with_perms(Role.HQ, "view_cla", "change_cla"))

    response = client.get(f"{reverse('admin:clas_cla_redeploy')}?ids={mission.cla_profile.pk}")

    assert response.status_code == 403


def test_user_admin_edits_the_mission_fields(superuser_client: Client, mission: Mission) -> None:
    response = superuser_client.get(url("clas.User", "change", mission.coordinator.pk))

    fields = response.context["adminform"].form.fields
    for name in ("role", "field_office", "sector", "can_view_source_identity"):
        assert name in fields


def test_user_admin_creates_a_coordinator_of_a_field_office(
    superuser_client: Client, mission: Mission
) -> None:
    response = superuser_client.post(
        url("clas.User", "add"),
        {
            "username": "coord-b",
            "usable_password": "true",
            "password1": "a-Long-pass-phrase-9",
            "password2": "a-Long-pass-phrase-9",
            "first_name": "Marie",
            "last_name": "Doko",
            "email": "",
            "role": Role.COORDINATOR,
            "field_office": mission.office_b.pk,
            "sector": "",
            "language": "fr",
            "_save": "1",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="coord-b")
    assert user.role == Role.COORDINATOR
    assert user.field_office == mission.office_b


def test_focal_point_phones_are_shown_to_mission_admins(
    superuser_client: Client, people_and_places: Mission
) -> None:
    network = people_and_places.base_a.networks.get()

    response = superuser_client.get(url("clas.CommunityAlertNetwork", "change", network.pk))

    assert "+23675112233" in response.content.decode()


def test_focal_point_phones_are_hidden_from_other_staff(
    client: Client, people_and_places: Mission
) -> None:
    network = people_and_places.base_a.networks.get()
    focal_point = network.focal_points.get()
    client.force_login(
        staff_with_perms(
            Role.HQ,
            "view_communityalertnetwork",
            "change_communityalertnetwork",
            "view_focalpoint",
            "change_focalpoint",
        )
    )

    pages = [
        client.get(url("clas.CommunityAlertNetwork", "change", network.pk)),
        client.get(url("clas.FocalPoint", "change", focal_point.pk)),
        client.get(url("clas.FocalPoint", "changelist")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "Jean Kpoto" in page.content.decode()
        assert "+23675112233" not in page.content.decode()


def test_focal_points_are_hidden_from_force_staff(
    client: Client, people_and_places: Mission
) -> None:
    network = people_and_places.base_a.networks.get()
    client.force_login(
        staff_with_perms(
            Role.FORCE, "view_communityalertnetwork", "view_focalpoint", "change_focalpoint"
        )
    )

    page = client.get(url("clas.CommunityAlertNetwork", "change", network.pk))

    assert page.status_code == 200
    assert "Jean Kpoto" not in page.content.decode()
    assert client.get(url("clas.FocalPoint", "changelist")).status_code == 403


def test_cla_list_costs_the_same_queries_for_two_clas_or_seven(
    superuser_client: Client, mission: Mission
) -> None:
    changelist = url("clas.CLA", "changelist")
    superuser_client.get(changelist)  # warm the session and content types
    with CaptureQueriesContext(connection) as two:
        superuser_client.get(changelist)
    for cla in f.CLAFactory.create_batch(5):
        f.DeploymentFactory(cla=cla, location=mission.office_a)

    with CaptureQueriesContext(connection) as seven:
        response = superuser_client.get(changelist)

    assert len(response.context["cl"].result_list) == 7
    assert len(seven) == len(two)
