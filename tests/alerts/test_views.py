from __future__ import annotations

import datetime as dt
import gzip
import re
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import services
from alerts.models import Alert, AlertEvent, ThreatCategory, Triangulation
from clas.models import Role, User
from tests import factories as f
from tests.alerts.support import off_duty_force
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("alerts:alert_create")
QUEUE_URL = reverse("alerts:queue")
ROWS_URL = reverse("alerts:queue_rows")


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def alert_post(mission: Mission, **overrides: Any) -> dict[str, Any]:
    """What the CLA's browser sends for a complete alert."""
    now = timezone.now()
    data: dict[str, Any] = {
        "client_key": uuid.uuid4().hex,
        "location": mission.base_a.pk,
        "category": ThreatCategory.objects.get(code="attack").pk,
        "description": "Armed men seen near the river crossing.",
        "description_language": "fr",
        "occurred_at": local(now - dt.timedelta(hours=3)),
        "reported_at": local(now - dt.timedelta(minutes=5)),
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "source_type": Alert.SourceType.LOCAL_AUTHORITY,
        "victims_killed": "0",
        "victims_injured": "1",
        "victims_abducted": "0",
        "victims_sexual_violence": "0",
        "victims_displaced": "12",
    }
    data.update(overrides)
    return data


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_errors(response: Any, field: str) -> list[str]:
    """The error messages shown next to a field of the page (Django marks them by field id)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def queued(mission: Mission, *, sector: str = "a", **kwargs: Any) -> Alert:
    """An alert already routed to the queue of sector A (or B)."""
    values: dict[str, Any] = {
        "location": mission.base_a if sector == "a" else mission.base_b,
        "queue": mission.queue_a if sector == "a" else mission.queue_b,
        "logged_by": mission.cla if sector == "a" else mission.cla_b,
        "status": Alert.Status.QUEUED,
        "routed_at": timezone.now() - dt.timedelta(minutes=3),
    }
    values.update(kwargs)
    return f.AlertFactory(**values)


def post_action(client: Client, alert: Alert, action: str, **fields: Any) -> Any:
    """Post an action as the alert page does: with the version the page was shown with."""
    version = fields.pop("version", alert.version)
    data = {f"{action}-version": version, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(reverse("alerts:alert_action", args=[alert.pk, action]), data)


# --- the alert form -----------------------------------------------------------------------


def test_a_cla_files_an_alert_and_it_lands_in_the_queue_of_the_sector(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(mission.cla)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE_URL, alert_post(mission))

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert alert.queue == mission.queue_a
    assert alert.status == Alert.Status.QUEUED
    assert alert.logged_by == mission.cla
    assert alert.victims_displaced == 12
    assert any(alert.reference in m for m in messages_of(response))


def test_the_alert_page_after_filing_shows_the_reference(mission: Mission) -> None:
    response = client_for(mission.cla).post(CREATE_URL, alert_post(mission), follow=True)

    alert = Alert.objects.get()
    assert response.status_code == 200
    assert f"Alert {alert.reference} saved" in response.content.decode()


def test_the_form_opens_with_the_defaults_filled_in(mission: Mission) -> None:
    f.NetworkFactory(location=mission.base_a, name="CAN Ippy centre")
    f.NetworkFactory(location=mission.base_b, name="CAN Baboua")

    response = client_for(mission.cla).get(CREATE_URL)

    assert response.status_code == 200
    page = parse(response.content)
    (location,) = page.find_all("input", name="location")
    assert location.attrs["type"] == "hidden"
    assert location.attrs["value"] == str(mission.base_a.pk)
    (key,) = page.find_all("input", name="client_key")
    assert re.fullmatch(r"[0-9a-f]{32}", key.attrs["value"] or "")
    (reported,) = page.find_all("input", name="reported_at")
    assert reported.attrs["type"] == "datetime-local"
    shown = dt.datetime.strptime(reported.attrs["value"] or "", "%Y-%m-%dT%H:%M")
    assert abs(timezone.make_aware(shown) - timezone.now()) < dt.timedelta(minutes=2)
    (unknown,) = page.find_all("input", name="urgency", value="Unknown")
    assert "checked" in unknown.attrs
    html = response.content.decode()
    assert "Ippy" in html
    assert "CAN Ippy centre" in html
    assert "CAN Baboua" not in html


def test_the_form_tells_a_cla_without_deployment_what_to_do(mission: Mission) -> None:
    idle = f.UserFactory(role=Role.CLA)

    response = client_for(idle).get(CREATE_URL)

    assert response.status_code == 200
    assert "no open deployment" in response.content.decode()
    assert not parse(response.content).find_all("input", name="client_key")


def test_force_officers_off_duty_cannot_open_the_alert_form(mission: Mission) -> None:
    assert client_for(off_duty_force(mission)).get(CREATE_URL).status_code == 403


def test_a_coordinator_chooses_the_location(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(mission.coordinator)
    page = parse(client.get(CREATE_URL).content)
    assert page.find_all("select", name="location")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE_URL, alert_post(mission, location=mission.office_a.pk))

    assert response.status_code == 302
    assert Alert.objects.get().location == mission.office_a


def _future(mission: Mission) -> dict[str, Any]:
    return {"occurred_at": local(timezone.now() + dt.timedelta(days=2))}


def _long_before(mission: Mission) -> dict[str, Any]:
    return {"occurred_at": local(timezone.now() - dt.timedelta(days=400))}


def _outside(mission: Mission) -> dict[str, Any]:
    return {"latitude": "48.85661", "longitude": "2.35222"}


def _other_can_for_coordinator(mission: Mission) -> dict[str, Any]:
    return {"source_can": f.NetworkFactory(location=mission.office_a).pk}


def _other_can(mission: Mission) -> dict[str, Any]:
    return {"source_can": f.NetworkFactory(location=mission.base_b).pk}


FIELD_ERROR_CASES: list[tuple[str, Any, str]] = [
    ("future", _future, "occurred_at"),
    ("more than a year before reported", _long_before, "occurred_at"),
    ("outside the mission area", _outside, "latitude"),
    ("negative victims", lambda m: {"victims_killed": "-3"}, "victims_killed"),
    ("absurd victims", lambda m: {"victims_injured": "250000"}, "victims_injured"),
    ("CAN of another location", _other_can, "source_can"),
    ("missing category", lambda m: {"category": ""}, "category"),
    ("missing description", lambda m: {"description": ""}, "description"),
    ("blank description", lambda m: {"description": "   "}, "description"),
    ("description too long", lambda m: {"description": "x" * 5001}, "description"),
    ("place too long", lambda m: {"place": "x" * 151}, "place"),
    ("contact too long", lambda m: {"source_contact": "7" * 101}, "source_contact"),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("case", "make", "field"), FIELD_ERROR_CASES, ids=[c[0] for c in FIELD_ERROR_CASES]
)
def test_each_validation_error_shows_on_its_field(
    mission: Mission, language: str, case: str, make: Any, field: str
) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL, alert_post(mission, **make(mission)), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    assert not Alert.objects.exists()
    assert response.context["form"].errors[field]
    assert field_errors(response, field)
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_network_of_another_location_is_refused_for_a_coordinator_too(mission: Mission) -> None:
    response = client_for(mission.coordinator).post(
        CREATE_URL, alert_post(mission, **_other_can_for_coordinator(mission))
    )

    assert not Alert.objects.exists()
    assert field_errors(response, "source_can") == [
        "This alert network does not belong to the alert&#x27;s location."
    ]


def test_service_errors_show_in_english_on_their_fields(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL,
        alert_post(mission, victims_killed="-1", latitude="48.8", longitude="2.3"),
    )

    assert field_errors(response, "victims_killed") == ["A number of people cannot be negative."]
    assert field_errors(response, "latitude") == [
        "These coordinates are outside the mission&#x27;s area."
    ]


def test_a_missing_category_is_reported_in_french(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL,
        alert_post(mission, category="", description=""),
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    # Each says what to do, in the words of the field (GOV.UK), not "this field is required".
    assert field_errors(response, "category") == ["Choisissez une catégorie de menace."]
    assert field_errors(response, "description") == ["Décrivez ce qui s\u2019est passé."]


def test_the_language_cookie_chooses_french(mission: Mission) -> None:
    client = client_for(mission.cla)
    client.cookies["django_language"] = "fr"

    response = client.post(CREATE_URL, alert_post(mission, category=""))

    assert field_errors(response, "category") == ["Choisissez une catégorie de menace."]


def test_the_form_keeps_what_was_typed_when_it_is_refused(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL, alert_post(mission, category="", place="Zoumango")
    )

    page = parse(response.content)
    (place,) = page.find_all("input", name="place")
    assert place.attrs["value"] == "Zoumango"


def test_datetime_local_values_are_read_in_mission_time(mission: Mission) -> None:
    reported = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    client_for(mission.cla).post(
        CREATE_URL,
        alert_post(mission, reported_at=reported.strftime("%Y-%m-%dT%H:%M")),
    )

    assert Alert.objects.get().reported_at == reported


# --- the client key -----------------------------------------------------------------------


def test_the_same_client_key_twice_makes_one_alert(mission: Mission) -> None:
    client = client_for(mission.cla)
    data = alert_post(mission)

    first = client.post(CREATE_URL, data)
    second = client.post(CREATE_URL, data)

    alert = Alert.objects.get()
    assert first["Location"] == second["Location"]
    assert second["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    # The first redirect's message was never displayed, so it is still queued before ours.
    assert messages_of(second)[-1] == (
        f"{alert.reference} was already received: it was not logged twice."
    )


def test_the_same_client_key_with_other_content_is_refused(mission: Mission) -> None:
    client = client_for(mission.cla)
    data = alert_post(mission)
    client.post(CREATE_URL, data)
    first = Alert.objects.get()

    response = client.post(CREATE_URL, {**data, "description": "Something else entirely."})

    assert response.status_code == 200
    assert Alert.objects.count() == 1
    html = response.content.decode()
    assert "already submitted with different content" in html
    assert reverse("alerts:alert_detail", args=[first.pk]) in html
    (key,) = parse(response.content).find_all("input", name="client_key")
    assert key.attrs["value"] != data["client_key"]


def test_another_users_client_key_never_hands_out_their_alert(mission: Mission) -> None:
    data = alert_post(mission)
    client_for(mission.cla).post(CREATE_URL, data)
    theirs = Alert.objects.get()

    response = client_for(mission.coordinator).post(CREATE_URL, data)

    assert response.status_code == 200
    assert Alert.objects.count() == 1
    assert reverse("alerts:alert_detail", args=[theirs.pk]) not in response.content.decode()


# --- page weight and plain HTML -----------------------------------------------------------


def test_the_form_page_weighs_less_than_60_kb_with_its_css_and_js(mission: Mission) -> None:
    f.NetworkFactory(location=mission.base_a)
    response = client_for(mission.cla).get(CREATE_URL)
    html = response.content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert any(a.endswith(".css") for a in assets)
    assert any(a.endswith(".js") for a in assets)

    # Static files are served gzipped (compressed at collectstatic); the page is not.
    total = len(response.content)
    for asset in assets:
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as fh:
            total += len(gzip.compress(fh.read()))

    assert total < 60_000, total


def test_the_form_needs_no_javascript(mission: Mission) -> None:
    page = parse(client_for(mission.cla).get(CREATE_URL).content)

    (form,) = page.find_all("form", method="post", action=CREATE_URL)
    assert page.find_all("button", within=form, type="submit")
    assert not any(e.attrs.get("hx-post") for e in page.elements)
    assert "<script>" not in str(page.find_all("script"))
    assert not [e for e in page.find_all("script") if not e.attrs.get("src")]


# --- hostile input ------------------------------------------------------------------------


def test_a_10_mb_description_is_refused_without_a_server_error(mission: Mission) -> None:
    client = client_for(mission.cla)

    response = client.post(CREATE_URL, alert_post(mission, description="x" * 10_000_000))

    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_a_1_mb_description_is_a_field_error(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL, alert_post(mission, description="x" * 1_000_000)
    )

    assert response.status_code == 200
    assert field_errors(response, "description")
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("place", "Ippy\x00Centre"),
        ("description", "Armed\x00men"),
        ("victims_killed", "seven"),
        ("latitude", "1e999"),
        ("category", "999999"),
        ("source_can", "-1"),
        ("occurred_at", "0001-01-01T00:00"),
        ("reported_at", "not a date"),
        ("urgency", "<script>"),
    ],
)
def test_malformed_fields_are_field_errors_not_server_errors(
    mission: Mission, field: str, value: str
) -> None:
    response = client_for(mission.cla).post(CREATE_URL, alert_post(mission, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Alert.objects.exists()


def test_a_forged_location_is_refused(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL, alert_post(mission, location=mission.base_b.pk)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["location"]
    assert "Choose a location you work at." in response.content.decode()
    assert not Alert.objects.exists()


def test_html_in_an_alert_is_escaped_on_its_page(mission: Mission) -> None:
    # The services refuse markup; an alert saved before that rule, or corrected in the admin,
    # may still hold some.
    alert = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        description='<script>alert("x")</script> men at the well',
        place="<b>Ippy</b>",
    )
    client = client_for(mission.cla)

    html = client.get(reverse("alerts:alert_detail", args=[alert.pk])).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; men at the well" in html
    assert "<b>Ippy</b>" not in html


def test_html_typed_into_a_refused_form_comes_back_escaped(mission: Mission) -> None:
    response = client_for(mission.cla).post(
        CREATE_URL, alert_post(mission, category="", description="<img src=x onerror=alert(1)>")
    )

    html = response.content.decode()
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# --- my alerts ----------------------------------------------------------------------------


def test_my_alerts_lists_what_the_cla_logged_with_status_and_last_update(
    mission: Mission,
) -> None:
    mine = queued(mission)
    AlertEvent.objects.create(
        alert=mine, kind=AlertEvent.Kind.ACKNOWLEDGED, at=timezone.now() - dt.timedelta(minutes=1)
    )
    closed = queued(mission, status=Alert.Status.CLOSED, outcome="confirmed", response="patrol")
    colleague = f.AlertFactory(location=mission.base_a)
    other = queued(mission, sector="b")

    response = client_for(mission.cla).get(reverse("alerts:my_alerts"))

    html = response.content.decode()
    assert mine.reference in html
    assert closed.reference in html
    assert colleague.reference not in html
    assert other.reference not in html
    assert "Queued" in html
    assert "Closed" in html
    assert "Confirmed; Patrol dispatched" in html
    rows = {a.reference: a for a in response.context["rows"]}
    assert rows[mine.reference].last_update_kind == AlertEvent.Kind.ACKNOWLEDGED


def test_my_alerts_makes_the_same_number_of_queries_for_3_and_30_alerts(
    mission: Mission,
) -> None:
    client = client_for(mission.cla)
    url = reverse("alerts:my_alerts")
    for _ in range(3):
        queued(mission, assigned_to=mission.force)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(27):
        queued(mission, assigned_to=mission.force)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["rows"]) == 30
    assert len(many) == len(few)


# --- the alert list -----------------------------------------------------------------------


def test_the_alert_list_is_scoped_to_the_user(mission: Mission) -> None:
    a = queued(mission)
    b = queued(mission, sector="b")

    html = client_for(mission.force).get(reverse("alerts:alert_list")).content.decode()

    assert a.reference in html
    assert b.reference not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "closed"}, {"closed"}),
        ({"urgency": "Immediate"}, {"urgent"}),
        ({"severity": "Minor"}, {"minor"}),
        ({"location": "base_b"}, {"b"}),
        ({"sector": "sector_b"}, {"b"}),
        ({"category": "looting"}, {"looting"}),
        ({"reported_after": "2026-02-01", "reported_before": "2026-02-28"}, {"february"}),
    ],
)
def test_the_alert_list_filters(
    mission: Mission, params: dict[str, str], expected: set[str]
) -> None:
    looting = f.CategoryFactory(code="looting", name_en="Looting", name_fr="Pillage")
    alerts = {
        "closed": queued(mission, status=Alert.Status.CLOSED),
        "urgent": queued(mission, urgency="Immediate"),
        "minor": queued(mission, severity="Minor"),
        "b": queued(mission, sector="b"),
        "looting": queued(mission, category=looting),
        "february": queued(
            mission, reported_at=timezone.make_aware(dt.datetime(2026, 2, 10, 12, 0))
        ),
    }
    values = {
        key: str(getattr(mission, value).pk) if hasattr(mission, value) else value
        for key, value in params.items()
    }
    if "category" in values:
        values["category"] = str(looting.pk)

    response = client_for(mission.hq).get(reverse("alerts:alert_list"), values)

    shown = {a.pk for a in response.context["rows"]}
    assert shown == {alerts[key].pk for key in expected}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"category": "'; DROP TABLE alerts_alert; --"},
        {"location": "99999999999999999999999"},
        {"sector": "-1"},
        {"reported_after": "0000-00-00"},
        {"reported_before": "0001-01-01"},
        {"reported_before": "9999-12-31"},
        {"urgency": "\x00"},
        {"page": "last"},
        {"page": "99999"},
    ],
)
def test_garbage_filter_values_never_break_the_list(
    mission: Mission, params: dict[str, str]
) -> None:
    alert = queued(mission)

    response = client_for(mission.hq).get(reverse("alerts:alert_list"), params)

    assert response.status_code == 200
    assert alert.reference in response.content.decode()


def test_the_alert_list_pages_by_50(mission: Mission) -> None:
    for _ in range(51):
        queued(mission)
    client = client_for(mission.hq)

    first = client.get(reverse("alerts:alert_list"), {"urgency": "Unknown"})
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("alerts:alert_list"), {"urgency": "Unknown", "cursor": cursor})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert "urgency=Unknown&amp;" + urlencode({"cursor": cursor}) in first.content.decode()
    assert second.context["page"].next_cursor is None
    assert second.context["page"].previous_cursor


def test_a_page_link_that_cannot_be_read_says_so_and_shows_nothing(mission: Mission) -> None:
    queued(mission)

    response = client_for(mission.hq).get(reverse("alerts:alert_list"), {"cursor": "forged"})

    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "This page link cannot be read" in response.content.decode()


# --- the alert page -----------------------------------------------------------------------


def test_the_alert_page_shows_the_timeline_with_who_and_when(
    mission: Mission, django_capture_on_commit_callbacks: Any
) -> None:
    mission.force.first_name, mission.force.last_name = "Amadou", "Diallo"
    mission.force.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(mission.cla).post(CREATE_URL, alert_post(mission))
    alert = Alert.objects.get()
    services.alert_acknowledge(alert_id=alert.pk, user=mission.force)

    response = client_for(mission.cla).get(reverse("alerts:alert_detail", args=[alert.pk]))

    page = parse(response.content)
    (timeline,) = page.find_all("ol", class_="timeline")
    items = [" ".join(li.text.split()) for li in page.find_all("li", within=timeline)]
    assert len(items) == 3
    assert "Logged" in items[0]
    assert mission.cla.get_full_name() in items[0]
    assert "Routed to queue" in items[1]
    assert mission.queue_a.name in items[1]
    assert "System" in items[1]
    assert "Acknowledged" in items[2]
    assert "Amadou Diallo" in items[2]
    assert "Queued → Acknowledged" in items[2]
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", item) for item in items)


def test_the_alert_page_shows_response_times_from_logging(mission: Mission) -> None:
    logged = timezone.now() - dt.timedelta(hours=3)
    alert = queued(
        mission,
        status=Alert.Status.RESPONDED,
        created_at=logged,
        acknowledged_at=logged + dt.timedelta(minutes=12),
        outcome_at=logged + dt.timedelta(hours=1, minutes=5),
        responded_at=logged + dt.timedelta(hours=2),
    )

    response = client_for(mission.hq).get(reverse("alerts:alert_detail", args=[alert.pk]))

    page = parse(response.content)
    (times,) = page.find_all("dl", class_="times")
    labels = [e.text for e in page.find_all("dt", within=times)]
    values = [" ".join(e.text.split()) for e in page.find_all("dd", within=times)]
    assert dict(zip(labels, values, strict=True)) == {
        "Time to acknowledge": "12 min",
        "Time to outcome": "1 h 05 min",
        "Time to response": "2 h 00 min",
        "Time to close": "not yet",
    }


def test_the_alert_page_shows_triangulations_and_linked_alerts(mission: Mission) -> None:
    alert = queued(mission, status=Alert.Status.TRIANGULATING)
    Triangulation.objects.create(alert=alert, method="unpol", requested_by=mission.force)
    twin = queued(mission)
    hidden = queued(mission, sector="b")
    alert.links_out.create(to_alert=twin, kind="duplicate", reason="same place")
    alert.links_in.create(from_alert=hidden, kind="related")

    html = client_for(mission.force).get(reverse("alerts:alert_detail", args=[alert.pk]))
    html = html.content.decode()

    assert "UN police" in html
    assert twin.reference in html
    assert "same place" in html
    assert hidden.reference not in html


def test_the_source_identity_is_hidden_from_force_officers(mission: Mission) -> None:
    alert = queued(mission, source_name="Jean-Baptiste Ngaba", source_contact="+236 75 11 22 33")
    url = reverse("alerts:alert_detail", args=[alert.pk])

    force_html = client_for(mission.force).get(url).content.decode()
    cla_html = client_for(mission.cla).get(url).content.decode()
    other_cla = f.UserFactory(role=Role.CLA)
    f.DeploymentFactory(cla=f.CLAFactory(user=other_cla), location=mission.base_a)
    colleague_html = client_for(other_cla).get(url).content.decode()

    assert "Jean-Baptiste Ngaba" not in force_html
    assert "+236 75 11 22 33" not in force_html
    assert "Jean-Baptiste Ngaba" in cla_html
    assert "+236 75 11 22 33" in cla_html
    assert "Jean-Baptiste Ngaba" not in colleague_html


def test_the_source_identity_is_hidden_from_force_on_every_alert_page(mission: Mission) -> None:
    queued(mission, source_name="Jean-Baptiste Ngaba", place="Zoumango")
    client = client_for(mission.force)

    for url in (QUEUE_URL, ROWS_URL, reverse("alerts:alert_list")):
        html = client.get(url).content.decode()
        assert "Zoumango" in html
        assert "Jean-Baptiste Ngaba" not in html


@pytest.mark.parametrize("role", ["cla", "force", "coordinator"])
def test_an_alert_outside_the_user_scope_is_404(mission: Mission, role: str) -> None:
    alert = queued(mission, sector="b")
    client = client_for(mission.user(role))

    assert client.get(reverse("alerts:alert_detail", args=[alert.pk])).status_code == 404
    assert post_action(client, alert, "acknowledge").status_code == 404


def test_an_unknown_alert_or_action_is_404(mission: Mission) -> None:
    alert = queued(mission)
    client = client_for(mission.force)

    assert (
        client.get(reverse("alerts:alert_detail", args=[99999999999999999999])).status_code == 404
    )
    assert post_action(client, alert, "explode").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(mission: Mission) -> None:
    alert = queued(mission)
    for url in (
        CREATE_URL,
        reverse("alerts:my_alerts"),
        reverse("alerts:alert_list"),
        reverse("alerts:alert_detail", args=[alert.pk]),
        QUEUE_URL,
        ROWS_URL,
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- actions ------------------------------------------------------------------------------


def test_actions_are_shown_to_force_officers_only(mission: Mission) -> None:
    alert = queued(mission)
    url = reverse("alerts:alert_detail", args=[alert.pk])

    force_page = parse(client_for(mission.force).get(url).content)
    cla_page = parse(client_for(mission.cla).get(url).content)

    action = reverse("alerts:alert_action", args=[alert.pk, "acknowledge"])
    assert force_page.find_all("form", action=action)
    assert not force_page.find_all(
        "form", action=reverse("alerts:alert_action", args=[alert.pk, "close"])
    )
    assert not cla_page.find_all("form", action=action)


def test_a_cla_cannot_act_on_an_alert(mission: Mission) -> None:
    alert = queued(mission)

    response = post_action(client_for(mission.cla), alert, "acknowledge")

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED


@pytest.fixture
def colleague(mission: Mission) -> User:
    officer = f.UserFactory(
        username="force-a2", role=Role.FORCE, sector=mission.sector_a, first_name="Awa"
    )
    mission.queue_a.officers.add(officer)
    return officer


ACTION_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("queued", "acknowledge", {"note": "On it"}, "acknowledged"),
    (
        "acknowledged",
        "triangulate",
        {"method": "patrol", "note": "Patrol at dawn"},
        "triangulating",
    ),
    ("triangulating", "outcome", {"outcome": "partly"}, "verified"),
    ("acknowledged", "outcome", {"outcome": "false"}, "verified"),
    ("verified", "response", {"response": "patrol", "note": "Two sections"}, "responded"),
    ("verified", "close", {}, "closed"),
    ("responded", "close", {"note": "Calm again"}, "closed"),
    ("closed", "reopen", {"note": "New shots heard"}, "acknowledged"),
]


@pytest.mark.parametrize(
    ("start", "action", "fields", "end"), ACTION_CASES, ids=[f"{c[0]}-{c[1]}" for c in ACTION_CASES]
)
def test_each_action_moves_the_alert_and_writes_the_timeline(
    mission: Mission, start: str, action: str, fields: dict[str, Any], end: str
) -> None:
    alert = queued(mission, status=start)

    response = post_action(client_for(mission.force), alert, action, **fields)

    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    alert.refresh_from_db()
    assert alert.status == end
    assert alert.version == 2
    event = alert.events.get()
    assert event.actor == mission.force
    assert event.to_status == end
    assert messages_of(response)


def test_the_outcome_and_response_are_recorded(mission: Mission) -> None:
    alert = queued(mission, status="triangulating")
    client = client_for(mission.force)

    post_action(client, alert, "outcome", outcome="confirmed")
    alert.refresh_from_db()
    post_action(client, alert, "response", response="mediation", note="Met both chiefs")

    alert.refresh_from_db()
    assert alert.outcome == "confirmed"
    assert alert.response == "mediation"
    assert alert.response_note == "Met both chiefs"


def test_triangulation_is_recorded_with_its_method(mission: Mission) -> None:
    alert = queued(mission, status="acknowledged")

    post_action(client_for(mission.force), alert, "triangulate", method="other_cla")

    assert alert.triangulations.get().method == "other_cla"


def test_an_alert_is_assigned_to_an_officer_of_its_queue(mission: Mission, colleague: User) -> None:
    alert = queued(mission)

    post_action(client_for(mission.force), alert, "assign", officer=colleague.pk)

    alert.refresh_from_db()
    assert alert.assigned_to == colleague
    assert alert.status == Alert.Status.QUEUED


def test_assigning_an_officer_of_another_queue_is_a_field_error(mission: Mission) -> None:
    outsider = f.UserFactory(role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(outsider)
    alert = queued(mission)

    response = post_action(client_for(mission.force), alert, "assign", officer=outsider.pk)

    assert response.status_code == 200
    assert "Choose an officer of this alert&#x27;s queue." in response.content.decode()
    alert.refresh_from_db()
    assert alert.assigned_to is None


def test_reopening_without_a_reason_shows_the_error_on_the_form(mission: Mission) -> None:
    alert = queued(mission, status="closed")

    response = post_action(client_for(mission.force), alert, "reopen", note="")

    assert response.status_code == 200
    page = parse(response.content)
    (form,) = page.find_all("form", id="action-reopen")
    assert page.find_all("ul", within=form, class_="errorlist", id="id_reopen-note_error")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED


def test_acknowledging_from_the_queue_returns_to_the_queue(mission: Mission) -> None:
    alert = queued(mission)
    client = client_for(mission.force)
    page = parse(client.get(QUEUE_URL).content)
    (form,) = page.find_all(
        "form", action=reverse("alerts:alert_action", args=[alert.pk, "acknowledge"])
    )
    data = {
        e.attrs["name"]: e.attrs["value"]
        for e in page.find_all("input", within=form, type="hidden")
    }

    response = client.post(form.attrs["action"], data)

    assert response["Location"] == QUEUE_URL
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED


ILLEGAL_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("queued", "outcome", {"outcome": "confirmed"}),
    ("queued", "response", {"response": "patrol"}),
    ("queued", "close", {}),
    ("queued", "reopen", {"note": "why"}),
    ("queued", "triangulate", {"method": "patrol"}),
    ("acknowledged", "acknowledge", {}),
    ("acknowledged", "response", {"response": "patrol"}),
    ("verified", "outcome", {"outcome": "false"}),
    ("closed", "acknowledge", {}),
    ("closed", "close", {}),
    ("responded", "response", {"response": "none"}),
]


@pytest.mark.parametrize(
    ("status", "action", "fields"), ILLEGAL_CASES, ids=[f"{c[0]}-{c[1]}" for c in ILLEGAL_CASES]
)
def test_an_illegal_transition_is_refused_with_a_message(
    mission: Mission, status: str, action: str, fields: dict[str, Any]
) -> None:
    alert = queued(mission, status=status)

    response = post_action(client_for(mission.force), alert, action, **fields)

    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert messages_of(response) == [
        f"{alert.reference} is {alert.get_status_display()}: this action is not possible now."
    ]
    alert.refresh_from_db()
    assert alert.status == status
    assert alert.version == 1
    assert not alert.events.exists()


def test_the_second_of_two_officers_acting_at_once_is_told(
    mission: Mission, colleague: User
) -> None:
    alert = queued(mission)
    url = reverse("alerts:alert_detail", args=[alert.pk])
    mine, theirs = client_for(mission.force), client_for(colleague)
    # Both have the page open, showing the same version of the alert.
    shown = [
        parse(c.get(url).content).find_all("input", name="acknowledge-version")[0].attrs["value"]
        for c in (mine, theirs)
    ]

    first = post_action(theirs, alert, "acknowledge", version=shown[1])
    second = post_action(mine, alert, "acknowledge", version=shown[0], note="Taking it")

    assert first.status_code == second.status_code == 302
    assert messages_of(second) == [
        f"{alert.reference} was changed by someone else in the meantime "
        "(now: Acknowledged). Reload and try again."
    ]
    alert.refresh_from_db()
    assert alert.assigned_to == colleague
    assert alert.events.filter(kind=AlertEvent.Kind.ACKNOWLEDGED).count() == 1
    assert not alert.events.filter(note="Taking it").exists()


def test_a_stale_version_never_overwrites_an_outcome(mission: Mission, colleague: User) -> None:
    alert = queued(mission, status="triangulating")
    stale = alert.version
    post_action(client_for(colleague), alert, "outcome", outcome="confirmed")

    response = post_action(
        client_for(mission.force), alert, "outcome", version=stale, outcome="false"
    )

    assert response.status_code == 302
    assert "changed by someone else" in messages_of(response)[0]
    alert.refresh_from_db()
    assert alert.outcome == "confirmed"


def test_a_stale_incomplete_form_is_told_the_page_is_out_of_date(
    mission: Mission, colleague: User
) -> None:
    alert = queued(mission, status="closed")
    stale = alert.version
    post_action(client_for(colleague), alert, "reopen", note="Shots again")

    response = post_action(client_for(mission.force), alert, "reopen", version=stale, note="")

    assert response.status_code == 302
    assert messages_of(response) == [
        "Someone else changed this in the meantime. Reload and try again."
    ]


@pytest.mark.parametrize("version", ["", "abc", "-1", "\x00"])
def test_a_missing_or_garbled_version_is_not_a_server_error(mission: Mission, version: str) -> None:
    alert = queued(mission)

    response = post_action(client_for(mission.force), alert, "acknowledge", version=version)

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.QUEUED


def test_actions_need_post(mission: Mission) -> None:
    alert = queued(mission)
    url = reverse("alerts:alert_action", args=[alert.pk, "acknowledge"])

    assert client_for(mission.force).get(url).status_code == 405


# --- the triage queue ---------------------------------------------------------------------


def test_a_force_officer_sees_the_open_alerts_of_the_sector_queues_only(
    mission: Mission,
) -> None:
    own = queued(mission)
    working = queued(mission, status=Alert.Status.TRIANGULATING)
    closed = queued(mission, status=Alert.Status.CLOSED)
    unrouted = f.AlertFactory(location=mission.base_a, status=Alert.Status.NEW)
    other_sector = queued(mission, sector="b")

    response = client_for(mission.force).get(QUEUE_URL)

    assert response.status_code == 200
    shown = {a.pk for a in response.context["rows"]}
    assert shown == {own.pk, working.pk}
    html = response.content.decode()
    for alert in (closed, unrouted, other_sector):
        assert alert.reference not in html


def test_the_queue_puts_the_most_urgent_and_oldest_first(mission: Mission) -> None:
    now = timezone.now()
    alerts = {
        name: queued(
            mission,
            urgency_rank=urgency,
            severity_rank=severity,
            reported_at=now - dt.timedelta(minutes=minutes),
        )
        for name, urgency, severity, minutes in [
            ("expected-new", 1, 0, 1),
            ("immediate-minor", 0, 4, 5),
            ("immediate-extreme-new", 0, 0, 2),
            ("immediate-extreme-old", 0, 0, 30),
            ("past", 4, 0, 300),
        ]
    }

    response = client_for(mission.force).get(QUEUE_URL)

    order = [a.pk for a in response.context["rows"]]
    expected = [
        "immediate-extreme-old",
        "immediate-extreme-new",
        "immediate-minor",
        "expected-new",
        "past",
    ]
    assert order == [alerts[name].pk for name in expected]


def test_the_queue_page_polls_its_rows_every_5_seconds(mission: Mission) -> None:
    page = parse(client_for(mission.force).get(QUEUE_URL).content)

    (body,) = page.find_all("tbody", id="queue-rows")
    assert body.attrs["hx-get"] == ROWS_URL
    assert body.attrs["hx-trigger"] == "every 5s"
    assert body.attrs["hx-swap"] == "outerHTML"
    assert [s.attrs.get("src") for s in page.find_all("script")] == [
        s.attrs.get("src") for s in page.find_all("script") if s.attrs.get("src")
    ]
    assert page.find_all("a", href=QUEUE_URL)  # refresh without JavaScript


def test_the_rows_partial_has_new_alerts_and_keeps_polling(mission: Mission) -> None:
    client = client_for(mission.force)
    client.get(QUEUE_URL)
    newcomer = queued(mission, place="Zoumango")

    response = client.get(ROWS_URL, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<tbody")
    assert "<html" not in html
    assert newcomer.reference in html
    page = parse(html)
    (body,) = page.find_all("tbody", id="queue-rows")
    assert body.attrs["hx-trigger"] == "every 5s"


def test_the_rows_partial_keeps_the_queue_filter(mission: Mission) -> None:
    second = f.QueueFactory(code="sa-north", sector=mission.sector_a, is_default=False)
    second.officers.add(mission.force)
    in_first = queued(mission)
    in_second = queued(mission, queue=second)
    client = client_for(mission.force)

    page = parse(client.get(QUEUE_URL, {"queue": second.pk}).content)
    (body,) = page.find_all("tbody", id="queue-rows")
    rows = client.get(body.attrs["hx-get"]).context["rows"]

    assert page.find_all("select", name="queue")
    assert [a.pk for a in rows] == [in_second.pk]
    assert in_first.pk not in {a.pk for a in rows}


def test_a_garbage_queue_filter_shows_every_queue(mission: Mission) -> None:
    alert = queued(mission)

    response = client_for(mission.force).get(QUEUE_URL, {"queue": "x'--"})

    assert response.status_code == 200
    assert [a.pk for a in response.context["rows"]] == [alert.pk]


def test_a_signed_out_poll_reloads_the_page(mission: Mission) -> None:
    response = Client().get(ROWS_URL, HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_escalated_alerts_are_marked(mission: Mission) -> None:
    escalated = queued(mission, escalated_at=timezone.now(), urgency="Immediate")
    calm = queued(mission)

    page = parse(client_for(mission.force).get(ROWS_URL).content)

    rows = {
        " ".join(tr.text.split()).split(" ")[0]: tr
        for tr in page.find_all("tr")
        if "queue-row" in (tr.attrs.get("class") or "")
    }
    assert "escalated" in rows[escalated.reference].attrs["class"]
    assert "Escalated" in rows[escalated.reference].text
    assert "escalated" not in rows[calm.reference].attrs["class"]


def test_each_row_shows_what_the_officer_needs(mission: Mission) -> None:
    mission.force.first_name, mission.force.last_name = "Amadou", "Diallo"
    mission.force.save()
    alert = queued(
        mission,
        place="Zoumango",
        urgency="Immediate",
        severity="Severe",
        assigned_to=mission.force,
        created_at=timezone.now() - dt.timedelta(minutes=42),
    )

    page = parse(client_for(mission.force).get(ROWS_URL).content)

    (row,) = [tr for tr in page.find_all("tr") if alert.reference in tr.text]
    text = " ".join(row.text.split())
    for part in (
        alert.reference,
        "Attack on civilians",
        "Ippy, Zoumango",
        "Immediate",
        "Severe",
        "Queued",
        timezone.localtime(alert.reported_at).strftime("%Y-%m-%d %H:%M"),
        "42 min",
        "Amadou Diallo",
    ):
        assert part in text, part


def test_an_acknowledged_row_shows_the_time_it_took(mission: Mission) -> None:
    logged = timezone.now() - dt.timedelta(hours=2)
    queued(
        mission,
        status="acknowledged",
        created_at=logged,
        acknowledged_at=logged + dt.timedelta(minutes=7),
    )

    html = client_for(mission.force).get(ROWS_URL).content.decode()

    assert "acknowledged after</span> 7 min" in html


@pytest.mark.parametrize("url", [QUEUE_URL, ROWS_URL])
def test_the_queue_makes_the_same_number_of_queries_for_3_and_30_alerts(
    mission: Mission, url: str
) -> None:
    client = client_for(mission.force)
    for i in range(3):
        queued(mission, assigned_to=mission.force, escalated_at=timezone.now() if i else None)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(27):
        queued(mission, assigned_to=mission.force, status="acknowledged" if i % 2 else "queued")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["rows"]) == 30
    assert len(many) == len(few)


def test_the_alert_list_makes_the_same_number_of_queries_for_3_and_30_alerts(
    mission: Mission,
) -> None:
    client = client_for(mission.hq)
    url = reverse("alerts:alert_list")
    for _ in range(3):
        queued(mission)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"status": "queued"})
    for _ in range(27):
        queued(mission, sector="b")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"status": "queued"})

    assert len(response.context["rows"]) == 30
    assert len(many) == len(few)


def test_a_cla_has_no_queue_page(mission: Mission) -> None:
    client = client_for(mission.cla)

    assert client.get(QUEUE_URL).status_code == 403
    assert client.get(ROWS_URL).status_code == 403


def test_hq_sees_every_queue(mission: Mission) -> None:
    a, b = queued(mission), queued(mission, sector="b")

    response = client_for(mission.hq).get(QUEUE_URL)

    assert {r.pk for r in response.context["rows"]} == {a.pk, b.pk}
    assert parse(response.content).find_all("select", name="queue")


def test_an_officer_adds_a_note_to_the_timeline(client, mission) -> None:
    from alerts.models import AlertEvent
    from tests import factories as fac

    alert = fac.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="acknowledged")
    client.force_login(mission.force)

    response = client.post(
        f"/alerts/{alert.pk}/note/",
        {"note-version": alert.version, "note-note": "Patrol saw smoke"},
    )

    assert response.status_code == 302
    event = AlertEvent.objects.get(alert=alert, kind=AlertEvent.Kind.NOTE)
    assert event.note == "Patrol saw smoke" and event.actor == mission.force
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_an_empty_note_is_refused_on_its_field(client, mission) -> None:
    from alerts.models import AlertEvent
    from tests import factories as fac

    alert = fac.AlertFactory(location=mission.base_a, queue=mission.queue_a, status="acknowledged")
    client.force_login(mission.force)

    response = client.post(
        f"/alerts/{alert.pk}/note/", {"note-version": alert.version, "note-note": " "}
    )

    assert response.status_code == 200
    assert response.context["actions"]
    assert not AlertEvent.objects.filter(alert=alert, kind=AlertEvent.Kind.NOTE).exists()
