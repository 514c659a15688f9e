"""The rota pages and their API twin: who is on duty now, shifts planned in mission time,
errors per field with nothing saved, the same scoping on both (a Force officer of another
sector gets a 404), the queue page's line per queue and HQ's queues with nobody on duty."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import DutyShift
from clas.models import Role, User
from tests import factories as f
from tests.alerts.support import api_client, page_client
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db

BANGUI = ZoneInfo("Africa/Bangui")
FORM_TIME = "%Y-%m-%dT%H:%M"


def rota_url(mission: Mission, queue: str = "a") -> str:
    return reverse("alerts:rota", args=[(mission.queue_a if queue == "a" else mission.queue_b).pk])


def api_url(mission: Mission, queue: str = "a") -> str:
    return f"/api/v1/queues/{(mission.queue_a if queue == 'a' else mission.queue_b).pk}/rota/"


def tomorrow(hour: int) -> dt.datetime:
    """`hour` o'clock tomorrow, mission time."""
    day = timezone.localtime(timezone.now(), BANGUI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BANGUI)


def shift(
    mission: Mission,
    starts: dt.datetime,
    ends: dt.datetime,
    *,
    officer: User | None = None,
    note: str = "",
    queue: str = "a",
) -> DutyShift:
    return DutyShift.objects.create(
        queue=mission.queue_a if queue == "a" else mission.queue_b,
        officer=officer or mission.force,
        starts_at=starts,
        ends_at=ends,
        handover_note=note,
    )


def now_shift(mission: Mission, **kwargs: Any) -> DutyShift:
    now = timezone.now()
    return shift(mission, now - dt.timedelta(hours=2), now + dt.timedelta(hours=3), **kwargs)


def form(officer: User, starts: dt.datetime, ends: dt.datetime, note: str = "") -> dict[str, Any]:
    return {
        "officer": officer.pk,
        "starts_at": starts.astimezone(BANGUI).strftime(FORM_TIME),
        "ends_at": ends.astimezone(BANGUI).strftime(FORM_TIME),
        "handover_note": note,
    }


@pytest.fixture
def second(mission: Mission) -> User:
    officer = f.UserFactory(username="force-a2", role=Role.FORCE, sector=mission.sector_a)
    mission.queue_a.officers.add(officer)
    return officer


@pytest.fixture
def force_b(mission: Mission) -> User:
    officer = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(officer)
    return officer


# --- the rota page ------------------------------------------------------------------------


def test_the_rota_shows_who_is_on_duty_with_the_note_then_coming_and_past_shifts(
    mission: Mission, second: User
) -> None:
    now = timezone.now()
    current = now_shift(mission, note="Patrol out at the river crossing.")
    shift(mission, current.starts_at - dt.timedelta(hours=12), current.starts_at, note="Rains.")
    shift(mission, now + dt.timedelta(hours=3), now + dt.timedelta(hours=15), officer=second)
    shift(mission, now - dt.timedelta(days=3), now - dt.timedelta(days=3, hours=-12))
    shift(mission, now - dt.timedelta(days=9), now - dt.timedelta(days=9, hours=-12))

    response = page_client(mission.force).get(rota_url(mission))

    assert response.status_code == 200
    page = parse(response.content)
    [duty] = page.find_all("section", class_="card duty-now")
    assert mission.force.get_full_name() in duty.text
    assert "Patrol out at the river crossing." in duty.text
    assert f"Handed over by {mission.force.get_full_name()}" in duty.text
    assert "Rains." in duty.text
    # Coming: the second officer's shift; past week: one shift (the one 9 days ago is not shown).
    tables = page.find_all("table", class_="cards rota-shifts")
    coming, past = (t for t in tables)
    assert second.get_full_name() in coming.text
    assert len(page.find_all("tr", class_="rota-shift", within=past)) == 2
    assert page.find_all("form", action=rota_url(mission))


def test_nobody_on_duty_shows_as_a_warning(mission: Mission) -> None:
    response = page_client(mission.force).get(rota_url(mission))

    [duty] = parse(response.content).find_all("section", class_="card duty-now duty-none")
    assert "Nobody on duty" in duty.text


def test_an_officer_adds_a_shift_typed_in_mission_time(mission: Mission, second: User) -> None:
    response = page_client(mission.force).post(
        rota_url(mission), form(second, tomorrow(22), tomorrow(22) + dt.timedelta(hours=8), "x")
    )

    assert response.status_code == 302
    saved = DutyShift.objects.get()
    assert saved.officer == second
    assert saved.created_by == mission.force
    # 22:00 in Bangui is 21:00 UTC.
    assert saved.starts_at.astimezone(dt.UTC).hour == 21
    assert saved.ends_at - saved.starts_at == dt.timedelta(hours=8)


