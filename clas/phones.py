"""Phone numbers in one form, E.164 (+23675123456), whatever way they were typed or sent.

People type numbers with spaces, dashes, a leading 0 or 00, or without the country code; an
SMS gateway hands over the sender as the operator gives it (23675123456, +23675123456, or
75123456). Every number the system stores or looks up goes through `normalize_phone`, with the
mission's default region (SMS_DEFAULT_REGION, e.g. CF) for numbers without a country code, so
that one person's number compares equal however it was written.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_INPUT_LENGTH = 32  # longer than any number written with spaces and a prefix


def default_region() -> str:
    return getattr(settings, "SMS_DEFAULT_REGION", "CF")


def normalize_phone(raw: str | None, *, region: str | None = None) -> str | None:
    """The number in E.164 (+23675123456), or None when it is not a valid phone number."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT_LENGTH:
        return None
    region = region or default_region()
    candidates = [text]
    digits = "".join(ch for ch in text if ch.isdigit())
    # Gateways often drop the "+" of an international number: 23675123456, 33612345678.
    if digits and not text.startswith(("+", "0")) and len(digits) > 8:
        candidates.append(f"+{digits}")
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def validate_phone(value: str) -> None:
    if value and normalize_phone(value) is None:
        raise ValidationError(
            _("Enter a valid phone number, e.g. +236 75 12 34 56."), code="invalid_phone"
        )


class PhoneNumberField(models.CharField):
    """A CharField that keeps numbers in E.164. Blank stays blank; a value that is not a
    number is refused by the validator and, from code that skips validation, kept as given
    rather than lost."""

    default_validators = [validate_phone]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_INPUT_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            return normalize_phone(value) or value.strip()
        return value

    def get_prep_value(self, value: Any) -> Any:
        # Lookups and saves alike (bulk_create included): filter(phone="075 12 34 56") finds
        # the row stored as +23675123456.
        return self.to_python(super().get_prep_value(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
