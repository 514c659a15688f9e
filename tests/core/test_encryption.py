"""Informants' names and contacts are encrypted at rest and read back only through the model."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection
from django.test import override_settings

from alerts.models import Alert
from core.encryption import DecryptionFailed, encrypt
from tests.alerts.support import log
from tests.config.test_settings import production_environment, start
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

NAME = "Jean-Baptiste Ngaba"
CONTACT = "+236 75 11 22 33"


def raw_source(alert: Alert) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_name, source_contact FROM alerts_alert WHERE id = %s", [alert.pk]
        )
        return cursor.fetchone()


def test_the_column_holds_no_plain_text(mission: Mission) -> None:
    alert = log(mission, source_name=NAME, source_contact=CONTACT)

    name, contact = raw_source(alert)

    assert NAME not in name and "Ngaba" not in name
    assert CONTACT not in contact and "75 11" not in contact
    assert name.startswith("gAAAA") and contact.startswith("gAAAA")


def test_what_is_saved_is_read_back(mission: Mission) -> None:
    alert = log(mission, source_name=NAME, source_contact=CONTACT)

    again = Alert.objects.get(pk=alert.pk)

    assert (again.source_name, again.source_contact) == (NAME, CONTACT)
    assert list(Alert.objects.filter(pk=alert.pk).values_list("source_name", flat=True)) == [NAME]


def test_the_same_name_twice_is_stored_differently(mission: Mission) -> None:
    first = log(mission, source_name=NAME)
    second = log(mission, source_name=NAME, place="Zoumango")

    assert raw_source(first)[0] != raw_source(second)[0]


def test_an_empty_source_stays_empty_and_costs_nothing(mission: Mission) -> None:
    alert = log(mission, source_name="", source_contact="")

    assert raw_source(alert) == ("", "")
    assert Alert.objects.filter(pk=alert.pk, source_name="").exists()


def test_the_encrypted_columns_cannot_be_searched(mission: Mission) -> None:
    log(mission, source_name=NAME)

    with pytest.raises(FieldError, match="encrypted"):
        list(Alert.objects.filter(source_name=NAME))
    with pytest.raises(FieldError):
        list(Alert.objects.filter(source_name__icontains="Ngaba"))


def test_a_value_no_key_opens_is_a_clear_error(mission: Mission) -> None:
    alert = log(mission, source_name=NAME)

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(DecryptionFailed, match="FIELD_ENCRYPTION_KEYS"),
    ):
        Alert.objects.get(pk=alert.pk)


def test_without_keys_nothing_is_encrypted() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(Exception, match="empty"):
        encrypt(NAME)


def test_production_refuses_to_start_without_keys() -> None:
    variables = production_environment()
    del variables["FIELD_ENCRYPTION_KEYS"]

    result = start("config.settings.production", variables)

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "FIELD_ENCRYPTION_KEYS is required" in last_line


def test_production_refuses_a_key_that_is_not_one_without_showing_it() -> None:
    good = Fernet.generate_key().decode()
    result = start(
        "config.settings.production",
        production_environment(FIELD_ENCRYPTION_KEYS=f"{good},tooshort-secret-value"),
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "FIELD_ENCRYPTION_KEYS" in last_line and "key 2 is not one" in last_line
    assert "tooshort-secret-value" not in result.stderr
