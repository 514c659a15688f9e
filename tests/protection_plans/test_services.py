from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from core.exceptions import DomainError, InvalidTransition
from protection_plans import services
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup
from tests import factories as f

pytestmark = pytest.mark.django_db

ADOPTED = dt.date(2025, 3, 1)


@pytest.fixture
def plan() -> ProtectionPlan:
    return f.PlanFactory(adopted_on=ADOPTED, next_review_due=dt.date(2025, 9, 1))


@pytest.fixture
def archived() -> ProtectionPlan:
    return f.PlanFactory(status=ProtectionPlan.Status.ARCHIVED)


# --- the plan --------------------------------------------------------------------------------


def test_create_starts_a_draft_plan_for_a_location() -> None:
    location = f.LocationFactory()

    plan = services.plan_create(location=location, summary="Market road")

    plan.refresh_from_db()
    assert plan.location == location
    assert plan.status == ProtectionPlan.Status.DRAFT
    assert plan.review_cycle_months == 6
    assert plan.summary == "Market road"


def test_create_refuses_a_second_plan_for_a_location(plan) -> None:
    with pytest.raises(DomainError) as caught:
        services.plan_create(location=plan.location)

    assert caught.value.field == "location"
    assert ProtectionPlan.objects.filter(location=plan.location).count() == 1


@pytest.mark.parametrize(
    "status", [ProtectionPlan.Status.ACTIVE, ProtectionPlan.Status.UNDER_REVIEW]
)
def test_a_plan_in_force_needs_its_adoption_date(status: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.plan_create(location=f.LocationFactory(), status=status)

    assert caught.value.field == "adopted_on"
    assert not ProtectionPlan.objects.exists()


def test_a_draft_needs_no_adoption_date() -> None:
    plan = services.plan_create(location=f.LocationFactory(), status=ProtectionPlan.Status.DRAFT)

    assert plan.adopted_on is None


def test_the_next_review_cannot_be_due_before_the_adoption() -> None:
    with pytest.raises(DomainError) as caught:
        services.plan_create(
            location=f.LocationFactory(),
            status=ProtectionPlan.Status.ACTIVE,
            adopted_on=ADOPTED,
            next_review_due=ADOPTED - dt.timedelta(days=1),
        )

    assert caught.value.field == "next_review_due"


@pytest.mark.parametrize("months", [0, 37])
def test_the_review_cycle_stays_within_its_bounds(months: int) -> None:
    with pytest.raises(DomainError) as caught:
        services.plan_create(location=f.LocationFactory(), review_cycle_months=months)

    assert caught.value.field == "review_cycle_months"
    assert not ProtectionPlan.objects.exists()


def test_update_changes_the_plan(plan) -> None:
    services.plan_update(
        plan=plan,
        location=plan.location,
        status=ProtectionPlan.Status.UNDER_REVIEW,
        adopted_on=ADOPTED,
        review_cycle_months=12,
        next_review_due=dt.date(2026, 3, 1),
        summary="Reviewed with the chiefs",
    )

    plan.refresh_from_db()
    assert plan.status == ProtectionPlan.Status.UNDER_REVIEW
    assert plan.review_cycle_months == 12
    assert plan.next_review_due == dt.date(2026, 3, 1)
    assert plan.summary == "Reviewed with the chiefs"


def test_update_refuses_to_put_a_plan_in_force_without_adoption_date() -> None:
    draft = f.PlanFactory(status=ProtectionPlan.Status.DRAFT, adopted_on=None, next_review_due=None)

    with pytest.raises(DomainError):
        services.plan_update(
            plan=draft,
            location=draft.location,
            status=ProtectionPlan.Status.ACTIVE,
            adopted_on=None,
            review_cycle_months=6,
            next_review_due=None,
            summary="",
        )

    draft.refresh_from_db()
    assert draft.status == ProtectionPlan.Status.DRAFT


def test_update_refuses_the_location_of_another_plan(plan) -> None:
    other = f.PlanFactory()

    with pytest.raises(DomainError) as caught:
        services.plan_update(
            plan=other,
            location=plan.location,
            status=other.status,
            adopted_on=other.adopted_on,
            review_cycle_months=other.review_cycle_months,
            next_review_due=other.next_review_due,
            summary=other.summary,
        )

    assert caught.value.field == "location"


def test_delete_removes_the_plan_with_its_parts(plan) -> None:
    f.ThreatFactory(plan=plan)
    f.MeasureFactory(plan=plan)

    services.plan_delete(plan=plan)

    assert not ProtectionPlan.objects.exists()
    assert not Threat.objects.exists()
    assert not Measure.objects.exists()


# --- versions ----------------------------------------------------------------------------------


def test_a_version_records_who_took_part(plan) -> None:
    author = f.UserFactory()

    version = services.plan_version_add(
        plan=plan,
        number=1,
        adopted_on=ADOPTED,
        participants_women=12,
        participants_men=20,
        authorities_present=3,
        created_by=author,
    )

    version.refresh_from_db()
    assert (version.plan, version.number, version.adopted_on) == (plan, 1, ADOPTED)
    assert (version.participants_women, version.participants_men) == (12, 20)
    assert version.authorities_present == 3
    assert version.created_by == author


def test_version_numbers_are_unique_within_a_plan(plan) -> None:
    services.plan_version_add(plan=plan, number=1, adopted_on=ADOPTED)

    with pytest.raises(DomainError):
        services.plan_version_add(plan=plan, number=1, adopted_on=ADOPTED)

    assert plan.versions.count() == 1
    services.plan_version_add(plan=f.PlanFactory(), number=1, adopted_on=ADOPTED)


def test_a_version_refuses_a_negative_count(plan) -> None:
    with pytest.raises(DomainError) as caught:
        services.plan_version_add(plan=plan, number=1, adopted_on=ADOPTED, participants_men=-1)

    assert caught.value.field == "participants_men"
    assert not PlanVersion.objects.exists()


def test_a_version_can_be_corrected(plan) -> None:
    version = services.plan_version_add(plan=plan, number=1, adopted_on=ADOPTED)

    services.plan_version_update(
        version=version,
        number=2,
        adopted_on=ADOPTED,
        notes="Renumbered",
        participants_women=1,
        participants_men=2,
        authorities_present=0,
        created_by=None,
    )

    version.refresh_from_db()
    assert (version.number, version.notes, version.participants_men) == (2, "Renumbered", 2)


# --- threats -----------------------------------------------------------------------------------


def test_a_threat_gets_its_risk_from_likelihood_and_impact(plan) -> None:
    threat = services.threat_add(
        plan=plan, category=f.CategoryFactory(), likelihood=4, impact=5, perpetrators="Herders"
    )

    threat.refresh_from_db()
    assert threat.risk == 20
    assert threat.perpetrators == "Herders"


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (3, 6)])
def test_a_threat_is_scored_one_to_five(plan, likelihood: int, impact: int) -> None:
    with pytest.raises(DomainError):
        services.threat_add(
            plan=plan, category=f.CategoryFactory(), likelihood=likelihood, impact=impact
        )

    assert not Threat.objects.exists()


