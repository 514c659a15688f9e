"""The pages people use on a phone, in Chromium at 360 x 740 and at 1366 x 900, in English and
French: nothing wider than its container, every touch target at least 44 px tall on the
phone, a compact header with a menu that opens without JavaScript, lists as cards with the
status first; and the queue's refresh, which costs a 304 while nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from alerts.models import Alert
from reporting.models import Report
from reporting.services import report_compile
from tests import factories as f
from tests.browser.conftest import SignIn
from tests.browser.support import PASSWORD, PageLog, in_language, screenshot
from tests.conftest import Mission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
HEADER_LIMIT = 111  # 15 % of a 740 px screen
TAP = 44
LONG_PLACE = "Quartier Kpéténé-Gbanguéré, route de Kaga-Bandoro au niveau du PK 12 après le pont"

# Every element inside main (and the document) no wider than its box: what does not fit is
# clipped or scrolls sideways. Form fields scroll their own text by design.
OVERFLOW = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    problems.push(`document: ${doc.scrollWidth} > ${doc.clientWidth}`);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '');
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest('.visually-hidden') || ['INPUT', 'TEXTAREA', 'SELECT', 'OPTION'].includes(el.tagName)) continue;
    if (el.clientWidth === 0) continue;  // inline or not shown
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)}: content ${el.scrollWidth} px in ${el.clientWidth} px`);
    }
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > doc.clientWidth + 1) {
      problems.push(`${name(el)}: ends at ${Math.round(box.right)} px of ${doc.clientWidth}`);
    }
  }
  return problems;
}"""

# Links, buttons and fields a thumb must hit: at least 44 px tall (a radio or checkbox by its
# label). What a closed menu hides takes no room and is not counted.
SMALL_TARGETS = """(tap) => {
  const small = [];
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary');
  for (const el of targets) {
    if (el.classList.contains('skip') || el.closest('.visually-hidden')) continue;
    let box = el;
    if (el.type === 'radio' || el.type === 'checkbox') {
      box = el.closest('label') || document.querySelector(`label[for="${el.id}"]`) || el;
    }
    const r = box.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.height < tap - 0.5) {
      const text = (el.textContent || el.name || el.type || '').trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()} "${text}": ${Math.round(r.height)} px`);
    }
  }
  return small;
}"""


def _mission_data(mission: Mission) -> dict[str, str]:
    """Alerts, a report, a plan and a network of base A, with long names where they hurt."""
    attack = f.CategoryFactory(code="attack")
    now = timezone.now()
    escalated = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        category=attack,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        urgency="Immediate",
        severity="Extreme",
        place=LONG_PLACE,
        routed_at=now - dt.timedelta(minutes=40),
        created_at=now - dt.timedelta(minutes=41),
        escalated_at=now - dt.timedelta(minutes=20),
        # Tier 2 (the senior officer) reached at 15 minutes, reminded at 45.
        escalation_step=3,
        escalation_tier=2,
        next_escalation_at=now + dt.timedelta(minutes=5),
    )
    answered = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        category=attack,
        queue=mission.queue_a,
        status=Alert.Status.RESPONDED,
        outcome=Alert.Outcome.PARTLY,
        response=Alert.Response.REFERRAL,
        assigned_to=mission.force,
        place="Marché central",
        created_at=now - dt.timedelta(hours=5),
        acknowledged_at=now - dt.timedelta(hours=4, minutes=50),
    )
    for minutes in (3, 9):
        f.AlertFactory(
            location=mission.base_a,
            logged_by=mission.cla,
            category=attack,
            queue=mission.queue_a,
            status=Alert.Status.QUEUED,
            created_at=now - dt.timedelta(minutes=minutes),
        )
    today = timezone.localdate()
    report = f.ReportFactory(
        location=mission.base_a,
        author=mission.cla,
        status=Report.Status.SUBMITTED,
        period_start=today,
        period_end=today,
        title="Rapport quotidien de la base d'Ippy et de ses environs immédiats",
    )
    compiled = report_compile(kind=Report.Kind.DAILY, start=today, end=today)
    plan = f.PlanFactory(location=mission.base_a)
    threat = f.ThreatFactory(plan=plan, category=attack, likelihood=5, impact=4)
    f.MeasureFactory(plan=plan, threat=threat, action=LONG_PLACE, responsible="Bataillon")
    f.VulnerableGroupFactory(plan=plan, description="Enfants sur le chemin de l'école")
    f.PlanVersionFactory(plan=plan, number=1, notes="Première version adoptée en assemblée.")
    network = f.NetworkFactory(location=mission.base_a, name="CAN Ippy axe Bambari-Bria-Ouadda")
    f.FocalPointFactory(network=network, name="Marthe Yakité-Ngoumbango", village=LONG_PLACE)
    return {
        "escalated": escalated.reference,
        "answered": answered.reference,
        "alert_page": reverse("alerts:alert_detail", args=[escalated.pk]),
        "answered_page": reverse("alerts:alert_detail", args=[answered.pk]),
        "report": reverse("reporting:report_detail", args=[report.pk]),
        "compiled": reverse("reporting:report_detail", args=[compiled.pk]),
        "plan": reverse("protection_plans:plan_detail", args=[plan.pk]),
        "network": reverse("clas:network_detail", args=[network.pk]),
    }


