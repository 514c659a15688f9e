"""An alert cannot have happened after it was reported: refused on its field, on the page
form, the API and in the service alike, and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alerts import services
from alerts.models import Alert
from tests.alerts.support import make_input
from tests.alerts.test_api import client_for as api_client
from tests.alerts.test_api import payload, post
from tests.alerts.test_views import CREATE_URL, alert_post, client_for, field_errors, local
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

MESSAGES = {
    "en": "It cannot have happened after it was reported: check both times.",
    "fr": "Les faits ne peuvent pas être postérieurs au signalement\u202f: vérifiez les deux heures.",
}


def _times() -> tuple[dt.datetime, dt.datetime]:
    """Reported an hour ago, happened half an hour ago."""
    now = timezone.now()
    return now - dt.timedelta(hours=1), now - dt.timedelta(minutes=30)


def test_the_service_refuses_it_on_occurred_at(mission: Mission) -> None:
    reported, occurred = _times()

    with pytest.raises(ValidationError) as caught:
        services.alert_create(
            user=mission.cla,
            data=make_input(mission, reported_at=reported, occurred_at=occurred),
        )

    assert caught.value.message_dict == {"occurred_at": [MESSAGES["en"]]}
    assert not Alert.objects.exists()


def test_the_same_time_is_accepted(mission: Mission) -> None:
    reported, _ = _times()

    alert, created = services.alert_create(
        user=mission.cla, data=make_input(mission, reported_at=reported, occurred_at=reported)
    )

    assert created and alert.occurred_at == alert.reported_at


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_shows_it_on_the_field(mission: Mission, language: str) -> None:
    reported, occurred = _times()

    response = client_for(mission.cla).post(
        CREATE_URL,
        alert_post(mission, reported_at=local(reported), occurred_at=local(occurred)),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert not Alert.objects.exists()
    assert MESSAGES[language] in " ".join(field_errors(response, "occurred_at"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_answers_400_on_the_field(mission: Mission, language: str) -> None:
    reported, occurred = _times()

    response = post(
        api_client(mission.cla),
        payload(reported_at=reported.isoformat(), occurred_at=occurred.isoformat()),
        **{"Accept-Language": language},
    )

    assert response.status_code == 400
    assert response.json() == {"occurred_at": [MESSAGES[language]]}
    assert not Alert.objects.exists()
