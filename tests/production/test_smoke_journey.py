"""The production path, end to end: a browser against gunicorn on the production settings, with
a real Celery worker for the `alerts` and `reports` queues and beat, on PostgreSQL and Redis.

`make prod-check` (and `.ci/run`) starts those processes on the demo mission and runs this file
with PROD_BASE_URL set; without it the file is skipped. It imports nothing of the project: it
sees the system only as a user does, over HTTP.

    pytest -p no:django --noconftest tests/production/
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE_URL = os.environ.get("PROD_BASE_URL", "").rstrip("/")
if not BASE_URL:
    pytest.skip("PROD_BASE_URL is not set: run through `make prod-check`", allow_module_level=True)

from django_otp.oath import totp  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-password")
# The public secret of the demo HQ and admin logins' authenticator (README "Demo logins"):
# production settings ask those roles for a code after the password.
DEMO_OTP_SECRET = "EARLYWARNINGDEMOEARLYWARNINGDEMO"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REFERENCE = re.compile(r"ALT-\d{4}-\d{6}")
SCREENSHOTS = (
    Path(os.environ.get("PROD_SCREENSHOT_DIR", ""))
    if os.environ.get("PROD_SCREENSHOT_DIR")
    else None
)
# Mission time of the server (Africa/Bangui unless MISSION_TIME_ZONE says otherwise): UTC+1.
MISSION_UTC_OFFSET = dt.timedelta(hours=int(os.environ.get("PROD_MISSION_UTC_OFFSET", "1")))

expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _sign_in(
    browser: Browser, username: str, *, two_step: bool = False, **context_args: object
) -> Page:
    context = browser.new_context(locale="en-US", **context_args)
    page = context.new_page()
    page.on("response", _no_server_error)
    page.goto(f"{BASE_URL}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if two_step:
        # The second step: the code the demo authenticator shows now.
        expect(page.locator("#id_otp")).to_be_visible()
        key = base64.b32decode(DEMO_OTP_SECRET)
        page.locator("#id_otp").fill(str(totp(key)).zfill(6))
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator("#id_otp")).to_have_count(0)
    expect(page.locator("form.logout")).to_be_attached()
    return page


def _no_server_error(response: object) -> None:
    status = response.status  # type: ignore[attr-defined]
    assert status < 500, f"{status} from {response.url}"  # type: ignore[attr-defined]


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _file_alert(cla: Page) -> str:
    cla.goto(f"{BASE_URL}/alerts/new/")
    occurred = (dt.datetime.now(dt.UTC) + MISSION_UTC_OFFSET - dt.timedelta(minutes=30)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    category = cla.locator("#id_category option:not([value=''])").first.get_attribute("value")
    cla.locator("#id_category").select_option(category)
    cla.locator("#id_description").fill(
        "Production check: armed men seen near the market, people are leaving."
    )
    cla.locator("input[name=urgency][value=Immediate]").check()
    cla.locator("input[name=severity][value=Severe]").check()
    cla.locator("input[name=certainty][value=Observed]").check()
    cla.locator("#id_place").fill("Market")
    cla.locator("#id_occurred_at").fill(occurred)
    cla.locator("#id_source_type").select_option("local_authority")
    cla.locator("#id_source_name").fill("Chef de quartier")
    cla.locator("form.alert-form button[type=submit]").click()
    expect(cla.locator("h1")).to_contain_text(REFERENCE)
    _shot(cla, "alert-page-cla")
    return REFERENCE.search(cla.locator("h1").inner_text()).group(0)


def test_an_alert_goes_from_the_cla_to_the_officer_and_hq_reads_the_flash_report(
    browser: Browser,
) -> None:
    officer = _sign_in(browser, "demo-force")
    officer.goto(f"{BASE_URL}/queue/")
    expect(officer.locator("#queue-rows")).to_be_attached()

    cla = _sign_in(browser, "demo-cla", viewport={"width": 360, "height": 740})
    filed_at = time.monotonic()
    reference = _file_alert(cla)

    # The routing worker puts it on the queue; the open queue page shows it by itself.
    link = officer.locator("#queue-rows").get_by_role("link", name=reference)
    expect(link).to_be_visible(timeout=10_000)
    assert time.monotonic() - filed_at < 10
    _shot(officer, "queue")
    link.click()
    expect(officer.locator("h1")).to_contain_text(reference)
    officer.locator("#action-acknowledge button[type=submit]").click()
    expect(officer.locator("#action-outcome")).to_be_visible()
    expect(officer.locator("h1 .badge")).to_have_text("Acknowledged")

    hq = _sign_in(browser, "demo-hq", two_step=True)
    hq.goto(f"{BASE_URL}/dashboard/")
    # demo-hq reads French: the page is checked by its parts, not its words.
    expect(hq.locator("h1")).to_contain_text("MINUSCA")
    expect(hq.locator("main table.dash-table").first).to_be_attached()
    _shot(hq, "dashboard")

    # The reports worker compiles the sector's flash digest of the Immediate alert, with its PDF.
    detail = _wait_for_flash_digest(hq, reference)
    pdf_url = detail.locator("a[href$='/pdf/']").first.get_attribute("href")
    response = hq.request.get(f"{BASE_URL}{pdf_url}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def _wait_for_flash_digest(hq: Page, reference: str, *, seconds: float = 60) -> Page:
    deadline = time.monotonic() + seconds
    while True:
        hq.goto(f"{BASE_URL}/reports/?kind=flash")
        rows = hq.locator("tbody tr a[href^='/reports/']")
        for index in range(min(rows.count(), 5)):
            hq.goto(f"{BASE_URL}{rows.nth(index).get_attribute('href')}")
            if (
                reference in hq.locator("main").inner_text()
                and hq.locator("a[href$='/pdf/']").count()
            ):
                return hq
            hq.go_back()
        assert time.monotonic() < deadline, f"no flash digest with a PDF lists {reference}"
        time.sleep(2)