def _check_page(page: Page, log: PageLog, *, name: str, size: str) -> None:
    problems = page.evaluate(OVERFLOW)
    assert problems == [], f"{name} at {size}: {problems[:10]}"
    if size == "phone":
        small = page.evaluate(SMALL_TARGETS, TAP)
        assert small == [], f"{name}: touch targets under {TAP} px: {small[:10]}"
        header = page.locator("header.site-header").bounding_box()
        assert header is not None and header["height"] <= HEADER_LIMIT, (name, header)
    assert log.csp_violations() == [], name
    assert log.page_errors == [], name


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_nothing_is_clipped_and_every_target_is_big_enough(
    live_server: LiveServer, mission: Mission, sign_in: SignIn, size: str, language: str
) -> None:
    urls = _mission_data(mission)
    for user in (mission.cla, mission.force, mission.hq):
        user.language = language
        user.save(update_fields=["language"])

    cla = sign_in(mission.cla, **SIZES[size])
    log = PageLog.attach(cla)
    pages = {
        "alert-form": reverse("alerts:alert_create"),
        "my-alerts": reverse("alerts:my_alerts"),
        "alert-page-cla": urls["answered_page"],
        "reports": reverse("reporting:report_list"),
        "report": urls["report"],
        "plans": reverse("protection_plans:plan_list"),
        "plan": urls["plan"],
        "networks": reverse("clas:network_list"),
        "network": urls["network"],
    }
    for name, url in pages.items():
        cla.goto(live_server.url + url)
        expect(cla.locator("html")).to_have_attribute("lang", language)
        _check_page(cla, log, name=name, size=size)
        screenshot(cla, f"{name}-{size}-{language}")

    hq = sign_in(mission.hq, **SIZES[size])
    log = PageLog.attach(hq)
    hq.goto(live_server.url + urls["compiled"])
    expect(hq.locator("main .compiled-report table").first).to_be_visible()
    _check_page(hq, log, name="compiled-report", size=size)
    screenshot(hq, f"compiled-report-{size}-{language}")

    officer = sign_in(mission.force, **SIZES[size])
    log = PageLog.attach(officer)
    for name, url in {"queue": reverse("alerts:queue"), "alert-page": urls["alert_page"]}.items():
        officer.goto(live_server.url + url)
        expect(officer.locator("html")).to_have_attribute("lang", language)
        _check_page(officer, log, name=name, size=size)
        screenshot(officer, f"{name}-{size}-{language}")

    # The queue's Acknowledge button is whole, inside its row, at every size.
    officer.goto(live_server.url + reverse("alerts:queue"))
    button = officer.locator("#queue-rows tr", has_text=urls["escalated"]).locator(
        "button[type=submit]"
    )
    expect(button).to_have_text(in_language(language, "Acknowledge"))
    # The tier reached and the time to the next step, inside the row at every size.
    state = officer.locator("#queue-rows tr", has_text=urls["escalated"]).locator(
        ".escalation-state"
    )
    expect(state).to_be_visible()
    state_box = state.bounding_box()
    viewport = SIZES[size]["viewport"]["width"]
    assert state_box is not None and state_box["x"] + state_box["width"] <= viewport
    box = button.bounding_box()
    width = SIZES[size]["viewport"]["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth")


