"""The field edge, server side: the JSON the alert form's script is answered with, alerts held
for a signed-out CLA until they sign in again, the service worker, the manifest and the
offline page, and a form whose defaults can be sent as they are."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from alerts.forms import FORM_VERSION, AlertForm, form_owner_key
from alerts.models import Alert, ThreatCategory
from clas.models import User
from core.views import HELD_POSTS_KEY, HELD_POSTS_MAX
from tests import factories as f
from tests.alerts.support import off_duty_force
from tests.conftest import Mission
from tests.core.html import parse

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("alerts:alert_create")
LOGIN_URL = reverse("login")
JSON = {"HTTP_ACCEPT": "application/json"}


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def fields(mission: Mission, user: User | None = None, **overrides: Any) -> dict[str, Any]:
    """What the form sends for a complete alert of `user` (the CLA of base A)."""
    now = timezone.now()
    data: dict[str, Any] = {
        "client_key": uuid.uuid4().hex,
        "owner": form_owner_key(user or mission.cla),
        "location": mission.base_a.pk,
        "category": ThreatCategory.objects.get(code="attack").pk,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": local(now - dt.timedelta(hours=3)),
        "reported_at": local(now - dt.timedelta(minutes=5)),
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "source_type": Alert.SourceType.LOCAL_AUTHORITY,
        "victims_injured": "1",
    }
    data.update(overrides)
    return data


def client_for(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the JSON the script is answered with --------------------------------------------------


def test_a_new_alert_is_201_with_its_reference_and_address(mission: Mission) -> None:
    response = client_for(mission.cla).post(CREATE_URL, fields(mission), **JSON)

    alert = Alert.objects.get()
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "created",
        "reference": alert.reference,
        "url": reverse("alerts:alert_detail", args=[alert.pk]),
        "message": f"Alert {alert.reference} saved. It goes to the Force's triangulation queue now.",
    }
    assert alert.logged_by == mission.cla


def test_a_replay_of_the_same_alert_is_200_already_received_and_saves_nothing(
    mission: Mission,
) -> None:
    client = client_for(mission.cla)
    data = fields(mission)
    first = client.post(CREATE_URL, data, **JSON)

    again = client.post(CREATE_URL, data, **JSON)

    assert again.status_code == 200
    body = again.json()
    assert body["status"] == "received"
    assert body["reference"] == first.json()["reference"]
    assert body["message"] == f"{body['reference']} was already received: it was not logged twice."
    assert Alert.objects.count() == 1


def test_replays_leave_no_message_for_later_unless_the_script_opens_the_alert(
    mission: Mission,
) -> None:
    client = client_for(mission.cla)

    sent_by_outbox = client.post(CREATE_URL, fields(mission), **JSON)
    sent_by_form = client.post(CREATE_URL, fields(mission), HTTP_X_ALERT_FOLLOW="1", **JSON)

    assert messages_of(sent_by_outbox) == []
    assert messages_of(sent_by_form) == [sent_by_form.json()["message"]]


def test_already_received_replaces_the_saved_message_of_a_lost_answer(mission: Mission) -> None:
    client = client_for(mission.cla)
    data = fields(mission)
    client.post(CREATE_URL, data)  # its answer (and the page with the message) never arrived

    response = client.post(CREATE_URL, data, follow=True)

    reference = Alert.objects.get().reference
    page = parse(response.content)
    (shown,) = page.find_all("ul", class_="messages")
    assert [li.text for li in page.find_all("li", within=shown)] == [
        f"{reference} was already received: it was not logged twice."
    ]


def test_an_invalid_alert_is_400_with_the_errors_of_each_field_and_the_summary(
    mission: Mission,
) -> None:
    data = fields(mission, category="", description="", occurred_at="2999-01-01T10:00")

    response = client_for(mission.cla).post(CREATE_URL, data, **JSON)

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "invalid"
    assert (
        body["message"] == "The alert is not saved yet. Correct what is marked and send it again."
    )
    assert body["errors"] == {
        "category": ["Choose a threat category."],
        "description": ["Describe what happened."],
        "occurred_at": ["Check the year of this date."],
    }
    assert body["summary"] == [
        {"href": "#id_category", "text": "Threat category: Choose a threat category."},
        {"href": "#id_description", "text": "Description: Describe what happened."},
        {"href": "#id_occurred_at", "text": "When it happened: Check the year of this date."},
    ]
    assert Alert.objects.count() == 0


def test_service_errors_come_back_on_their_fields_in_json_too(mission: Mission) -> None:
    data = fields(mission, occurred_at=local(timezone.now() + dt.timedelta(days=2)))

    response = client_for(mission.cla).post(CREATE_URL, data, **JSON)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "occurred_at": ["The time it happened cannot be in the future."]
    }


def test_the_json_is_in_the_language_of_the_cla(mission: Mission) -> None:
    client = client_for(mission.cla)
    client.cookies["django_language"] = "fr"

    response = client.post(CREATE_URL, fields(mission, category=""), **JSON)

    assert response.json()["summary"] == [
        {
            "href": "#id_category",
            "text": "Catégorie de menace\u00a0: Choisissez une catégorie de menace.",
        }
    ]


def test_a_client_key_of_another_alert_is_409_and_saves_nothing(mission: Mission) -> None:
    client = client_for(mission.cla)
    data = fields(mission)
    first = client.post(CREATE_URL, data, **JSON).json()

    response = client.post(CREATE_URL, {**data, "description": "Another alert"}, **JSON)

    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["message"].startswith("This form was already submitted with different content.")
    assert body["first"] == {"reference": first["reference"], "url": first["url"]}
    assert Alert.objects.count() == 1


def test_another_users_client_key_is_409_without_naming_their_alert(mission: Mission) -> None:
    theirs = client_for(mission.cla_b).post(
        CREATE_URL,
        fields(mission, mission.cla_b, location=mission.base_b.pk),
        **JSON,
    )
    key = Alert.objects.get().client_key

    response = client_for(mission.cla).post(CREATE_URL, fields(mission, client_key=key), **JSON)

    assert theirs.status_code == 201
    assert response.status_code == 409
    assert "first" not in response.json()
    assert Alert.objects.count() == 1


def test_a_signed_out_script_gets_401_with_the_login_address_not_a_redirect(
    mission: Mission,
) -> None:
    response = Client().post(CREATE_URL, fields(mission), **JSON)

    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "signed-out"
    assert body["login_url"] == f"{LOGIN_URL}?next=%2Falerts%2Fnew%2F"
    assert Alert.objects.count() == 0
    assert HELD_POSTS_KEY not in response.wsgi_request.session  # the device keeps it


def test_a_user_who_may_not_log_alerts_gets_403_json(mission: Mission) -> None:
    response = client_for(off_duty_force(mission)).post(CREATE_URL, fields(mission), **JSON)

    assert response.status_code == 403
    assert response.json()["status"] == "forbidden"
    assert Alert.objects.count() == 0


def test_a_refused_csrf_token_is_403_json_for_the_script(mission: Mission) -> None:
    client = client_for(mission.cla, enforce_csrf_checks=True)

    response = client.post(CREATE_URL, fields(mission), **JSON)

    assert response.status_code == 403
    assert response.json()["status"] == "csrf"
    assert Alert.objects.count() == 0


def test_a_form_opened_by_another_user_is_refused(mission: Mission) -> None:
    data = fields(mission, owner=form_owner_key(mission.cla_b))

    response = client_for(mission.cla).post(CREATE_URL, data, **JSON)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["owner"]
    assert response.json()["summary"] == [
        {
            "href": "",
            "text": "This form was opened by another user. Log in as them to send it, or "
            "copy what it says into a new form.",
        }
    ]
    assert Alert.objects.count() == 0


# --- held for a signed-out CLA --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cla_reads_english(mission: Mission) -> None:
    """Logging in switches to the user's language: these tests read the English texts."""
    User.objects.filter(pk__in=[mission.cla.pk, mission.cla_b.pk]).update(language="en")


