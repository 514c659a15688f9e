"""The field edge in a browser on a 360 by 740 phone: an alert typed with no link, a link that
drops after the server saved the alert, a session that expires while the CLA types, the
error summary, and what the device keeps going wrong. Exactly one alert every time, nothing
typed ever lost."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from alerts.forms import form_owner_key
from alerts.models import Alert, ThreatCategory
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import PASSWORD, PageLog, in_language, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the threat categories of the data migration are back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
REFERENCE = re.compile(r"ALT-\d{4}-\d{6}")
DESCRIPTION = "Des hommes armés ont traversé la rivière vers Ippy à l'aube, trois blessés."

# Reads the device's store from the page: {outbox: [...], drafts: {key: draft}}.
READ_STORE = """() => new Promise((resolve, reject) => {
  const request = indexedDB.open("ew-field");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve({outbox: [], drafts: {}}); return; }
    const tx = db.transaction(["outbox", "drafts"], "readonly");
    const out = {outbox: [], drafts: {}};
    tx.objectStore("outbox").getAll().onsuccess = (e) => { out.outbox = e.target.result; };
    const cursor = tx.objectStore("drafts").openCursor();
    cursor.onsuccess = (e) => {
      const c = e.target.result;
      if (c) { out.drafts[c.key] = c.value; c.continue(); }
    };
    tx.oncomplete = () => { db.close(); resolve(out); };
  };
})"""

# Puts a value in one of the device's stores: [store, value, key or null].
WRITE_STORE = """([name, value, key]) => new Promise((resolve, reject) => {
  const request = indexedDB.open("ew-field");
  request.onupgradeneeded = () => {
    request.result.createObjectStore("drafts");
    request.result.createObjectStore("outbox", {keyPath: "client_key"});
  };
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const tx = db.transaction(name, "readwrite");
    if (key === null) tx.objectStore(name).put(value); else tx.objectStore(name).put(value, key);
    tx.oncomplete = () => { db.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def _form_url(live_server: LiveServer) -> str:
    return live_server.url + reverse("alerts:alert_create")


def _fill(page: Page, *, description: str = DESCRIPTION) -> None:
    occurred = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_category").select_option(
        str(ThreatCategory.objects.get(code="armed-group-movement").pk)
    )
    page.locator("#id_description").fill(description)
    page.locator("input[name=urgency][value=Expected]").check()
    page.locator("#id_place").fill("Gué de la Ouaka")
    page.locator("#id_occurred_at").fill(occurred)
    page.locator("#id_victims_injured").fill("3")
    page.locator("#id_source_type").select_option(Alert.SourceType.LOCAL_AUTHORITY.value)
    page.locator("#id_source_name").fill("Chef de village")


def _submit(page: Page) -> None:
    page.locator("form.alert-form button[type=submit]").click()


def _store(page: Page) -> dict[str, Any]:
    return page.evaluate(READ_STORE)


def _wait_for_kept_form(page: Page) -> None:
    """Until the service worker controls the page and keeps the form on the device."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for _attempt in range(100):
        kept = page.evaluate(
            """async () => {
              for (const name of await caches.keys()) {
                if (await (await caches.open(name)).match("/alerts/new/")) return true;
              }
              return false;
            }"""
        )
        if kept:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never kept the form")


def _no_errors(log: PageLog) -> None:
    assert log.csp_violations() == []
    assert log.page_errors == []


# --- (a) offline from the start -----------------------------------------------------------


def test_an_alert_typed_with_no_link_is_kept_across_a_closed_tab_and_sent_once(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **PHONE)
    context = page.context
    page.goto(_form_url(live_server))
    _wait_for_kept_form(page)

    # No link at all from here: the form opens from the device.
    context.set_offline(True)
    page.reload()
    log = PageLog.attach(page)
    expect(page.locator("form.alert-form")).to_be_visible()
    _fill(page)
    _submit(page)

    language = mission.cla.language
    outbox = page.locator("#outbox")
    expect(outbox).to_be_visible()
    expect(outbox.locator(".outbox-summary")).to_contain_text(
        in_language(language, "1 alert is waiting to send from this device.")
    )
    expect(page.locator("#offline-notice")).to_have_text(
        in_language(
            language,
            "No connection: the alert is kept on this device and will be sent by itself when"
            " the link is back. You can fill in the next one.",
        )
    )
    expect(page.locator("#id_description")).to_have_value("")  # free for the next alert
    screenshot(page, "field-edge-outbox-phone")
    assert Alert.objects.count() == 0
    (kept,) = _store(page)["outbox"]
    assert kept["fields"]["description"] == DESCRIPTION

    # The tab is closed and opened again, still with no link.
    page.close()
    page = context.new_page()
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    expect(page.locator("#outbox .outbox-what")).to_contain_text(DESCRIPTION[:40])

    # The link comes back: it is sent by itself, once.
    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15_000)
    expect(page.locator("#offline-notice")).to_contain_text(REFERENCE)
    alert = Alert.objects.get()
    assert alert.description == DESCRIPTION
    assert alert.client_key == kept["client_key"]
    assert alert.logged_by == mission.cla
    assert _store(page)["outbox"] == []
    _no_errors(log)

    # Sending again (the button, the online event) doubles nothing.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    expect(page.locator("#outbox")).to_be_hidden()
    assert Alert.objects.count() == 1


def test_the_form_is_kept_from_the_page_itself_and_asked_for_again_with_its_version(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **PHONE)
    context = page.context
    log = PageLog.attach(page)
    # What the server answered for the form (the page's requests the worker answered aside).
    form_requests: list[tuple[str, int]] = []
    context.on(
        "response",
        lambda response: (
            form_requests.append((response.request.method, response.status))
            if response.url.endswith("/alerts/new/") and not response.from_service_worker
            else None
        ),
    )

    page.goto(_form_url(live_server))
    _wait_for_kept_form(page)
    # The worker keeps the page the phone already has: the form is downloaded once.
    assert form_requests == [("GET", 200)]

    # Opened again, the server only says the kept copy is still the form.
    page.reload()
    expect(page.locator("form.alert-form")).to_be_visible()
    assert form_requests == [("GET", 200), ("GET", 204)]
    _fill(page)
    _submit(page)
    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.get().description == DESCRIPTION
    _no_errors(log)


# --- (b) the link drops after the server saved the alert ----------------------------------


def _drop_the_answer(page: Page) -> list[int]:
    """The next post of the form reaches the server, which saves the alert; its answer never
    reaches the phone. Returns the statuses the server answered."""
    answered: list[int] = []

    def handle(route: Route) -> None:
        if route.request.method != "POST" or answered:
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        answered.append(response.status)
        route.abort("connectionreset")

    page.route("**/alerts/new/", handle)
    return answered


def test_a_lost_answer_then_a_second_send_makes_one_alert_and_says_already_received(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    answered = _drop_the_answer(page)
    _fill(page)
    _submit(page)

    # Saved on the server; the phone heard nothing and keeps it.
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    assert answered == [201]
    alert = Alert.objects.get()

    # The CLA sends it again.
    page.locator("#outbox .outbox-send").click()
    notice = page.locator("#offline-notice")
    expect(notice).to_have_text(
        in_language(language, "%(reference)s was already received: it was not logged twice.")
        % {"reference": alert.reference}
    )
    expect(page.locator("#outbox")).to_be_hidden()
    assert Alert.objects.count() == 1
    screenshot(page, "field-edge-already-received-phone")
    _no_errors(log)
    # The "saved" message of the lost answer never turns up later beside it.
    page.goto(live_server.url + reverse("alerts:my_alerts"))
    expect(page.locator(".messages")).to_have_count(0)


def test_without_javascript_a_lost_answer_and_the_page_reloaded_make_one_alert(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, java_script_enabled=False, **PHONE)
    page.goto(_form_url(live_server))
    answered = _drop_the_answer(page)
    _fill(page)
    _submit(page)
    page.wait_for_url("chrome-error://**")
    assert answered == [302]
    alert = Alert.objects.get()

    # The CLA reloads the error page: the browser sends the same form again.
    page.reload()

    expect(page.locator(".messages")).to_have_text(
        in_language(
            mission.cla.language, "%(reference)s was already received: it was not logged twice."
        )
        % {"reference": alert.reference}
    )
    expect(page.locator("h1")).to_contain_text(alert.reference)
    assert answered == [302]
    assert Alert.objects.count() == 1


# --- (c) the session expires while the CLA types ------------------------------------------


def _expire_session(context: BrowserContext) -> None:
    context.clear_cookies(name="sessionid")


def _log_in_again(page: Page, user: Any) -> None:
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_an_alert_sent_after_the_session_expired_is_saved_after_login_with_nothing_retyped(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    _fill(page)
    _expire_session(page.context)
    _submit(page)

    notice = page.locator("#offline-notice")
    expect(notice).to_contain_text(
        in_language(
            language,
            "You are logged out. Log in again: your alerts are kept on this device and sent once you have logged in.",
        )
    )
    assert Alert.objects.count() == 0
    screenshot(page, "field-edge-signed-out-phone")
    notice.get_by_role("link").click()
    _log_in_again(page, mission.cla)

    # Back on the form, the kept alert goes by itself.
    expect(page).to_have_url(_form_url(live_server))
    expect(notice).to_contain_text(REFERENCE)
    expect(page.locator("#outbox")).to_be_hidden()
    alert = Alert.objects.get()
    assert alert.description == DESCRIPTION
    assert alert.source_name == "Chef de village"
    assert alert.logged_by == mission.cla
    _no_errors(log)


def test_a_refused_csrf_token_is_renewed_by_the_script_and_the_alert_sent_once(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    statuses: list[int] = []
    page.on(
        "response",
        lambda response: (
            statuses.append(response.status) if response.request.method == "POST" else None
        ),
    )
    _fill(page)
    page.context.clear_cookies(name="csrftoken")  # the browser lost it while the CLA typed
    _submit(page)

    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert statuses == [403, 201]
    assert Alert.objects.get().description == DESCRIPTION
    _no_errors(log)


def test_without_javascript_an_expired_session_keeps_the_alert_until_login(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, java_script_enabled=False, **PHONE)
    page.goto(_form_url(live_server))
    _fill(page)
    _expire_session(page.context)
    _submit(page)

    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        in_language(
            language,
            "Your session had expired. What you typed is kept: log in again and the alert will be sent.",
        )
    )
    screenshot(page, "field-edge-login-kept-phone")
    assert Alert.objects.count() == 0
    _log_in_again(page, mission.cla)

    expect(page.locator("h1")).to_contain_text(REFERENCE)
    alert = Alert.objects.get()
    assert alert.description == DESCRIPTION
    assert alert.victims_injured == 3
    # Reloading the page the login led to sends nothing twice.
    page.go_back()
    assert Alert.objects.count() == 1


def test_without_javascript_an_expired_csrf_token_brings_the_form_back_filled_in(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, java_script_enabled=False, **PHONE)
    page.goto(_form_url(live_server))
    _fill(page)
    # Signed in again in another tab: the token of this page is no longer the one expected.
    page.context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}])
    _submit(page)

    expect(page.locator(".messages")).to_contain_text(
        in_language(
            language,
            "The page had expired, so the alert was not sent. What you typed is below: check it and send it.",
        )
    )
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_source_name")).to_have_value("Chef de village")
    assert Alert.objects.count() == 0
    _submit(page)

    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.get().description == DESCRIPTION


# --- (d) the error summary ------------------------------------------------------------------


def test_the_error_summary_names_each_wrong_field_and_leads_to_it(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    # Nothing chosen or typed but the defaults: a network is named only where there is one.
    page.locator("#id_description").fill("")
    _submit(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text(in_language(language, "There is a problem"))
    links = summary.locator("a")
    expect(links.first).to_have_attribute("href", "#id_category")
    expect(summary).to_contain_text(in_language(language, "Choose a threat category."))
    expect(summary).to_contain_text(in_language(language, "Describe what happened."))
    expect(summary).to_contain_text(in_language(language, "Choose who reported it."))
    # The field's own message is next to it.
    expect(page.locator("#id_category_error")).to_have_text(
        in_language(language, "Choose a threat category.")
    )
    expect(page.locator("#id_category")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "field-edge-error-summary-phone")

    summary.get_by_role(
        "link", name=re.compile(in_language(language, "Describe what happened."))
    ).click()
    expect(page.locator("#id_description")).to_be_focused()
    assert Alert.objects.count() == 0
    # Corrected, it goes, once.
    _fill(page)
    _submit(page)
    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.count() == 1
    _no_errors(log)


def test_the_server_error_summary_takes_the_focus_without_the_form_script(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **DESKTOP)
    page.route("**/static/alerts/offline.js", lambda route: route.abort())
    page.goto(_form_url(live_server))
    _fill(page)
    page.locator("#id_occurred_at").fill("2999-01-01T10:00")
    _submit(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "#id_occurred_at")
    screenshot(page, "field-edge-error-summary-desktop")
    link.click()
    expect(page.locator("#id_occurred_at")).to_be_focused()
    assert Alert.objects.count() == 0


# --- drafts ---------------------------------------------------------------------------------


def test_a_draft_is_kept_as_the_cla_types_and_comes_back_after_the_tab_is_closed(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    context = page.context
    page.goto(_form_url(live_server))
    _fill(page)
    key = page.locator("input[name=client_key]").input_value()
    page.wait_for_timeout(600)  # the draft is written a moment after the last key
    page.close()

    page = context.new_page()
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))

    expect(page.locator("#offline-notice")).to_contain_text(
        in_language(language, "Your unsent draft of %(when)s is back in the form.").split("%")[0]
    )
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#id_source_name")).to_have_value("Chef de village")
    expect(page.locator("input[name=urgency][value=Expected]")).to_be_checked()
    expect(page.locator("input[name=client_key]")).to_have_value(key)
    _submit(page)
    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.get().client_key == key
    assert _store(page)["drafts"] == {}  # removed once the server has the alert
    _no_errors(log)


def test_an_alert_refused_by_the_server_after_a_replay_opens_in_the_form_to_be_corrected(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    page.context.set_offline(True)
    _fill(page)
    page.locator("#id_occurred_at").fill(
        (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    )
    _submit(page)
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    page.context.set_offline(False)

    item = page.locator("#outbox .outbox-item")
    expect(item.locator(".outbox-problem")).to_have_text(
        in_language(
            language, "The alert is not saved yet. Correct what is marked and send it again."
        )
    )
    expect(item.locator(".outbox-errors")).to_contain_text(
        in_language(language, "The time it happened cannot be in the future.")
    )
    assert Alert.objects.count() == 0
    item.get_by_role(
        "button", name=in_language(language, "Open it in the form to correct it")
    ).click()

    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_occurred_at_error")).to_have_text(
        in_language(language, "The time it happened cannot be in the future.")
    )
    expect(page.locator("#id_description")).to_have_value(DESCRIPTION)
    expect(page.locator("#outbox")).to_be_hidden()
    page.locator("#id_occurred_at").fill(
        (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    _submit(page)
    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.get().description == DESCRIPTION
    _no_errors(log)


# --- bad input on the device ----------------------------------------------------------------


def test_a_draft_of_an_older_form_is_shown_to_copy_and_never_poured_into_the_form(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    page.goto(_form_url(live_server))
    user = page.locator("form.alert-form").get_attribute("data-user")
    old = {
        "form_version": "0ld",
        "saved_at": "2026-01-02T10:00:00Z",
        "fields": {"description": "Old words", "village": "Zoumango"},
    }
    page.evaluate(WRITE_STORE, ["drafts", old, f"alert-form:{user}"])
    page.reload()

    notice = page.locator("#offline-notice")
    expect(notice).to_contain_text(
        in_language(
            language,
            "A draft kept on this device was written in an older version of the form and cannot be put back in it. Copy what it says below, then delete it.",
        )
    )
    expect(notice.locator("pre")).to_contain_text("Old words")
    expect(notice.locator("pre")).to_contain_text("village: Zoumango")
    expect(page.locator("#id_description")).to_have_value("")
    screenshot(page, "field-edge-old-draft-phone")
    assert _store(page)["drafts"][f"alert-form:{user}"]["fields"]["description"] == "Old words"

    page.once("dialog", lambda dialog: dialog.accept())
    notice.get_by_role("button").click()
    expect(notice).to_be_hidden()
    assert _store(page)["drafts"] == {}
    assert Alert.objects.count() == 0


def test_a_damaged_device_store_is_shown_to_copy_and_the_form_still_sends_once(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    user = page.locator("form.alert-form").get_attribute("data-user")
    page.evaluate(
        WRITE_STORE,
        ["outbox", {"client_key": "damaged-1", "fields": "Hommes armés###", "user": user}, None],
    )
    page.evaluate(WRITE_STORE, ["drafts", {"fields": 42}, f"alert-form:{user}"])
    page.reload()

    damaged = page.locator("#outbox .outbox-damaged")
    expect(damaged).to_contain_text(
        in_language(
            language,
            "This stored alert is damaged and cannot be sent. Copy what it says below, then delete it.",
        )
    )
    expect(damaged.locator("pre")).to_contain_text("Hommes armés###")
    expect(page.locator("#offline-notice")).to_contain_text(
        in_language(
            language,
            "A draft kept on this device is damaged. Copy what it says below, then delete it.",
        )
    )
    expect(page.locator("#outbox .outbox-send")).to_be_hidden()  # nothing that can be sent
    screenshot(page, "field-edge-damaged-store-phone")

    _fill(page)
    _submit(page)
    expect(page.locator("h1")).to_contain_text(REFERENCE)
    assert Alert.objects.count() == 1
    # What could not be read is still there for the CLA, and never sent.
    page.goto(_form_url(live_server))
    expect(page.locator("#outbox .outbox-damaged pre")).to_contain_text("Hommes armés###")
    assert Alert.objects.count() == 1
    _no_errors(log)


def test_a_store_without_its_tables_is_repaired_and_keeps_an_alert_typed_offline(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **PHONE)
    page.goto(live_server.url + reverse("alerts:my_alerts"))
    page.evaluate(
        """() => new Promise((resolve) => {
          const request = indexedDB.open("ew-field", 3);
          request.onsuccess = () => { request.result.close(); resolve(true); };
        })"""
    )
    page.goto(_form_url(live_server))
    log = PageLog.attach(page)
    page.reload()
    page.context.set_offline(True)
    _fill(page)
    _submit(page)
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    expect(page.locator("#offline-notice")).not_to_have_class(re.compile("msg-error"))
    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15_000)
    assert Alert.objects.get().description == DESCRIPTION
    _no_errors(log)


def test_a_client_key_of_another_alert_is_refused_kept_and_can_be_sent_as_a_new_alert(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    language = mission.cla.language
    first = f.AlertFactory(logged_by=mission.cla, location=mission.base_a, client_key="a" * 32)
    page = sign_in(mission.cla, **PHONE)
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    form = page.locator("form.alert-form")
    fields = {
        "client_key": "a" * 32,
        "owner": form_owner_key(mission.cla),
        "location": str(mission.base_a.pk),
        "category": str(ThreatCategory.objects.get(code="looting").pk),
        "description": "Pillage du marché de nuit",
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "urgency": "Unknown",
        "severity": "Unknown",
        "certainty": "Unknown",
        "source_type": "cla_observation",
    }
    entry = {
        "client_key": "a" * 32,
        "fields": fields,
        "user": form.get_attribute("data-user"),
        "form_version": form.get_attribute("data-form-version"),
        "saved_at": timezone.now().isoformat(),
        "state": "waiting",
    }
    page.evaluate(WRITE_STORE, ["outbox", entry, None])
    page.reload()

    item = page.locator("#outbox .outbox-item")
    expect(item.locator(".outbox-problem")).to_have_text(
        in_language(
            language,
            "This form was already submitted with different content. Open a new form to log another alert.",
        )
    )
    item.locator("summary").click()
    expect(item.locator("pre")).to_contain_text("Pillage du marché de nuit")
    screenshot(page, "field-edge-conflict-phone")
    assert list(Alert.objects.values_list("pk", flat=True)) == [first.pk]

    item.get_by_role("button", name=in_language(language, "Send it as a new alert")).click()
    expect(page.locator("#outbox")).to_be_hidden()
    expect(page.locator("#offline-notice")).to_contain_text(REFERENCE)
    assert Alert.objects.count() == 2
    assert Alert.objects.exclude(pk=first.pk).get().description == "Pillage du marché de nuit"
    _no_errors(log)


# --- logging out ----------------------------------------------------------------------------


def test_logging_out_asks_before_deleting_unsent_alerts_and_then_forgets_the_device(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    page = sign_in(mission.cla, **PHONE)
    page.goto(_form_url(live_server))
    _wait_for_kept_form(page)
    page.context.set_offline(True)
    _fill(page)
    _submit(page)
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    # The link is back, but the server never takes the alert (it is refused on the way).
    page.route(
        "**/alerts/new/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.context.set_offline(False)
    page.goto(live_server.url + reverse("alerts:my_alerts"))

    questions: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    _log_out(page)
    page.wait_for_timeout(500)
    unsent = (
        "Alerts not yet sent are kept on this device: %(count)s. If you log out now they are"
        " deleted from it and lost. Log out anyway?"
    )
    assert questions == [in_language(mission.cla.language, unsent) % {"count": 1}]
    expect(page.locator("form.logout")).to_be_attached()  # still signed in
    assert len(_store(page)["outbox"]) == 1

    page.once("dialog", lambda dialog: answer(dialog, True))
    _log_out(page)
    expect(page.locator("#id_username")).to_be_visible()
    assert page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)") == []
    assert (
        page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('ew-form-'))")
        == []
    )
    assert Alert.objects.count() == 0


def _log_out(page: Page) -> None:
    menu = page.locator("details.menu")
    if menu.count() and not menu.evaluate("(node) => node.open"):
        menu.locator("summary").click()
    page.locator("form.logout button").click()


# --- how it looks -------------------------------------------------------------------------

# Elements wider than the screen, or sticking out of their box: what would be clipped.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const node of document.querySelectorAll("main *")) {
    const box = node.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) out.push(node.tagName + "#" + node.id + "." + node.className);
  }
  if (document.documentElement.scrollWidth > width + 1) out.push("page " + document.documentElement.scrollWidth);
  return out;
}"""


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_form_with_its_outbox_and_errors_fits_the_screen(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, language: str, size: str
) -> None:
    mission.cla.language = language
    mission.cla.save(update_fields=["language"])
    page = sign_in(mission.cla, **(PHONE if size == "phone" else DESKTOP))
    log = PageLog.attach(page)
    page.goto(_form_url(live_server))
    page.context.set_offline(True)
    _fill(page, description="Premier message " * 30)
    _submit(page)
    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    page.locator("#outbox summary").click()
    page.locator("#id_description").fill("")
    # Back online, the kept alert still cannot get through; the form's own send does.
    page.route(
        "**/alerts/new/",
        lambda route: (
            route.continue_()
            if route.request.method == "GET" or route.request.headers.get("x-alert-follow")
            else route.abort()
        ),
    )
    page.context.set_offline(False)
    _submit(page)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#error-summary h2")).to_have_text(
        in_language(language, "There is a problem")
    )

    expect(page.locator("#outbox .outbox-item")).to_have_count(1)
    assert page.evaluate(OVERFLOWING) == []
    screenshot(page, f"field-edge-form-{size}-{language}")
    assert Alert.objects.count() == 0
    _no_errors(log)
