"""Helpers of the browser tests: the browser, what a page logged, screenshots, translations."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation
from django.utils.functional import Promise
from playwright.sync_api import ConsoleMessage, Error, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-word-123"  # tests.factories.UserFactory
TIMEOUT_MS = 10_000
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}

# Records the violations of the Content Security Policy the browser reports to the page.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@dataclass
class PageLog:
    """The console errors and uncaught exceptions of a page, and what the CSP blocked."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> PageLog:
        log = cls(page)
        page.add_init_script(CSP_LISTENER)
        page.on("console", log._on_console)
        page.on("pageerror", log._on_page_error)
        return log

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    def csp_violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations || []")
        logged = [e for e in self.console_errors if "Content Security Policy" in e]
        return [*reported, *logged]


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot in SCREENSHOT_DIR when it is set (never in the repository)."""
    directory = os.environ.get("SCREENSHOT_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def in_language(language: str, text: str | Promise) -> str:
    """`text` as the server renders it in `language`: translated when the catalogue has it,
    as it is otherwise (so the tests hold before and after the catalogue is written)."""
    with translation.override(language):
        return str(text) if isinstance(text, Promise) else translation.gettext(text)