def test_an_overlapping_shift_is_refused_on_the_page_naming_the_other_and_nothing_saved(
    mission: Mission, second: User
) -> None:
    shift(mission, tomorrow(6), tomorrow(18))

    response = page_client(mission.force).post(
        rota_url(mission), form(second, tomorrow(17), tomorrow(23))
    )

    assert response.status_code == 400
    page = parse(response.content)
    [summary] = page.find_all("div", class_="errors")
    assert mission.force.get_full_name() in summary.text
    assert tomorrow(6).strftime("%Y-%m-%d 06:00") in summary.text
    assert page.find_all("a", href="#id_starts_at", within=summary)
    assert DutyShift.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "same"}, "ends_at"),
        ({"ends_at": ""}, "ends_at"),
        ({"starts_at": "not a date"}, "starts_at"),
        ({"officer": "other"}, "officer"),
    ],
)
def test_a_bad_shift_is_refused_field_by_field_on_the_page(
    mission: Mission, force_b: User, change: dict[str, str], field: str
) -> None:
    data = form(mission.force, tomorrow(6), tomorrow(18))
    for name, value in change.items():
        data[name] = {"same": data["starts_at"], "other": force_b.pk}.get(value, value)

    response = page_client(mission.force).post(rota_url(mission), data)

    assert response.status_code == 400
    page = parse(response.content)
    [summary] = page.find_all("div", class_="errors")
    assert page.find_all("a", href=f"#id_{field}", within=summary)
    assert not DutyShift.objects.exists()


def test_a_past_shift_keeps_its_times_but_its_note_can_be_written(mission: Mission) -> None:
    now = timezone.now()
    past = shift(mission, now - dt.timedelta(hours=20), now - dt.timedelta(hours=8))
    url = reverse("alerts:rota_shift_edit", args=[mission.queue_a.pk, past.pk])
    client = page_client(mission.force)

    page = parse(client.get(url).content)
    assert not page.find_all("input", name="starts_at")
    response = client.post(url, {"handover_note": "Handed over to the day officer."})

    assert response.status_code == 302
    past.refresh_from_db()
    assert past.handover_note == "Handed over to the day officer."
    assert past.ends_at == now - dt.timedelta(hours=8)


def test_a_coming_shift_is_changed_and_taken_off_the_rota(mission: Mission, second: User) -> None:
    coming = shift(mission, tomorrow(6), tomorrow(18))
    client = page_client(mission.force)
    edit = reverse("alerts:rota_shift_edit", args=[mission.queue_a.pk, coming.pk])

    response = client.post(edit, form(second, tomorrow(7), tomorrow(19)))
    assert response.status_code == 302
    coming.refresh_from_db()
    assert (coming.officer, coming.starts_at) == (second, tomorrow(7))

    delete = reverse("alerts:rota_shift_delete", args=[mission.queue_a.pk, coming.pk])
    assert client.post(delete).status_code == 302
    assert not DutyShift.objects.exists()


def test_a_force_officer_of_another_sector_finds_no_rota(mission: Mission, force_b: User) -> None:
    coming = shift(mission, tomorrow(6), tomorrow(18))
    page = page_client(force_b)
    api = api_client(force_b)
    edit = reverse("alerts:rota_shift_edit", args=[mission.queue_a.pk, coming.pk])
    delete = reverse("alerts:rota_shift_delete", args=[mission.queue_a.pk, coming.pk])

    assert page.get(rota_url(mission)).status_code == 404
    assert (
        page.post(rota_url(mission), form(force_b, tomorrow(20), tomorrow(23))).status_code == 404
    )
    assert page.get(edit).status_code == 404
    assert page.post(delete).status_code == 404
    assert api.get(api_url(mission)).status_code == 404
    assert api.post(api_url(mission), {}, format="json").status_code == 404
    assert api.get(f"{api_url(mission)}{coming.pk}/").status_code == 404
    assert api.patch(f"{api_url(mission)}{coming.pk}/", {}, format="json").status_code == 404
    assert api.delete(f"{api_url(mission)}{coming.pk}/").status_code == 404
    # A shift of queue A through queue B's address is not found either.
    assert (
        page_client(force_b)
        .get(reverse("alerts:rota_shift_edit", args=[mission.queue_b.pk, coming.pk]))
        .status_code
        == 404
    )
    assert DutyShift.objects.count() == 1


@pytest.mark.parametrize("role", ["cla", "coordinator"])
def test_people_outside_the_force_and_hq_find_no_rota(mission: Mission, role: str) -> None:
    user = mission.user(role)

    assert page_client(user).get(rota_url(mission)).status_code == 404
    assert api_client(user).get(api_url(mission)).status_code == 404


def test_hq_reads_the_rota_but_does_not_plan_it(mission: Mission) -> None:
    coming = shift(mission, tomorrow(6), tomorrow(18))
    data = form(mission.force, tomorrow(20), tomorrow(23))

    response = page_client(mission.hq).get(rota_url(mission))
    assert response.status_code == 200
    assert not parse(response.content).find_all("form", action=rota_url(mission))
    assert page_client(mission.hq).post(rota_url(mission), data).status_code == 403
    assert api_client(mission.hq).get(api_url(mission)).status_code == 200
    body = {"officer": mission.force.pk, "starts_at": tomorrow(20), "ends_at": tomorrow(23)}
    assert api_client(mission.hq).post(api_url(mission), body, format="json").status_code == 403
    assert api_client(mission.hq).delete(f"{api_url(mission)}{coming.pk}/").status_code == 403
    assert DutyShift.objects.count() == 1


