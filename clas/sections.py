"""Parts of the place pages that the apps built on clas fill in, such as the location's plan.

clas imports none of those apps: an app with something to show about a location registers
a section for a page from its `AppConfig.ready()`, and the page renders the sections
registered for it, in the order they were registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from clas.models import User

# The pages that take sections: the facts listed about a location, and about an alert network.
LOCATION_DETAIL = "location_detail"
NETWORK_DETAIL = "network_detail"


class SectionContext(Protocol):
    """The template context of a section, from what the user may see of the location."""

    def __call__(self, *, user: User, location_id: int) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Section:
    template: str
    context: SectionContext


_SECTIONS: dict[str, list[Section]] = {LOCATION_DETAIL: [], NETWORK_DETAIL: []}


def section_register(page: str, *, template: str, context: SectionContext) -> None:
    """Show `template` on `page`; an unknown page is a KeyError at start-up, not a blank."""
    sections = _SECTIONS[page]
    section = Section(template=template, context=context)
    if section not in sections:
        sections.append(section)


def sections_render(page: str, *, request: HttpRequest, location_id: int) -> list[SafeString]:
    """The sections of `page` about the location, as HTML, for the requesting user."""
    return [
        render_to_string(
            section.template,
            section.context(user=request.user, location_id=location_id),
            request=request,
        )
        for section in _SECTIONS[page]
    ]