def test_a_form_sent_after_the_session_expired_is_saved_when_the_cla_signs_in_again(
    mission: Mission,
) -> None:
    client = Client()  # the session is gone: the browser still has its CSRF cookie
    data = fields(mission)

    sent = client.post(CREATE_URL, data)

    assert sent.status_code == 302
    assert sent["Location"].startswith(f"{LOGIN_URL}?next=")
    assert Alert.objects.count() == 0
    login_page = client.get(sent["Location"])
    assert "What you typed is kept" in login_page.content.decode()

    signed_in = client.post(
        sent["Location"], {"username": mission.cla.username, "password": "pass-word-123"}
    )
    resumed = client.get(signed_in["Location"])

    alert = Alert.objects.get()
    assert resumed.status_code == 302
    assert resumed["Location"] == reverse("alerts:alert_detail", args=[alert.pk])
    assert alert.client_key == data["client_key"]
    assert alert.description == data["description"]
    assert alert.logged_by == mission.cla
    assert messages_of(resumed) == [
        f"You are logged in again and alert {alert.reference} is saved, as you typed it. "
        "It goes to the Force's triangulation queue now."
    ]
    # Opening the same address again does nothing more.
    assert client.get(signed_in["Location"]).status_code == 200
    assert Alert.objects.count() == 1


