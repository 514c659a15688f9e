"""`manage.py rotate_field_keys`: every value re-encrypted with the newest key, restartable."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from alerts.models import Alert
from core.encryption import DecryptionFailed
from tests.alerts.support import log
from tests.conftest import Mission

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def raw_names() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, source_name FROM alerts_alert")
        return dict(cursor.fetchall())


def rotate(batch_size: int = 2) -> str:
    out = StringIO()
    call_command("rotate_field_keys", batch_size=batch_size, stdout=out)
    return out.getvalue()


def test_after_rotation_the_new_key_alone_reads_everything(mission: Mission) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        alerts = [
            log(
                mission,
                source_name=f"Informant {n}",
                source_contact=f"+236 70 00 00 0{n}",
                place=f"Village {n}",
            )
            for n in range(5)
        ]
        log(mission, source_name="", source_contact="", place="Nobody named")

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        # The old key still opens what it encrypted, before any rotation.
        assert Alert.objects.get(pk=alerts[0].pk).source_name == "Informant 0"
        summary = rotate()

    assert "10 values re-encrypted" in summary
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        for n, alert in enumerate(alerts):
            again = Alert.objects.get(pk=alert.pk)
            assert again.source_name == f"Informant {n}"
            assert again.source_contact == f"+236 70 00 00 0{n}"
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]), pytest.raises(DecryptionFailed):
        Alert.objects.get(pk=alerts[0].pk)


def test_running_it_again_changes_nothing(mission: Mission) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        log(mission, source_name="Informant", source_contact="+236 70 00 00 01")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        rotate()
        before = raw_names()
        summary = rotate()

    assert raw_names() == before
    assert "0 values re-encrypted" in summary


def test_a_value_changed_meanwhile_is_left_to_its_writer(mission: Mission) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        alert = log(mission, source_name="Informant")
    from core.management.commands import rotate_field_keys

    original = rotate_field_keys.rotate

    def rotate_while_someone_writes(token: str) -> str:
        Alert.objects.filter(pk=alert.pk).update(source_name="Corrected name")
        return original(token)

    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        rotate_field_keys.rotate = rotate_while_someone_writes
        try:
            summary = rotate()
        finally:
            rotate_field_keys.rotate = original
        assert "1 changed meanwhile" in summary
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        assert Alert.objects.get(pk=alert.pk).source_name == "Corrected name"
