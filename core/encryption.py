"""Values encrypted at rest: Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) keyed
by FIELD_ENCRYPTION_KEYS, newest key first. The newest key encrypts; every key decrypts, so a
new key can be put in front of the old ones and `manage.py rotate_field_keys` re-encrypts the
rows before the old key is dropped.

`EncryptedCharField` is a CharField for forms, validation and the admin (its `max_length` is
that of the text), stored as the Fernet token in a text column. An empty value stays empty,
so that writing and reading the many alerts without a named source costs nothing; that a
value is present is therefore visible in the database, what it is is not. The column cannot
be searched: a lookup other than `isnull` or equality with "" is refused.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact


class Ciphertext(str):
    """A value already encrypted (a Fernet token): saved as it is, never encrypted again.

    The bulk paths encrypt a value once and write it to many rows by COPY or executemany."""


class DecryptionFailed(ImproperlyConfigured):
    """A stored value no key of FIELD_ENCRYPTION_KEYS opens: the keys are wrong or missing."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: sensitive fields cannot be encrypted or read."
        )
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())


def encrypt(text: str) -> Ciphertext:
    return Ciphertext(_fernet(_keys()).encrypt(text.encode()).decode())


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "A value encrypted at rest cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key "
            "it was encrypted with is not among them (a key removed too early, or the keys of "
            "another installation)."
        ) from None


def is_current(token: str) -> bool:
    """Encrypted with the newest key: nothing for a rotation to do."""
    keys = _keys()
    try:
        _fernet(keys[:1]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> Ciphertext:
    """The same value encrypted with the newest key (any key of the list may open it)."""
    try:
        return Ciphertext(_fernet(_keys()).rotate(token.encode()).decode())
    except InvalidToken:
        decrypt(token)  # raises the explanation
        raise


def encrypt_for_storage(value: Any) -> Any:
    """What is written to the column: "" and None as they are, a Ciphertext unchanged."""
    if value is None or value == "" or isinstance(value, Ciphertext):
        return value
    return encrypt(str(value))


class EncryptedExact(Exact):
    """Equality with "" only (the empty value is stored as it is); anything else would compare
    against a token made with a fresh random IV and never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it cannot be searched or filtered."
            )
        return super().get_prep_lookup()


# Every encrypted column, as (model, field name): what a check of the keys reads.
ENCRYPTED_FIELDS: list[tuple[type[models.Model], str]] = []


def keys_open_stored_values(rows: int = 200) -> int:
    """Decrypt the encrypted values of the newest rows of every model that has some; raise
    DecryptionFailed when the keys cannot open one. A key that is well formed but wrong
    (another installation's, or the newest one dropped before the rows were rotated) is then
    found when the process is checked, not when an officer first needs an informant's
    contact. One query per model, bounded by `rows` whatever the size of the table. Returns
    how many values were opened."""
    by_model: dict[type[models.Model], list[str]] = {}
    for model, name in ENCRYPTED_FIELDS:
        by_model.setdefault(model, []).append(name)
    opened = 0
    for model, names in by_model.items():
        # from_db_value decrypts every value read, or raises.
        newest = model._default_manager.order_by("-pk").values_list(*names)[:rows]
        opened += sum(1 for values in newest for value in values if value)
    return opened


class EncryptedCharField(models.CharField):
    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # The project's models only, not the historical ones migrations build.
        if cls._meta.apps is global_apps and not cls._meta.abstract:
            ENCRYPTED_FIELDS.append((cls, name))

    def get_internal_type(self) -> str:
        # A token is about 1.4 times the text plus 100 characters: a text column.
        return "TextField"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        stored = encrypt_for_storage(value)
        return str(stored) if isinstance(stored, Ciphertext) else stored

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return self.get_db_prep_value(value, connection, prepared=False)
