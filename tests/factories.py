"""Factories for test data. Each builds a valid object with the fewest arguments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from alerts.models import Alert, ThreatCategory, TriangulationQueue
from clas.models import (
    CLA,
    CommunityAlertNetwork,
    Deployment,
    FocalPoint,
    Location,
    Role,
    Sector,
    Training,
    User,
)
from protection_plans.models import Measure, PlanVersion, ProtectionPlan, Threat, VulnerableGroup
from reporting.models import Report


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"CF-L{n:04d}")
    name = factory.Sequence(lambda n: f"Town {n}")
    kind = Location.Kind.PERMANENT
    prefecture = "Ouham"
    prefecture_code = "CF-AC"
    sector = factory.SubFactory(SectorFactory)
    latitude = Decimal("6.50000")
    longitude = Decimal("18.50000")

    @factory.post_generation
    def covers_itself(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.kind == Location.Kind.PERMANENT and self.field_office_id is None:
            self.field_office = self
            self.save(update_fields=["field_office"])


class TemporaryBaseFactory(LocationFactory):
    kind = Location.Kind.TEMPORARY
    field_office = factory.SubFactory(LocationFactory, sector=factory.SelfAttribute("..sector"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mission.test")
    role = Role.CLA
    password = factory.django.Password("pass-word-123")


class CLAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CLA

    user = factory.SubFactory(UserFactory, role=Role.CLA)
    staff_number = factory.Sequence(lambda n: f"CLA{n:05d}")
    gender = "female"


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    cla = factory.SubFactory(CLAFactory)
    location = factory.SubFactory(LocationFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    end_date = None


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    title = "Induction"
    kind = Training.Kind.INDUCTION
    audience = Training.Audience.CLA
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    location = factory.SubFactory(LocationFactory)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityAlertNetwork

    name = factory.Sequence(lambda n: f"CAN {n}")
    location = factory.SubFactory(LocationFactory)
    established_on = dt.date(2019, 5, 1)
    volunteers_women = 20
    volunteers_men = 40


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    network = factory.SubFactory(NetworkFactory)
    name = factory.Faker("name")
    gender = "male"
    # One number per person (clas.models constraint): 72 xx xx xx, a Telecel number each.
    phone = factory.Sequence(
        lambda n: f"+236 72 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"
    )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreatCategory
        django_get_or_create = ("code",)

    code = "attack"
    name_en = "Attack on civilians"
    name_fr = "Attaque contre des civils"


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TriangulationQueue

    code = factory.Sequence(lambda n: f"queue-{n}")
    name = factory.Sequence(lambda n: f"Queue {n}")
    sector = factory.SubFactory(SectorFactory)
    is_default = True


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionPlan

    location = factory.SubFactory(LocationFactory)
    status = ProtectionPlan.Status.ACTIVE
    adopted_on = dt.date(2024, 3, 1)
    next_review_due = dt.date(2025, 3, 1)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    adopted_on = dt.date(2024, 3, 1)


class ThreatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Threat

    plan = factory.SubFactory(PlanFactory)
    category = factory.SubFactory(CategoryFactory)
    likelihood = 3
    impact = 4


class VulnerableGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VulnerableGroup

    plan = factory.SubFactory(PlanFactory)
    group = VulnerableGroup.Group.CHILDREN


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(PlanFactory)
    action = "Night patrols on the market road"
    responsible = "Battalion"


class AlertFactory(factory.django.DjangoModelFactory):
    """An alert inserted directly (no routing); tests of the chain go through services."""

    class Meta:
        model = Alert

    reference = factory.Sequence(lambda n: f"ALT-2026-{n + 900000:06d}")
    logged_by = factory.SubFactory(UserFactory, role=Role.CLA)
    source_type = Alert.SourceType.CAN_MEMBER
    location = factory.SubFactory(LocationFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))
    reported_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    category = factory.SubFactory(CategoryFactory)
    description = "Armed men seen near the river crossing."


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    kind = Report.Kind.DAILY
    origin = Report.Origin.WRITTEN
    scope = Report.Scope.LOCATION
    location = factory.SubFactory(LocationFactory)
    period_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    period_end = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    title = "Daily situation report"
