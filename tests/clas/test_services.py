from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from clas import services
from clas.models import Deployment
from core.exceptions import DomainError, InvalidTransition
from tests import factories as f

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def cla():
    return f.CLAFactory(user__first_name="Awa", user__last_name="Ngaba")


@pytest.fixture
def bambari():
    return f.LocationFactory(name="Bambari")


@pytest.fixture
def ippy():
    return f.LocationFactory(name="Ippy")


def test_start_opens_a_deployment(cla, bambari) -> None:
    deployment = services.deployment_start(
        cla=cla, location=bambari, start_date=days(-3), note="Rotation"
    )

    deployment.refresh_from_db()
    assert deployment.cla == cla
    assert deployment.location == bambari
    assert deployment.start_date == days(-3)
    assert deployment.end_date is None
    assert deployment.note == "Rotation"


def test_start_refuses_a_second_open_deployment_naming_the_first(cla, bambari, ippy) -> None:
    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    with pytest.raises(DomainError) as caught:
        services.deployment_start(cla=cla, location=ippy, start_date=days(-1))

    assert caught.value.field == "cla"
    assert "already has an open deployment at Bambari" in caught.value.message
    assert "end it first" in caught.value.message
    assert Deployment.objects.filter(cla=cla).count() == 1


def test_start_refuses_dates_inside_an_ended_deployment(cla, bambari, ippy) -> None:
    services.deployment_record(cla=cla, location=bambari, start_date=days(-100), end_date=days(-50))

    with pytest.raises(DomainError) as caught:
        services.deployment_start(cla=cla, location=ippy, start_date=days(-60))

    assert caught.value.field == "start_date"
    assert "overlap" in caught.value.message
    assert "Bambari" in caught.value.message
    assert not Deployment.objects.filter(location=ippy).exists()


def test_an_open_deployment_runs_forever_so_a_later_ended_one_overlaps_it(
    cla, bambari, ippy
) -> None:
    services.deployment_record(cla=cla, location=bambari, start_date=days(-20), end_date=days(-10))

    with pytest.raises(DomainError) as caught:
        services.deployment_start(cla=cla, location=ippy, start_date=days(-40))

    assert caught.value.field == "end_date"
    assert "from" in caught.value.message


def test_a_history_entry_overlapping_the_open_deployment_is_refused(cla, bambari, ippy) -> None:
    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    with pytest.raises(DomainError) as caught:
        services.deployment_record(cla=cla, location=ippy, start_date=days(-60), end_date=days(-30))

    assert caught.value.field == "end_date"
    assert "open since" in caught.value.message


def test_back_to_back_deployments_do_not_overlap(cla, bambari, ippy) -> None:
    services.deployment_record(cla=cla, location=bambari, start_date=days(-60), end_date=days(-31))

    services.deployment_start(cla=cla, location=ippy, start_date=days(-30))

    assert Deployment.objects.filter(cla=cla).count() == 2


def test_other_clas_deployments_do_not_count(cla, bambari) -> None:
    services.deployment_start(cla=f.CLAFactory(), location=bambari, start_date=days(-30))

    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    assert Deployment.objects.filter(location=bambari, end_date__isnull=True).count() == 2


def test_record_refuses_an_end_before_the_start(cla, bambari) -> None:
    with pytest.raises(DomainError) as caught:
        services.deployment_record(
            cla=cla, location=bambari, start_date=days(-5), end_date=days(-6)
        )

    assert caught.value.field == "end_date"
    assert "before it starts" in caught.value.message
    assert not Deployment.objects.exists()


def test_start_refuses_a_date_more_than_ninety_days_ahead(cla, bambari) -> None:
    with pytest.raises(DomainError) as caught:
        services.deployment_start(cla=cla, location=bambari, start_date=days(91))

    assert caught.value.field == "start_date"
    assert "90 days ahead" in caught.value.message
    assert not Deployment.objects.exists()


def test_start_accepts_a_date_ninety_days_ahead(cla, bambari) -> None:
    services.deployment_start(cla=cla, location=bambari, start_date=days(90))

    assert Deployment.objects.get(cla=cla).start_date == days(90)


def test_start_refuses_an_inactive_location(cla) -> None:
    closed = f.LocationFactory(name="Ndele", is_active=False)

    with pytest.raises(DomainError) as caught:
        services.deployment_start(cla=cla, location=closed, start_date=days(-1))

    assert caught.value.field == "location"
    assert "Ndele" in caught.value.message


def test_end_closes_the_open_deployment(cla, bambari) -> None:
    deployment = services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    services.deployment_end(deployment=deployment, end_date=days(-1))

    deployment.refresh_from_db()
    assert deployment.end_date == days(-1)


def test_end_refuses_a_date_before_the_start(cla, bambari) -> None:
    deployment = services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    with pytest.raises(DomainError) as caught:
        services.deployment_end(deployment=deployment, end_date=days(-31))

    assert caught.value.field == "end_date"
    deployment.refresh_from_db()
    assert deployment.end_date is None


def test_end_refuses_an_ended_deployment(cla, bambari) -> None:
    deployment = services.deployment_record(
        cla=cla, location=bambari, start_date=days(-30), end_date=days(-10)
    )

    with pytest.raises(InvalidTransition) as caught:
        services.deployment_end(deployment=deployment, end_date=days(-1))

    assert caught.value.field == "end_date"
    deployment.refresh_from_db()
    assert deployment.end_date == days(-10)


