"""Posts refused because the session or the CSRF token expired: held in the session for the
page that asked for it, given back once, to the check of that page, and never a password."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from core.views import (
    HELD_POST_MAX_CHARS,
    HELD_POSTS_KEY,
    csrf_failure,
    hold_post,
    keeps_refused_posts,
    take_held_post,
    wants_json,
)

pytestmark = pytest.mark.django_db


def posted(path: str = "/alerts/new/", **data: Any) -> HttpRequest:
    request = RequestFactory().post(path, data)
    request.session = SessionStore()
    return request


def same_session(request: HttpRequest, path: str = "/alerts/new/") -> HttpRequest:
    later = RequestFactory().get(path)
    later.session = request.session
    return later


def test_a_held_post_is_given_back_once_as_it_was_posted() -> None:
    request = posted(description="Armed men", place="Zoumango", csrfmiddlewaretoken="t")
    token = hold_post(request, verified=True)
    later = same_session(request)

    held = take_held_post(later, token, accept=lambda data: True)

    assert held is not None
    assert held.verified is True
    assert held.data.dict() == {"description": "Armed men", "place": "Zoumango"}
    assert take_held_post(later, token, accept=lambda data: True) is None


def test_a_held_post_is_kept_when_the_page_refuses_it() -> None:
    request = posted(owner="someone-else")
    token = hold_post(request, verified=False)
    later = same_session(request)

    assert take_held_post(later, token, accept=lambda data: data["owner"] == "me") is None
    assert token in later.session[HELD_POSTS_KEY]


def test_a_held_post_belongs_to_the_page_it_was_posted_to() -> None:
    request = posted(description="x")
    token = hold_post(request, verified=True)

    assert take_held_post(same_session(request, "/other/"), token, accept=lambda d: True) is None


def test_passwords_are_never_held() -> None:
    request = posted(username="cla", password="secret", new_password1="secret2")
    token = hold_post(request, verified=True)

    held = take_held_post(same_session(request), token, accept=lambda data: True)

    assert held is not None
    assert held.data.dict() == {"username": "cla"}


def test_a_post_too_big_to_hold_is_not_held() -> None:
    request = posted(description="x" * (HELD_POST_MAX_CHARS + 1))

    assert hold_post(request, verified=True) is None
    assert HELD_POSTS_KEY not in request.session


def test_an_old_held_post_is_forgotten() -> None:
    request = posted(description="x")
    token = hold_post(request, verified=True)
    held = request.session[HELD_POSTS_KEY]
    held[token]["at"] = (timezone.now() - dt.timedelta(days=15)).isoformat()
    request.session[HELD_POSTS_KEY] = held

    assert take_held_post(same_session(request), token, accept=lambda data: True) is None


def test_a_damaged_session_entry_is_ignored() -> None:
    request = posted()
    request.session[HELD_POSTS_KEY] = ["not", "a", "dict"]

    assert take_held_post(same_session(request), "any", accept=lambda data: True) is None
    assert hold_post(posted(description="x"), verified=True) is not None


def test_the_script_of_any_page_gets_json_for_a_refused_csrf_token() -> None:
    request = RequestFactory().post("/anything/", HTTP_ACCEPT="application/json")

    response = csrf_failure(request, reason="CSRF token incorrect.")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_a_page_that_does_not_keep_refused_posts_gets_the_expired_page() -> None:
    request = posted("/accounts/login/", username="cla", password="secret")

    response = csrf_failure(request, reason="CSRF token incorrect.")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert "secret" not in html
    assert HELD_POSTS_KEY not in request.session


def test_wants_json_reads_the_accept_header() -> None:
    factory = RequestFactory()

    assert wants_json(factory.get("/", HTTP_ACCEPT="application/json"))
    assert not wants_json(factory.get("/", HTTP_ACCEPT="text/html,*/*"))
    assert not wants_json(factory.get("/"))


def test_keeps_refused_posts_marks_the_view() -> None:
    @keeps_refused_posts
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    assert view.keeps_refused_posts is True  # type: ignore[attr-defined]
