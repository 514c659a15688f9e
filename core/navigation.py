"""Where each role works: its home page and the links of its navigation.

core knows no app: the table of roles, pages and labels is set once at start-up by the app
that owns the roles (`clas.navigation`, from `ClasConfig.ready()`); core draws it. Some
pages arrive after others, so a URL name that does not resolve (yet) is skipped instead of
breaking every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


class Member(Protocol):
    """What the navigation needs to know of a user."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_staff(self) -> bool: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    current: bool = False


@dataclass(frozen=True)
class Navigation:
    """The site's navigation, keyed by role value and URL name (plain strings)."""

    # The page each role lands on after signing in.
    homes: Mapping[str, str] = field(default_factory=dict)
    # The links of each role, most used first: an old phone shows the first links first.
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The text of the link to each URL name.
    labels: Mapping[str, str | Promise] = field(default_factory=dict)


_navigation = Navigation()


def navigation_set(navigation: Navigation) -> None:
    """Install the site's navigation; called once, by the app that owns the roles."""
    global _navigation
    _navigation = navigation


def _reverse_or_none(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _may_open(user: Member, url_name: str) -> bool:
    # The Django admin only lets staff in; anyone else would bounce to its login page.
    return not url_name.startswith("admin:") or user.is_staff


def role_home_url(user: Member) -> str | None:
    """The URL of the user's work page, or None when that page does not exist (yet)."""
    url_name = _navigation.homes.get(user.role)
    if url_name is None or not _may_open(user, url_name):
        return None
    return _reverse_or_none(url_name)


def nav_links(user: Member, *, current_path: str = "") -> list[NavLink]:
    """The navigation links of the user's role that resolve, in display order."""
    if not user.is_authenticated:
        return []
    links = []
    for url_name in _navigation.links.get(user.role, ()):
        if not _may_open(user, url_name):
            continue
        url = _reverse_or_none(url_name)
        if url is not None:
            label = _navigation.labels[url_name]
            links.append(NavLink(url=url, label=label, current=url == current_path))
    return links