def test_update_refuses_to_reopen_when_another_deployment_is_open(cla, bambari, ippy) -> None:
    old = services.deployment_record(
        cla=cla, location=bambari, start_date=days(-100), end_date=days(-50)
    )
    services.deployment_start(cla=cla, location=ippy, start_date=days(-49))

    with pytest.raises(DomainError) as caught:
        services.deployment_update(
            deployment=old, location=bambari, start_date=days(-100), end_date=None
        )

    assert caught.value.field == "cla"
    old.refresh_from_db()
    assert old.end_date == days(-50)


def test_update_may_change_its_own_dates_without_overlapping_itself(cla, bambari) -> None:
    deployment = services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    services.deployment_update(
        deployment=deployment, location=bambari, start_date=days(-35), end_date=None, note="Fixed"
    )

    deployment.refresh_from_db()
    assert deployment.start_date == days(-35)
    assert deployment.note == "Fixed"


def test_move_ends_the_open_deployment_the_day_before_and_opens_a_new_one(
    cla, bambari, ippy
) -> None:
    old = services.deployment_start(cla=cla, location=bambari, start_date=days(-60))

    new = services.deployment_move(cla=cla, location=ippy, start_date=days(0))

    old.refresh_from_db()
    assert old.end_date == days(-1)
    assert new.location == ippy
    assert new.start_date == days(0)
    assert new.end_date is None
    assert Deployment.objects.filter(cla=cla, end_date__isnull=True).get() == new


def test_move_deploys_a_cla_who_has_no_open_deployment(cla, ippy) -> None:
    new = services.deployment_move(cla=cla, location=ippy, start_date=days(-2))

    assert Deployment.objects.get(cla=cla) == new


def test_move_refuses_a_date_not_after_the_current_start_and_changes_nothing(
    cla, bambari, ippy
) -> None:
    old = services.deployment_start(cla=cla, location=bambari, start_date=days(-10))

    with pytest.raises(DomainError) as caught:
        services.deployment_move(cla=cla, location=ippy, start_date=days(-10))

    assert caught.value.field == "start_date"
    old.refresh_from_db()
    assert old.end_date is None
    assert not Deployment.objects.filter(location=ippy).exists()


def test_move_refuses_the_location_the_cla_is_already_at(cla, bambari) -> None:
    services.deployment_start(cla=cla, location=bambari, start_date=days(-10))

    with pytest.raises(DomainError) as caught:
        services.deployment_move(cla=cla, location=bambari, start_date=days(0))

    assert caught.value.field == "location"


def test_move_refuses_a_date_more_than_ninety_days_ahead(cla, bambari, ippy) -> None:
    old = services.deployment_start(cla=cla, location=bambari, start_date=days(-10))

    with pytest.raises(DomainError) as caught:
        services.deployment_move(cla=cla, location=ippy, start_date=days(200))

    assert caught.value.field == "start_date"
    old.refresh_from_db()
    assert old.end_date is None


def test_move_is_undone_whole_when_the_new_deployment_is_refused(cla, bambari) -> None:
    old = services.deployment_start(cla=cla, location=bambari, start_date=days(-10))
    closed = f.LocationFactory(name="Ndele", is_active=False)

    with pytest.raises(DomainError) as caught:
        services.deployment_move(cla=cla, location=closed, start_date=days(0))

    assert caught.value.field == "location"
    old.refresh_from_db()
    assert old.end_date is None
    assert Deployment.objects.filter(cla=cla).count() == 1


def test_moving_several_clas_moves_each_of_them(cla, bambari, ippy) -> None:
    other = f.CLAFactory()
    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    moved = services.deployments_move(clas=[cla, other], location=ippy, start_date=days(0))

    assert [d.cla for d in moved] == [cla, other]
    assert Deployment.objects.filter(location=ippy, end_date__isnull=True).count() == 2
    assert Deployment.objects.get(location=bambari).end_date == days(-1)


def test_moving_several_clas_is_all_or_nothing_and_names_the_one_refused(
    cla, bambari, ippy
) -> None:
    already_there = f.CLAFactory(user__first_name="Jean", user__last_name="Yakete")
    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))
    services.deployment_start(cla=already_there, location=ippy, start_date=days(-30))

    with pytest.raises(DomainError) as caught:
        services.deployments_move(clas=[cla, already_there], location=ippy, start_date=days(0))

    assert caught.value.message.startswith("Jean Yakete: ")
    assert caught.value.field == "location"
    assert Deployment.objects.get(cla=cla).end_date is None
    assert Deployment.objects.filter(cla=cla).count() == 1


def test_moving_one_cla_gives_the_refusal_as_it_is(cla, bambari) -> None:
    services.deployment_start(cla=cla, location=bambari, start_date=days(-30))

    with pytest.raises(DomainError) as caught:
        services.deployments_move(clas=[cla], location=bambari, start_date=days(0))

    assert caught.value.message == f"{cla} is already deployed at Bambari."


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_starts_leave_one_open_deployment() -> None:
    cla = f.CLAFactory()
    locations = [f.LocationFactory(), f.LocationFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def start(location: object) -> None:
        try:
            barrier.wait()
            outcomes.append(
                services.deployment_start(cla=cla, location=location, start_date=days(-1))
            )
        except Exception as exc:  # the assertion below says which
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(location,)) for location in locations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], DomainError)
    assert refused[0].field == "cla"
    assert Deployment.objects.filter(cla=cla, end_date__isnull=True).count() == 1
