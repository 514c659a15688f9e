"""Template tags of the base layout."""

from __future__ import annotations

from typing import Any

from django import template

from core.navigation import NavLink, nav_links

register = template.Library()


@register.simple_tag(takes_context=True)
def role_nav(context: dict[str, Any]) -> list[NavLink]:
    """The navigation links for the signed-in user: `{% role_nav as links %}`."""
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return []
    return nav_links(request.user, current_path=request.path)