def test_a_new_threat_takes_a_category_still_in_use(plan) -> None:
    retired = f.CategoryFactory(code="old-raids", is_active=False)

    with pytest.raises(DomainError) as caught:
        services.threat_add(plan=plan, category=retired, likelihood=3, impact=3)

    assert caught.value.field == "category"


def test_a_threat_keeps_a_category_retired_since(plan) -> None:
    category = f.CategoryFactory(code="old-raids")
    threat = services.threat_add(plan=plan, category=category, likelihood=3, impact=3)
    category.is_active = False
    category.save()

    services.threat_update(
        threat=threat,
        category=category,
        likelihood=5,
        impact=3,
        perpetrators="",
        description="Worse since the rains",
    )

    threat.refresh_from_db()
    assert threat.likelihood == 5


def test_a_threat_cannot_move_to_a_retired_category(plan) -> None:
    threat = services.threat_add(plan=plan, category=f.CategoryFactory(), likelihood=3, impact=3)
    retired = f.CategoryFactory(code="old-raids", is_active=False)

    with pytest.raises(DomainError) as caught:
        services.threat_update(
            threat=threat,
            category=retired,
            likelihood=3,
            impact=3,
            perpetrators="",
            description="",
        )

    assert caught.value.field == "category"
    threat.refresh_from_db()
    assert threat.category.code == "attack"


# --- vulnerable groups and measures ------------------------------------------------------------


