"""Links that the apps built on alerts add under the alert list, such as its export.

alerts imports none of those apps: an app registers a template from its `AppConfig.ready()`
with who may see it, and the list renders it with the list's current filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from clas.models import User


@dataclass(frozen=True)
class ListLink:
    template: str
    shown_to: Callable[[User], bool]


_LINKS: list[ListLink] = []


def list_link_register(*, template: str, shown_to: Callable[[User], bool]) -> None:
    link = ListLink(template=template, shown_to=shown_to)
    if link not in _LINKS:
        _LINKS.append(link)


def list_links_render(*, request: HttpRequest, query: str) -> list[SafeString]:
    """The links the user may see; `query` is the list's filters as a query string."""
    return [
        render_to_string(link.template, {"query": query}, request=request)
        for link in _LINKS
        if link.shown_to(request.user)
    ]
