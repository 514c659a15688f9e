from __future__ import annotations

import pytest
from django.urls import reverse

from core.navigation import nav_links
from tests.core.html import parse


def _nav_hrefs(content: bytes) -> list[str]:
    page = parse(content)
    (nav,) = page.find_all("nav", class_="nav")
    return [a.attrs["href"] for a in page.find_all("a", within=nav)]


@pytest.mark.urls("tests.core.urls_all_pages")
def test_cla_navigation_offers_new_alert_but_not_the_triangulation_queue(client, mission) -> None:
    client.force_login(mission.cla)

    hrefs = _nav_hrefs(client.get(reverse("alerts:alert_create")).content)

    assert hrefs[0] == reverse("alerts:alert_create")
    assert reverse("alerts:my_alerts") in hrefs
    assert reverse("alerts:queue") not in hrefs


@pytest.mark.urls("tests.core.urls_all_pages")
def test_force_navigation_leads_with_the_queue_and_hides_cla_management(client, mission) -> None:
    links = nav_links(mission.force)

    assert links[0].url == reverse("alerts:queue")
    assert reverse("clas:cla_list") not in [link.url for link in links]


@pytest.mark.urls("tests.core.urls_all_pages")
def test_only_staff_get_the_administration_link(mission) -> None:
    admin_url = reverse("admin:index")
    assert admin_url in [link.url for link in nav_links(mission.admin)]

    mission.admin.is_staff = False
    assert admin_url not in [link.url for link in nav_links(mission.admin)]


@pytest.mark.urls("tests.core.urls_all_pages")
def test_link_to_the_current_page_is_marked(mission) -> None:
    links = nav_links(mission.hq, current_path=reverse("reporting:dashboard"))

    assert [link.url for link in links if link.current] == [reverse("reporting:dashboard")]


@pytest.mark.urls("tests.core.urls_no_pages")
def test_pages_that_do_not_exist_yet_are_left_out_of_the_navigation(client, mission) -> None:
    assert nav_links(mission.hq) == []

    client.force_login(mission.hq)
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert not parse(response.content).find_all("nav", class_="nav")


def test_anonymous_visitor_gets_no_navigation(client, db) -> None:
    assert not parse(client.get(reverse("login")).content).find_all("nav", class_="nav")
