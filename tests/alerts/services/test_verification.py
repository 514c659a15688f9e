"""alerts.services.verification: checks and the Admiralty grade, by whom and when."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation

from alerts import chain, services
from alerts.models import Alert, AlertEvent, VerificationCheck
from clas.models import Role
from core.exceptions import ConcurrentUpdate, DomainError, InvalidTransition, PermissionRefused
from tests import factories as f
from tests.alerts.support import log, off_duty_force
from tests.conftest import Mission

pytestmark = pytest.mark.django_db


def _acknowledged(mission: Mission) -> Alert:
    alert = log(mission)
    return services.alert_acknowledge(alert_id=alert.pk, user=mission.force)


def test_an_officer_of_the_queue_grades_an_alert_with_a_timeline_line(mission: Mission) -> None:
    alert = _acknowledged(mission)

    services.alert_grade(
        alert_id=alert.pk,
        user=mission.force,
        source_reliability="B",
        information_credibility=2,
        version=alert.version,
    )

    graded = Alert.objects.get(pk=alert.pk)
    assert (graded.grade, graded.graded_by, graded.version) == ("B2", mission.force, 4)
    assert graded.graded_at is not None
    assert graded.status == Alert.Status.ACKNOWLEDGED  # grading changes no state
    event = graded.events.get(kind=AlertEvent.Kind.GRADED)
    assert (event.actor, event.detail, event.data["previous"]) == (mission.force, "B2", "")
    assert event.hash == chain.event_seal(event, prev_hash=event.prev_hash)


def test_a_grade_may_be_changed_and_the_timeline_keeps_the_one_before(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_grade(
        alert_id=alert.pk, user=mission.force, source_reliability="C", information_credibility=3
    )
    services.alert_grade(
        alert_id=alert.pk, user=mission.admin, source_reliability="b", information_credibility="1"
    )

    alert.refresh_from_db()
    assert (alert.grade, alert.graded_by) == ("B1", mission.admin)
    lines = list(alert.events.filter(kind="graded").values_list("data__grade", "data__previous"))
    assert lines == [("C3", ""), ("B1", "C3")]


def test_the_grade_says_what_it_means_in_the_reader_language(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_grade(
        alert_id=alert.pk, user=mission.force, source_reliability="B", information_credibility=2
    )
    alert.refresh_from_db()
    assert alert.grade_meaning == "B: usually reliable; 2: probably true"
    with translation.override("fr"):
        assert (
            alert.grade_meaning
            == "B\u00a0: habituellement fiable\u00a0; 2\u00a0: probablement vraie"
        )


@pytest.mark.parametrize(
    ("reliability", "credibility", "field"),
    [
        ("G", 2, "source_reliability"),
        ("", 2, "source_reliability"),
        ("AB", 2, "source_reliability"),
        ("B", 0, "information_credibility"),
        ("B", 7, "information_credibility"),
        ("B", "two", "information_credibility"),
        ("B", None, "information_credibility"),
    ],
)
def test_a_grade_outside_the_scale_is_refused_on_its_field_and_nothing_saved(
    mission: Mission, reliability: str, credibility: object, field: str
) -> None:
    alert = _acknowledged(mission)
    events = alert.events.count()

    with pytest.raises(DomainError) as caught:
        services.alert_grade(
            alert_id=alert.pk,
            user=mission.force,
            source_reliability=reliability,
            information_credibility=credibility,  # type: ignore[arg-type]
        )

    assert caught.value.field == field
    alert.refresh_from_db()
    assert (alert.grade, alert.version, alert.events.count()) == ("", 3, events)


def test_the_database_refuses_a_grade_outside_the_scale(mission: Mission) -> None:
    alert = _acknowledged(mission)
    for values in (
        {"source_reliability": "G", "information_credibility": 2},
        {"source_reliability": "B", "information_credibility": 9},
        {"source_reliability": "B", "information_credibility": None},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Alert.objects.filter(pk=alert.pk).update(graded_at=alert.created_at, **values)


def test_the_database_refuses_a_check_with_an_unknown_result(mission: Mission) -> None:
    alert = _acknowledged(mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationCheck.objects.create(
            alert=alert, method="patrol", result="maybe", checked_by=mission.force
        )


@pytest.mark.parametrize("role", ["cla", "coordinator", "hq"])
def test_who_does_not_work_the_queue_cannot_grade(mission: Mission, role: str) -> None:
    alert = _acknowledged(mission)
    user = mission.user(role)  # the CLA logged it and sees it, and still may not grade it

    with pytest.raises(PermissionRefused):
        services.alert_grade(
            alert_id=alert.pk, user=user, source_reliability="A", information_credibility=1
        )
    alert.refresh_from_db()
    assert alert.grade == ""


def test_a_force_officer_of_the_sector_but_not_of_the_queue_cannot_grade(
    mission: Mission,
) -> None:
    alert = _acknowledged(mission)
    with pytest.raises(PermissionRefused):
        services.alert_grade(
            alert_id=alert.pk,
            user=off_duty_force(mission),
            source_reliability="A",
            information_credibility=1,
        )


def test_a_force_officer_of_another_sector_does_not_find_the_alert(mission: Mission) -> None:
    alert = _acknowledged(mission)
    other = f.UserFactory(username="force-b", role=Role.FORCE, sector=mission.sector_b)
    mission.queue_b.officers.add(other)
    with pytest.raises(Http404):
        services.alert_grade(
            alert_id=alert.pk, user=other, source_reliability="A", information_credibility=1
        )
    with pytest.raises(Http404):
        services.alert_record_check(alert_id=alert.pk, user=other, method="patrol", result="partly")


def test_a_closed_alert_is_not_graded_until_reopened(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_record_outcome(alert_id=alert.pk, user=mission.force, outcome="confirmed")
    services.alert_close(alert_id=alert.pk, user=mission.force)

    with pytest.raises(InvalidTransition):
        services.alert_grade(
            alert_id=alert.pk, user=mission.force, source_reliability="A", information_credibility=1
        )
    with pytest.raises(InvalidTransition):
        services.alert_record_check(
            alert_id=alert.pk, user=mission.force, method="patrol", result="confirmed"
        )


def test_a_grade_on_an_out_of_date_page_is_refused(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_add_note(alert_id=alert.pk, user=mission.force, note="Called the chief")

    with pytest.raises(ConcurrentUpdate):
        services.alert_grade(
            alert_id=alert.pk,
            user=mission.force,
            source_reliability="A",
            information_credibility=1,
            version=alert.version,
        )
    alert.refresh_from_db()
    assert alert.grade == ""


def test_checks_are_recorded_with_their_result_and_a_timeline_line_each(mission: Mission) -> None:
    alert = _acknowledged(mission)

    services.alert_record_check(
        alert_id=alert.pk,
        user=mission.force,
        method="imagery",
        result="partly",
        note="Burnt roofs on the 12:00 pass",
        version=alert.version,
    )
    services.alert_record_check(
        alert_id=alert.pk, user=mission.force, method="unpol", result="confirmed"
    )

    checks = list(alert.checks.values_list("method", "result", "note", "checked_by"))
    assert checks == [
        ("imagery", "partly", "Burnt roofs on the 12:00 pass", mission.force.pk),
        ("unpol", "confirmed", "", mission.force.pk),
    ]
    lines = alert.events.filter(kind=AlertEvent.Kind.CHECKED)
    assert [e.detail for e in lines] == ["Imagery: Partly confirmed", "UN police: Confirmed"]
    alert.refresh_from_db()
    assert (alert.status, alert.version) == (Alert.Status.ACKNOWLEDGED, 5)


@pytest.mark.parametrize(
    ("method", "result", "note", "field"),
    [
        ("drone", "confirmed", "", "method"),
        ("patrol", "true", "", "result"),
        ("patrol", "", "", "result"),
        ("patrol", "confirmed", "<b>seen</b>", "note"),
    ],
)
def test_a_check_that_cannot_be_read_is_refused_on_its_field(
    mission: Mission, method: str, result: str, note: str, field: str
) -> None:
    alert = _acknowledged(mission)
    with pytest.raises(DomainError) as caught:
        services.alert_record_check(
            alert_id=alert.pk, user=mission.force, method=method, result=result, note=note
        )
    assert caught.value.field == field
    assert not VerificationCheck.objects.exists()


def test_a_cla_cannot_record_a_check(mission: Mission) -> None:
    alert = _acknowledged(mission)
    with pytest.raises(PermissionRefused):
        services.alert_record_check(
            alert_id=alert.pk, user=mission.cla, method="patrol", result="confirmed"
        )
    assert not VerificationCheck.objects.exists()


def test_a_triangulation_may_be_requested_by_imagery(mission: Mission) -> None:
    alert = _acknowledged(mission)
    services.alert_request_triangulation(alert_id=alert.pk, user=mission.force, method="imagery")
    assert alert.triangulations.get().method == "imagery"