def test_lists_are_cards_with_status_and_outcome_first_on_a_phone(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    urls = _mission_data(mission)
    cla = sign_in(mission.cla, **SIZES["phone"])
    cla.goto(live_server.url + reverse("alerts:my_alerts"))

    expect(cla.locator("main thead")).to_be_hidden()
    card = cla.locator("main tbody tr", has_text=urls["answered"])
    reference = card.get_by_role("link", name=urls["answered"]).bounding_box()
    status = card.locator(".badge").first.bounding_box()
    outcome = card.locator("td.outcome").bounding_box()
    assert status["y"] < reference["y"] and outcome["y"] < reference["y"]
    assert card.bounding_box()["width"] <= 360

    wide = sign_in(mission.cla, **SIZES["desktop"])
    wide.goto(live_server.url + reverse("alerts:my_alerts"))
    expect(wide.locator("main thead")).to_be_visible()
    row = wide.locator("main tbody tr", has_text=urls["answered"])
    reference = row.get_by_role("link", name=urls["answered"]).bounding_box()
    status = row.locator(".badge").first.bounding_box()
    assert status["x"] > reference["x"] and abs(status["y"] - reference["y"]) < 30


def test_the_menu_opens_without_javascript(
    live_server: LiveServer, mission: Mission, browser: Browser
) -> None:
    mission.cla.language = "en"
    mission.cla.save(update_fields=["language"])
    for size in ("phone", "desktop"):
        context = browser.new_context(java_script_enabled=False, locale="en-US", **SIZES[size])
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.locator("#id_username").fill(mission.cla.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        link = page.locator("header nav").get_by_role("link", name="Protection plans")
        if size == "phone":
            assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_LIMIT
            expect(link).to_be_hidden()
            page.locator("header summary").click()
        else:
            expect(page.locator("header summary")).to_be_hidden()
            assert page.locator("header.site-header").bounding_box()["height"] <= 100
        expect(link).to_be_visible()
        expect(page.locator("header form.logout button")).to_be_visible()
        link.click()
        expect(page).to_have_url(live_server.url + reverse("protection_plans:plan_list"))
        context.close()


def _poll_statuses(page: Page) -> list[int]:
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/queue/rows/" in r.url else None)
    return statuses


def test_the_open_queue_costs_a_304_while_nothing_changes_and_shows_what_does(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    _mission_data(mission)
    officer = sign_in(mission.force)
    log = PageLog.attach(officer)
    statuses = _poll_statuses(officer)
    officer.goto(live_server.url + reverse("alerts:queue"))
    officer.evaluate("document.getElementById('queue-rows').dataset.seen = 'yes'")

    with officer.expect_response(lambda r: "/queue/rows/" in r.url, timeout=10_000) as first:
        pass
    assert first.value.status == 304
    assert first.value.request.headers["if-none-match"]
    assert first.value.headers.get("content-length", "0") == "0"
    # No swap: the rows on the page are the same elements.
    expect(officer.locator("#queue-rows[data-seen=yes]")).to_have_count(1)

    newcomer = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        place="Zoumango",
    )
    expect(officer.get_by_role("link", name=newcomer.reference)).to_be_visible(timeout=12_000)
    assert 200 in statuses
    expect(officer.locator("#queue-rows[data-seen=yes]")).to_have_count(0)
    assert log.console_errors == [] and log.page_errors == [] and log.csp_violations() == []


def test_waiting_times_count_and_turn_overdue_in_the_browser(
    live_server: LiveServer, mission: Mission, sign_in: SignIn
) -> None:
    limit = dt.timedelta(minutes=mission.queue_a.ack_limit_minutes)
    routed = timezone.now() - limit + dt.timedelta(seconds=6)
    alert = f.AlertFactory(
        location=mission.base_a,
        logged_by=mission.cla,
        queue=mission.queue_a,
        status=Alert.Status.QUEUED,
        routed_at=routed,
        created_at=routed,
    )
    officer = sign_in(mission.force)
    statuses = _poll_statuses(officer)
    officer.goto(live_server.url + reverse("alerts:queue"))
    cell = officer.locator("#queue-rows tr", has_text=alert.reference).locator(
        "td:has([data-since])"
    )
    expect(cell).not_to_have_class("overdue")
    waiting_before = cell.inner_text()

    # Past the queue's limit the page marks it, though the server answers 304 all along.
    expect(cell).to_have_class("overdue", timeout=20_000)
    assert cell.inner_text() != waiting_before
    assert statuses and set(statuses) == {304}
