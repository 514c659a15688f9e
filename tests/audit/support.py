"""Helpers of the history tests: posting an admin form as the browser would."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The history triggers exist on PostgreSQL only: set DATABASE_URL=postgres://...",
)


class _FormFields(HTMLParser):
    """The values a browser would send for the admin's change form (id "<model>_form")."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and values.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = values.get("name")
        if tag == "input" and name:
            if values.get("type") in ("checkbox", "radio") and "checked" not in values:
                return
            if values.get("type") in ("submit", "button", "file"):
                return
            self.data[name] = values.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in values:
            self.data[self._select] = values.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def admin_form(client: Client, url: str) -> dict[str, str]:
    """The change form at `url` as the browser would post it unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = parser.data
    # A textarea's first newline is dropped by browsers.
    for name, value in data.items():
        if value.startswith("\n"):
            data[name] = value[1:]
    data["_save"] = "1"
    return data