def test_a_force_officer_of_the_sector_not_on_the_queue_reads_but_does_not_plan(
    mission: Mission,
) -> None:
    other = f.UserFactory(username="force-a5", role=Role.FORCE, sector=mission.sector_a)

    assert page_client(other).get(rota_url(mission)).status_code == 200
    data = form(mission.force, tomorrow(20), tomorrow(23))
    assert page_client(other).post(rota_url(mission), data).status_code == 403
    assert not DutyShift.objects.exists()


# --- the queue page and HQ ----------------------------------------------------------------


def test_the_queue_page_says_who_is_on_duty_until_when_or_nobody(mission: Mission) -> None:
    current = now_shift(mission)
    until = timezone.localtime(current.ends_at, BANGUI).strftime("%H:%M")

    response = page_client(mission.admin).get(reverse("alerts:queue"))

    [lines] = parse(response.content).find_all("ul", class_="duty-lines")
    text = " ".join(lines.text.split())
    assert f"On duty now: {mission.force.get_full_name()} until {until}" in text
    assert "Nobody on duty" in text  # queue B
    assert rota_url(mission) in response.content.decode()
    assert rota_url(mission, "b") in response.content.decode()


def test_hq_sees_the_queues_with_nobody_on_duty_on_the_dashboard(mission: Mission) -> None:
    now_shift(mission)

    response = page_client(mission.hq).get(reverse("reporting:dashboard"))

    [panel] = parse(response.content).find_all("section", class_="card duty-gaps")
    assert mission.queue_b.name in panel.text
    assert mission.queue_a.name not in panel.text
    forces = page_client(mission.force).get(reverse("reporting:dashboard"))
    assert b"duty-gaps" not in forces.content


# --- the API ------------------------------------------------------------------------------


def test_the_api_lists_adds_changes_and_deletes_shifts(mission: Mission, second: User) -> None:
    current = now_shift(mission)
    client = api_client(mission.force)

    listed = client.get(api_url(mission)).json()
    assert [(s["id"], s["on_duty_now"]) for s in listed] == [(current.pk, True)]

    body = {
        "officer": second.pk,
        "starts_at": tomorrow(6).isoformat(),
        "ends_at": tomorrow(18).isoformat(),
        "handover_note": "Road to Ippy flooded.",
    }
    created = client.post(api_url(mission), body, format="json")
    assert created.status_code == 201, created.json()
    shift_id = created.json()["id"]
    assert created.json()["officer_name"] == second.get_full_name()

    patched = client.patch(
        f"{api_url(mission)}{shift_id}/", {"ends_at": tomorrow(17).isoformat()}, format="json"
    )
    assert patched.status_code == 200
    assert DutyShift.objects.get(pk=shift_id).ends_at == tomorrow(17)
    assert DutyShift.objects.get(pk=shift_id).handover_note == "Road to Ippy flooded."

    assert client.delete(f"{api_url(mission)}{shift_id}/").status_code == 204
    assert list(DutyShift.objects.values_list("pk", flat=True)) == [current.pk]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "starts"}, "ends_at"),
        ({"ends_at": "+25h"}, "ends_at"),
        ({"officer": "other"}, "officer"),
        ({"starts_at": "overlap"}, "starts_at"),
        ({"starts_at": "yesterday", "ends_at": "yesterday+1h"}, "ends_at"),
    ],
)
def test_the_api_refuses_a_bad_shift_field_by_field(
    mission: Mission, force_b: User, change: dict[str, str], field: str
) -> None:
    shift(mission, tomorrow(2), tomorrow(5))
    starts, ends = tomorrow(6), tomorrow(18)
    values = {
        "starts": starts,
        "+25h": starts + dt.timedelta(hours=25),
        "overlap": tomorrow(4),
        "yesterday": starts - dt.timedelta(days=2),
        "yesterday+1h": starts - dt.timedelta(days=2, hours=-1),
    }
    body: dict[str, Any] = {"officer": mission.force.pk, "starts_at": starts, "ends_at": ends}
    for name, value in change.items():
        body[name] = force_b.pk if value == "other" else values[value]
    body = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in body.items()}

    response = api_client(mission.force).post(api_url(mission), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert DutyShift.objects.count() == 1


def test_the_api_lists_the_queues_with_nobody_on_duty_for_hq_only(mission: Mission) -> None:
    now_shift(mission)
    shift(mission, tomorrow(6), tomorrow(18), queue="b", officer=mission.force)

    response = api_client(mission.hq).get("/api/v1/queues/uncovered/")

    assert response.status_code == 200
    [row] = response.json()
    assert (row["id"], row["sector"]) == (mission.queue_b.pk, mission.sector_b.name)
    assert dt.datetime.fromisoformat(row["next_shift_at"]) == tomorrow(6)
    for role in ("force", "cla", "coordinator"):
        assert api_client(mission.user(role)).get("/api/v1/queues/uncovered/").status_code == 403
