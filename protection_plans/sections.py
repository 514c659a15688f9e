"""What the place pages of clas show about a location's plan (see clas.sections)."""

from __future__ import annotations

from typing import Any

from clas.models import User
from clas.sections import LOCATION_DETAIL, NETWORK_DETAIL, section_register
from protection_plans.selectors import plan_for_location


def location_plan(*, user: User, location_id: int) -> dict[str, Any]:
    return {"plan": plan_for_location(user=user, location_id=location_id)}


def sections_register() -> None:
    """Show the plan, or that there is none yet, on the location and alert network pages."""
    section_register(
        LOCATION_DETAIL, template="protection_plans/_location_plan.html", context=location_plan
    )
    section_register(
        NETWORK_DETAIL, template="protection_plans/_network_plan.html", context=location_plan
    )