def test_a_vulnerable_group_is_recorded_and_corrected(plan) -> None:
    group = services.vulnerable_group_add(
        plan=plan, group=VulnerableGroup.Group.DISPLACED, estimated_size=300
    )

    services.vulnerable_group_update(
        vulnerable_group=group,
        group=VulnerableGroup.Group.DISPLACED,
        description="Site near the base",
        estimated_size=450,
    )

    group.refresh_from_db()
    assert (group.estimated_size, group.description) == (450, "Site near the base")


def test_a_measure_answers_a_threat_of_its_plan(plan) -> None:
    threat = f.ThreatFactory(plan=plan)

    measure = services.measure_add(
        plan=plan, action="Night patrols", responsible="Battalion", threat=threat
    )

    measure.refresh_from_db()
    assert measure.threat == threat
    assert measure.status == Measure.Status.PLANNED


def test_a_measure_refuses_a_threat_of_another_plan(plan) -> None:
    elsewhere = f.ThreatFactory(plan=f.PlanFactory())

    with pytest.raises(DomainError) as caught:
        services.measure_add(plan=plan, action="Patrols", responsible="Battalion", threat=elsewhere)

    assert caught.value.field == "threat"
    assert not Measure.objects.exists()


def test_a_measure_moves_on_to_done(plan) -> None:
    measure = services.measure_add(plan=plan, action="Patrols", responsible="Battalion")

    services.measure_update(
        measure=measure,
        action="Patrols",
        responsible="Battalion",
        threat=None,
        due_on=dt.date(2025, 6, 1),
        status=Measure.Status.DONE,
    )

    measure.refresh_from_db()
    assert measure.status == Measure.Status.DONE


# --- an archived plan --------------------------------------------------------------------------


def test_an_archived_plan_takes_no_new_part(archived) -> None:
    with pytest.raises(InvalidTransition):
        services.plan_version_add(plan=archived, number=1, adopted_on=ADOPTED)
    with pytest.raises(InvalidTransition):
        services.threat_add(plan=archived, category=f.CategoryFactory(), likelihood=3, impact=3)
    with pytest.raises(InvalidTransition):
        services.vulnerable_group_add(plan=archived, group=VulnerableGroup.Group.CHILDREN)
    with pytest.raises(InvalidTransition):
        services.measure_add(plan=archived, action="Patrols", responsible="Battalion")

    assert not PlanVersion.objects.exists()
    assert not Threat.objects.exists()
    assert not VulnerableGroup.objects.exists()
    assert not Measure.objects.exists()


def test_the_parts_of_an_archived_plan_are_kept_as_they_were(archived) -> None:
    measure = f.MeasureFactory(plan=archived, status=Measure.Status.PLANNED)

    with pytest.raises(InvalidTransition):
        services.measure_update(
            measure=measure,
            action=measure.action,
            responsible=measure.responsible,
            threat=None,
            due_on=None,
            status=Measure.Status.DONE,
        )
    with pytest.raises(InvalidTransition):
        services.plan_part_delete(part=measure)

    measure.refresh_from_db()
    assert measure.status == Measure.Status.PLANNED


def test_a_part_of_a_plan_in_force_can_be_deleted(plan) -> None:
    group = f.VulnerableGroupFactory(plan=plan)

    services.plan_part_delete(part=group)

    assert not VulnerableGroup.objects.exists()


def test_an_archived_plan_can_be_brought_back_in_force_and_then_changed(archived) -> None:
    services.plan_update(
        plan=archived,
        location=archived.location,
        status=ProtectionPlan.Status.UNDER_REVIEW,
        adopted_on=archived.adopted_on,
        review_cycle_months=archived.review_cycle_months,
        next_review_due=archived.next_review_due,
        summary="",
    )

    threat = services.threat_add(
        plan=archived, category=f.CategoryFactory(), likelihood=2, impact=2
    )

    assert threat.plan_id == archived.pk


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_adding_the_same_version_at_once_get_one_version_and_a_refusal() -> None:
    plan = f.PlanFactory()
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def add() -> None:
        try:
            barrier.wait()
            outcomes.append(services.plan_version_add(plan=plan, number=1, adopted_on=ADOPTED))
        except Exception as exc:  # the assertion below says which
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(type(o).__name__ for o in outcomes) == ["DomainError", "PlanVersion"]
    assert PlanVersion.objects.filter(plan=plan).count() == 1
