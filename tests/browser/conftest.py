"""Browser tests: Playwright drives Debian's Chromium against a live server on 127.0.0.1.

The browser is /usr/bin/chromium (Playwright's own downloads are not used); without it every
browser test is skipped with the reason. Set SCREENSHOT_DIR to keep screenshots of the main
pages (see tests/browser/support.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from clas.models import User
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, PASSWORD, TIMEOUT_MS

# The live server listens on the loopback address only (an explicit --liveserver wins).
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Once started, Playwright keeps an event loop marked as running in this thread until the
    # end of the session: the browser tests run last so that no other test runs beside it.
    browser = [item for item in items if item.get_closest_marker("browser") is not None]
    items[:] = [item for item in items if item.get_closest_marker("browser") is None] + browser
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    )
    for item in browser:
        item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _synchronous_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread, yet the tests and their
    fixtures call the ORM synchronously. Set for the browser tests only: a process started by
    another test (`manage.py check --deploy`) must not inherit it."""
    name = "DJANGO_ALLOW_ASYNC_UNSAFE"
    before = os.environ.get(name)
    os.environ[name] = "true"
    yield
    if before is None:
        del os.environ[name]
    else:
        os.environ[name] = before


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_across_the_event_loop(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Keep serialized_rollback working once Playwright has started.

    Playwright's sync API leaves an event loop marked as running in this thread for the rest
    of the session. From then on Django's connection handler (asgiref's Local) hands out new
    connection objects, which lack the copy of the migrated rows (threat categories...) taken
    when the test database was created: a transactional test would flush those rows for good.
    The copy is taken here, before the browser starts, and put where every connection of the
    backend finds it.
    """
    wrappers: list[type] = []
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is not None and "_test_serialized_contents" not in vars(type(connection)):
                type(connection)._test_serialized_contents = contents
                wrappers.append(type(connection))
    yield
    for wrapper in wrappers:
        del wrapper._test_serialized_contents


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Pages start in English whatever the machine's locale; tests switch language themselves.
    return {**browser_context_args, "locale": "en-US"}


SignIn = Callable[..., Page]


@pytest.fixture
def sign_in(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> SignIn:
    """A page of a new browser context, signed in as `user` through the login form."""

    def sign_in(user: User, **context_args: Any) -> Page:
        context = new_context(**context_args)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("form.logout")).to_be_attached()
        return page

    return sign_in


@pytest.fixture(autouse=True)
def _tasks_run_in_process() -> Iterator[None]:
    """The pages are served by the live server of this process and their tasks (routing)
    run in-process, whatever broker another test pointed the Celery app at."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved
