"""The notifications page, its unread count in the header of every page, and marking read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from tests.conftest import Mission
from tests.notifications.support import close, told

pytestmark = pytest.mark.django_db


def test_the_cla_sees_what_happened_newest_first(client: Client, mission: Mission) -> None:
    notifications = told(mission, close)
    client.force_login(mission.cla)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    html = response.content.decode()
    reference = notifications[0].alert.reference
    assert html.index(f"{reference} closed.") < html.index(f"{reference} acknowledged.")
    assert "Confirmed" in html and "Patrol dispatched" in html


def test_the_header_counts_the_unread_on_every_page(client: Client, mission: Mission) -> None:
    told(mission, close)
    client.force_login(mission.cla)

    for name in ("alerts:my_alerts", "notifications:list", "sms:preferences"):
        html = client.get(reverse(name)).content.decode()
        assert '<span class="bell-count">4<' in html, name


def test_the_header_has_no_bell_for_other_roles(client: Client, mission: Mission) -> None:
    client.force_login(mission.force)

    assert 'class="bell' not in client.get(reverse("alerts:queue")).content.decode()
    assert client.get(reverse("notifications:list")).status_code == 403


def test_mark_one_and_all_as_read(client: Client, mission: Mission) -> None:
    first, *others = told(mission, close)
    client.force_login(mission.cla)

    response = client.post(reverse("notifications:read", args=[first.pk]))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == len(others)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="bell-count"' not in client.get(reverse("alerts:my_alerts")).content.decode()


def test_nobody_marks_anothers_notification(client: Client, mission: Mission) -> None:
    (notification,) = told(mission)
    client.force_login(mission.cla_b)

    client.post(reverse("notifications:read", args=[notification.pk]))
    client.post(reverse("notifications:read_all"))

    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_page_is_in_the_readers_language(client: Client, mission: Mission) -> None:
    (notification,) = told(mission)
    client.force_login(mission.cla)

    html = client.get(
        reverse("notifications:list"), headers={"accept-language": "fr"}
    ).content.decode()

    assert f"Réception de {notification.alert.reference} accusée" in html
    assert "Tout marquer comme lu" in html
