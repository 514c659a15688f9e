"""Phone numbers in E.164, one person per number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from clas.models import CLA, FocalPoint
from clas.phones import normalize_phone, validate_phone
from tests import factories as f


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+236 75 12 34 56", "+23675123456"),
        ("75123456", "+23675123456"),
        ("75 12 34 56", "+23675123456"),
        ("0023675123456", "+23675123456"),
        ("23675123456", "+23675123456"),
        ("(+236) 75-12-34-56", "+23675123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("33612345678", "+33612345678"),
        ("", None),
        ("ORANGE", None),
        ("12", None),
        ("+236 12", None),
        ("9" * 40, None),
    ],
)
def test_a_number_is_read_in_any_format(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_the_default_region_comes_from_the_settings(settings: object) -> None:
    settings.SMS_DEFAULT_REGION = "FR"  # type: ignore[attr-defined]

    assert normalize_phone("06 12 34 56 78") == "+33612345678"


def test_an_invalid_number_is_refused_by_the_validator() -> None:
    with pytest.raises(ValidationError):
        validate_phone("12 34")
    validate_phone("")
    validate_phone("+236 75 12 34 56")


@pytest.mark.django_db
def test_numbers_are_stored_in_e164_and_found_in_any_format() -> None:
    point = f.FocalPointFactory(phone="77 11 22 33")

    point.refresh_from_db()
    assert point.phone == "+23677112233"
    assert FocalPoint.objects.filter(phone="+236 77 11 22 33").get() == point


@pytest.mark.django_db
def test_a_number_written_differently_is_still_the_same_number() -> None:
    f.CLAFactory(phone="+236 75 12 34 56")

    with pytest.raises(IntegrityError):
        f.CLAFactory(phone="75123456")


@pytest.mark.django_db
def test_many_people_may_have_no_number() -> None:
    f.CLAFactory(phone="")
    f.CLAFactory(phone="")

    assert CLA.objects.filter(phone="").count() == 2


@pytest.mark.django_db
def test_the_admin_form_says_which_number_is_taken() -> None:
    f.FocalPointFactory(phone="+236 77 11 22 33")
    other = f.FocalPointFactory.build(network=f.NetworkFactory(), phone="77112233")

    with pytest.raises(ValidationError) as error:
        other.full_clean()

    assert "Another focal point has this phone number." in str(error.value)