def test_a_held_alert_is_never_shown_or_saved_for_another_user(mission: Mission) -> None:
    client = Client()
    sent = client.post(CREATE_URL, fields(mission, description="Seen by cla-a only"))
    next_url = sent["Location"].split("next=")[1]

    client.post(sent["Location"], {"username": mission.cla_b.username, "password": "pass-word-123"})
    page = client.get(reverse("alerts:alert_create") + "?held=" + next_url.split("held%3D")[1])

    assert page.status_code == 200
    assert "Seen by cla-a only" not in page.content.decode()
    assert Alert.objects.count() == 0


def test_a_held_alert_that_is_no_longer_valid_comes_back_filled_in_with_its_errors(
    mission: Mission,
) -> None:
    client = Client()
    data = fields(mission)
    sent = client.post(CREATE_URL, data)
    # Withdrawn by the admin while the CLA was signed out.
    ThreatCategory.objects.filter(code="attack").update(is_active=False)

    signed_in = client.post(
        sent["Location"], {"username": mission.cla.username, "password": "pass-word-123"}
    )
    page = client.get(signed_in["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert data["description"] in html
    assert "What you typed was kept while you logged in again" in html
    assert Alert.objects.count() == 0


def test_a_post_without_the_mark_of_its_owner_is_shown_to_be_copied_not_held(
    mission: Mission,
) -> None:
    data = fields(mission, description="From a page of the last release")
    del data["owner"]

    response = Client().post(CREATE_URL, data)

    assert response.status_code == 403
    assert "From a page of the last release" in response.content.decode()
    assert HELD_POSTS_KEY not in response.wsgi_request.session
    assert Alert.objects.count() == 0


def test_an_expired_csrf_token_brings_the_form_back_filled_in_not_saved(
    mission: Mission,
) -> None:
    client = client_for(mission.cla, enforce_csrf_checks=True)
    client.get(CREATE_URL)  # the CSRF cookie, as a browser has it
    data = fields(mission, csrfmiddlewaretoken="x" * 64)

    refused = client.post(CREATE_URL, data)

    assert refused.status_code == 302
    assert refused["Location"].startswith(f"{CREATE_URL}?held=")
    page = client.get(refused["Location"])
    assert page.status_code == 200
    form = parse(page.content).find_all("textarea", name="description")
    assert form and data["description"] in form[0].text
    assert "The page had expired, so the alert was not sent." in page.content.decode()
    # Not saved until the CLA sends it: the post was never checked.
    assert Alert.objects.count() == 0
    (key,) = parse(page.content).find_all("input", name="client_key")
    assert key.attrs["value"] == data["client_key"]


def test_an_expired_csrf_token_on_another_form_still_gets_the_expired_page(
    mission: Mission,
) -> None:
    client = client_for(mission.cla, enforce_csrf_checks=True)
    client.get(CREATE_URL)

    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": "x" * 64})

    assert response.status_code == 403
    assert "Nothing was saved." in response.content.decode()
    assert HELD_POSTS_KEY not in client.session


def test_held_posts_never_hold_passwords_or_tokens(mission: Mission) -> None:
    client = Client()
    client.post(CREATE_URL, {**fields(mission), "password": "secret", "csrfmiddlewaretoken": "t"})

    (held,) = client.session[HELD_POSTS_KEY].values()
    names = {name for name, _value in held["fields"]}
    assert "password" not in names
    assert "csrfmiddlewaretoken" not in names


def test_a_session_holds_a_bounded_number_of_posts_and_the_rest_is_shown_to_copy(
    mission: Mission,
) -> None:
    client = Client()
    for _ in range(HELD_POSTS_MAX):
        assert client.post(CREATE_URL, fields(mission)).status_code == 302

    response = client.post(CREATE_URL, fields(mission, description="The eleventh"))

    assert response.status_code == 403
    assert "What you typed" in response.content.decode()
    assert "The eleventh" in response.content.decode()
    assert len(client.session[HELD_POSTS_KEY]) == HELD_POSTS_MAX


def test_a_garbage_held_token_is_a_plain_form(mission: Mission) -> None:
    response = client_for(mission.cla).get(CREATE_URL + "?held=%00<script>")

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_a_held_post_expires(mission: Mission) -> None:
    client = Client()
    sent = client.post(CREATE_URL, fields(mission))
    session = Session.objects.get()
    data = session.get_decoded()
    for entry in data[HELD_POSTS_KEY].values():
        entry["at"] = (timezone.now() - dt.timedelta(days=30)).isoformat()
    session.session_data = Session.objects.encode(data)
    session.save()

    signed_in = client.post(
        sent["Location"], {"username": mission.cla.username, "password": "pass-word-123"}
    )
    client.get(signed_in["Location"])

    assert Alert.objects.count() == 0


# --- the form page --------------------------------------------------------------------------


def test_the_form_carries_what_its_script_needs(mission: Mission) -> None:
    response = client_for(mission.cla).get(CREATE_URL)

    page = parse(response.content)
    (form,) = page.find_all("form", action=CREATE_URL)
    assert "data-offline" in form.attrs
    assert form.attrs["data-form-version"] == FORM_VERSION
    assert form.attrs["data-user"] == form_owner_key(mission.cla)
    assert mission.cla.username not in form.attrs["data-user"]
    assert "data-bound" not in form.attrs
    assert "novalidate" in form.attrs
    (outbox,) = page.find_all("section", id="outbox")
    assert "hidden" in outbox.attrs
    assert outbox.attrs["data-login-url"] == f"{LOGIN_URL}?next={CREATE_URL}"
    assert outbox.attrs["data-sw-url"] == "/sw.js"
    messages = {k for k in outbox.attrs if k.startswith("data-msg-")}
    assert {"data-msg-waiting-one", "data-msg-waiting-many", "data-msg-signed-out"} <= messages
    assert all(outbox.attrs[k] for k in messages)
    assert page.find_all("div", id="offline-notice")
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest"' in html
    assert re.search(r'<script src="/static/alerts/offline\.js"', html)


def test_the_texts_of_the_script_are_in_the_language_of_the_page(mission: Mission) -> None:
    client = client_for(mission.cla)
    client.cookies["django_language"] = "fr"

    page = parse(client.get(CREATE_URL).content)

    (outbox,) = page.find_all("section", id="outbox")
    assert outbox.attrs["data-msg-waiting-many"] == (
        "%(count)s alertes attendent d\u2019être envoyées depuis cet appareil."
    )
    assert outbox.attrs["data-msg-logout"].startswith(
        "Alertes pas encore envoyées gardées sur cet appareil\u00a0: %(count)s."
    )
    assert outbox.attrs["data-msg-last-attempt"] == "Dernier essai le %(when)s\u00a0: %(error)s"


def test_the_form_script_is_loaded_by_the_form_page_only(mission: Mission) -> None:
    client = client_for(mission.cla)

    for url in (reverse("alerts:my_alerts"), reverse("home"), LOGIN_URL):
        assert "offline.js" not in client.get(url, follow=True).content.decode()


def test_a_form_sent_back_with_its_errors_is_marked_bound(mission: Mission) -> None:
    response = client_for(mission.cla).post(CREATE_URL, fields(mission, category=""))

    (form,) = parse(response.content).find_all("form", action=CREATE_URL)
    assert "data-bound" in form.attrs


def test_the_error_summary_links_each_wrong_field_in_page_order(mission: Mission) -> None:
    data = fields(mission, category="", source_type="")
    del data["urgency"]

    response = client_for(mission.cla).post(CREATE_URL, data)

    page = parse(response.content)
    (summary,) = page.find_all("div", id="error-summary")
    assert summary.attrs["tabindex"] == "-1"
    assert "data-error-summary" in summary.attrs
    links = [(a.attrs["href"], a.text) for a in page.find_all("a", within=summary)]
    assert links == [
        ("#id_category", "Threat category: Choose a threat category."),
        ("#id_urgency_0", "Urgency: This field is required."),
        ("#id_source_type", "Who reported it: Choose who reported it."),
    ]
    html = response.content.decode()
    assert html.index('id="error-summary"') < html.index("<h1>")
    assert "<title>Error: New alert" in html
    ids = {e.attrs.get("id") for e in page.elements}
    assert {href[1:] for href, _text in links} <= ids


def test_an_error_on_the_fixed_location_is_in_the_summary_without_a_link(
    mission: Mission,
) -> None:
    data = fields(mission, location=mission.base_b.pk)

    response = client_for(mission.cla).post(CREATE_URL, data)

    page = parse(response.content)
    (summary,) = page.find_all("div", id="error-summary")
    assert page.find_all("a", within=summary) == []
    assert "Location: " in summary.text


# --- defaults that can be sent as they are ------------------------------------------------


def _untouched(form: AlertForm, **typed: Any) -> dict[str, Any]:
    """What the browser sends for the form as it opened, plus what the CLA must type."""
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["reported_at"] = data["reported_at"].strftime("%Y-%m-%dT%H:%M")  # mission time
    data.update(typed)
    return data


def _required_typing(mission: Mission) -> dict[str, Any]:
    return {
        "category": ThreatCategory.objects.get(code="attack").pk,
        "description": "Armed men seen near the river crossing.",
        "occurred_at": local(timezone.now() - dt.timedelta(hours=1)),
    }


def test_with_one_network_the_defaults_name_it_as_the_source_and_can_be_sent(
    mission: Mission,
) -> None:
    network = f.NetworkFactory(location=mission.base_a)
    f.NetworkFactory(location=mission.base_b)
    form = AlertForm(user=mission.cla)
    assert form.initial["source_type"] == Alert.SourceType.CAN_MEMBER
    assert form.initial["source_can"] == network.pk

    response = client_for(mission.cla).post(
        CREATE_URL, _untouched(form, **_required_typing(mission)), **JSON
    )

    assert response.status_code == 201, response.json()
    assert Alert.objects.get().source_can == network


@pytest.mark.parametrize("networks", [0, 2])
def test_without_a_single_network_the_cla_says_who_reported_it(
    mission: Mission, networks: int
) -> None:
    for _ in range(networks):
        f.NetworkFactory(location=mission.base_a)
    form = AlertForm(user=mission.cla)

    response = client_for(mission.cla).post(
        CREATE_URL, _untouched(form, **_required_typing(mission)), **JSON
    )

    # Not a refused pair (network member with no network): one choice left to make.
    assert response.status_code == 400
    assert response.json()["errors"] == {"source_type": ["Choose who reported it."]}


def test_a_coordinator_without_deployment_starts_from_consistent_defaults(
    mission: Mission,
) -> None:
    f.NetworkFactory(location=mission.base_a)
    form = AlertForm(user=mission.coordinator)

    assert form.initial.get("source_type") in (None, "")
    assert form.initial.get("source_can") is None


def test_the_form_version_follows_the_fields() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", FORM_VERSION)


def test_the_owner_key_is_stable_per_user_and_tells_users_apart(mission: Mission) -> None:
    assert form_owner_key(mission.cla) == form_owner_key(User.objects.get(pk=mission.cla.pk))
    assert form_owner_key(mission.cla) != form_owner_key(mission.cla_b)
    assert str(mission.cla.pk) not in form_owner_key(mission.cla)[:2]


# --- the installable form -------------------------------------------------------------------


def test_the_service_worker_is_served_at_the_root_uncached_as_javascript(db: None) -> None:
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'var FORM_URL = "/alerts/new/";' in body
    assert 'var OFFLINE_URL = "/offline/";' in body
    files = json.loads(re.search(r"var FILES = (\[.*?\]);", body).group(1))
    assert "/static/alerts/offline.js" in files
    assert "/static/css/app.css" in files
    assert re.search(r'var CACHE = "ew-form-[0-9a-f]{16}";', body)
    assert "{{" not in body and "{%" not in body


def test_on_the_production_storage_the_worker_keeps_the_hashed_files(
    db: None, tmp_path: Any, settings: Any
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    body = Client().get("/sw.js").content.decode()

    files = json.loads(re.search(r"var FILES = (\[.*?\]);", body).group(1))
    assert any(re.fullmatch(r"/static/alerts/offline\.[0-9a-f]{12}\.js", url) for url in files)
    assert all((tmp_path / url.removeprefix("/static/")).exists() for url in files)
    assert 'var STATIC_PREFIX = "/static/";' in body
    icons = Client().get("/manifest.webmanifest").json()["icons"]
    assert all((tmp_path / icon["src"].removeprefix("/static/")).exists() for icon in icons)


def test_the_service_worker_changes_when_a_file_it_keeps_changes(
    db: None, tmp_path: Any, settings: Any
) -> None:
    before = Client().get("/sw.js").content
    copy = tmp_path / "alerts"
    copy.mkdir()
    (copy / "offline.js").write_text("/* another release */")
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]

    after = Client().get("/sw.js").content

    assert before != after


# --- the copy of the form kept on the device (alerts/kept_copy.py) ------------------------


def _version(response: Any) -> str:
    return response["X-Kept-Copy"]


def test_the_form_carries_its_version_in_the_page_and_in_a_header(mission: Mission) -> None:
    response = client_for(mission.cla).get(CREATE_URL)

    assert response.status_code == 200
    version = _version(response)
    assert re.fullmatch(r"[0-9a-f]{32}", version)
    (outbox,) = parse(response.content).find_all("section", id="outbox")
    assert outbox.attrs["data-kept-copy"] == version


def test_the_version_ignores_what_changes_at_every_rendering(mission: Mission) -> None:
    client = client_for(mission.cla)
    first, second = client.get(CREATE_URL), client.get(CREATE_URL)

    # Each page has its own masked CSRF token and client key, yet it is the same form.
    assert first.content != second.content
    assert _version(first) == _version(second)


def test_a_copy_that_is_still_the_form_gets_204_and_no_body(mission: Mission) -> None:
    client = client_for(mission.cla)
    version = _version(client.get(CREATE_URL))

    unchanged = client.get(CREATE_URL, HTTP_X_KEPT_COPY=version)

    assert unchanged.status_code == 204
    assert unchanged.content == b""
    assert _version(unchanged) == version


def test_an_older_copy_gets_the_whole_form(mission: Mission) -> None:
    client = client_for(mission.cla)

    response = client.get(CREATE_URL, HTTP_X_KEPT_COPY="0" * 32)

    assert response.status_code == 200
    assert b'name="description"' in response.content


def test_another_user_or_a_new_login_never_gets_204_for_a_copy(mission: Mission) -> None:
    version = _version(client_for(mission.cla).get(CREATE_URL))

    # A new login is a new CSRF secret: the copy kept before it is not this page.
    again = client_for(mission.cla)
    assert again.get(CREATE_URL, HTTP_X_KEPT_COPY=version).status_code == 200
    other = client_for(mission.cla_b)
    assert other.get(CREATE_URL, HTTP_X_KEPT_COPY=version).status_code == 200


def test_a_message_for_the_cla_is_never_hidden_behind_a_kept_copy(mission: Mission) -> None:
    client = client_for(mission.cla)
    version = _version(client.get(CREATE_URL))
    client.post(CREATE_URL, fields(mission))  # saved: a message waits for the next page

    response = client.get(CREATE_URL, HTTP_X_KEPT_COPY=version)

    assert response.status_code == 200
    reference = Alert.objects.get().reference
    assert reference in response.content.decode()  # the message is on this page


def test_a_form_brought_back_filled_in_is_never_a_kept_copy(mission: Mission) -> None:
    client = client_for(mission.cla)
    refused = client.post(CREATE_URL, fields(mission, description=""))

    assert refused.status_code == 200
    assert "X-Kept-Copy" not in refused
    (outbox,) = parse(refused.content).find_all("section", id="outbox")
    assert outbox.attrs["data-kept-copy"] == ""


def test_the_manifest_opens_the_alert_form_in_the_users_language(mission: Mission) -> None:
    client = client_for(mission.cla)
    client.cookies["django_language"] = "fr"

    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == CREATE_URL
    assert data["display"] == "standalone"
    assert data["lang"] == "fr"
    with override("fr"):
        from django.utils.translation import gettext

        assert data["name"].endswith(gettext("Early warning"))
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_the_offline_page_names_nobody_and_leads_to_the_form(mission: Mission) -> None:
    response = client_for(mission.cla).get(reverse("alerts:offline"))

    assert response.status_code == 200
    html = response.content.decode()
    assert mission.cla.username not in html
    assert mission.cla.get_full_name() not in html
    assert f'href="{CREATE_URL}"' in html


def test_the_offline_pages_need_no_login(db: None) -> None:
    client = Client()

    for url in ("/sw.js", "/manifest.webmanifest", reverse("alerts:offline")):
        assert client.get(url).status_code == 200


def test_the_csrf_cookie_can_be_read_by_the_form_script(settings: Any) -> None:
    # offline.js sends the token from the cookie: a newer token after signing in again.
    assert settings.CSRF_COOKIE_HTTPONLY is False
    assert settings.CSRF_USE_SESSIONS is False
