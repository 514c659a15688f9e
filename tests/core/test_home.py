from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.html import parse

ROLE_PAGES = {
    "cla": "alerts:my_alerts",
    "coordinator": "clas:cla_list",
    "force": "alerts:queue",
    "hq": "reporting:dashboard",
    "admin": "clas:board",
}


def test_anonymous_visitor_is_sent_to_login(client, db) -> None:
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.urls("tests.core.urls_all_pages")
@pytest.mark.parametrize(("role", "url_name"), ROLE_PAGES.items())
def test_home_sends_each_role_to_its_work(client, mission, role: str, url_name: str) -> None:
    client.force_login(mission.user(role))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse(url_name)


@pytest.mark.urls("tests.core.urls_no_pages")
@pytest.mark.parametrize("role", ["cla", "coordinator", "force", "hq"])
def test_home_shows_a_landing_page_while_the_role_page_does_not_exist(
    client, mission, role: str
) -> None:
    user = mission.user(role)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]
    assert str(user.get_role_display()) in response.content.decode()


@pytest.mark.urls("tests.core.urls_all_pages")
def test_admin_role_without_staff_access_lands_on_the_board_without_the_admin_link(
    client, mission
) -> None:
    mission.admin.is_staff = mission.admin.is_superuser = False
    mission.admin.save()
    client.force_login(mission.admin)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("clas:board")
    links = [a.attrs["href"] for a in parse(response.content).find_all("a")]
    assert reverse("admin:index") not in links
