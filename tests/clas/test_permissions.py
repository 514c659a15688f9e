"""Who may see focal points and the sensitive details of people: every role."""

from __future__ import annotations

import pytest

from clas.models import Role
from clas.permissions import may_see_focal_points, may_see_sensitive_details
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "focal_points", "sensitive"),
    [
        (Role.CLA, True, False),
        (Role.COORDINATOR, True, False),
        (Role.HQ, True, False),
        (Role.FORCE, False, False),
        (Role.ADMIN, True, True),
    ],
)
def test_each_role_sees_what_it_needs(role: str, focal_points: bool, sensitive: bool) -> None:
    user = f.UserFactory(role=role)

    assert may_see_focal_points(user) is focal_points
    assert may_see_sensitive_details(user) is sensitive


def test_a_superuser_sees_sensitive_details_and_an_inactive_admin_does_not() -> None:
    assert may_see_sensitive_details(f.UserFactory(role=Role.FORCE, is_superuser=True))
    assert not may_see_sensitive_details(f.UserFactory(role=Role.ADMIN, is_active=False))
