"""Encryption of secret values at rest (TOTP secrets and recovery seeds, protected-housing
addresses): Fernet under ``FRIDSAM_FIELD_ENCRYPTION_KEY`` (comma-separated, newest first; every key
reads, the first writes).

Each app names the fields it encrypts (``register``, from its hooks.py), so that
``manage.py rotate_field_encryption`` re-encrypts every one of them under the newest key while the
old ones still read, and the backup drill can check that each is readable (ADR 0030)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings

PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    configured = settings.FRIDSAM_FIELD_ENCRYPTION_KEY
    keys = []
    if configured:
        keys.extend(k.strip().encode() for k in configured.split(",") if k.strip())
    else:
        digest = hashlib.sha256(("fridsam-field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys.append(base64.urlsafe_b64encode(digest))
    return MultiFernet([Fernet(k) for k in keys])


def encrypt_text(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt_text(value: str) -> str:
    if not value.startswith(PREFIX):
        raise ValueError("value is not encrypted by fridsam.core.crypto")
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # wrong key: fail loudly rather than return garbage
        raise ValueError("encrypted value cannot be read with the configured key") from exc


def rotate_text(value: str) -> str:
    """The value encrypted under the newest key (read with whichever key wrote it)."""
    if not value.startswith(PREFIX):
        raise ValueError("value is not encrypted by fridsam.core.crypto")
    try:
        return PREFIX + _fernet().rotate(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("encrypted value cannot be read with the configured keys") from exc


def newest_key_reads(value: str) -> bool:
    keys = _fernet()._fernets
    try:
        keys[0].decrypt(value[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


@dataclass(frozen=True)
class EncryptedField:
    model: str  # "app_label.ModelName"
    field: str
    json_key: str | None = None  # the encrypted value is this key of a JSON field


ENCRYPTED_FIELDS: list[EncryptedField] = []


def register(model: str, field: str, json_key: str | None = None) -> None:
    entry = EncryptedField(model, field, json_key)
    if entry not in ENCRYPTED_FIELDS:
        ENCRYPTED_FIELDS.append(entry)


def encrypted_values(*, lock: bool = False):
    """(entry, manager, row, value) for every stored value of every registered field (system code:
    run it with no tenant scope; with ``lock`` inside a transaction, the rows locked)."""
    for entry in ENCRYPTED_FIELDS:
        model = apps.get_model(entry.model)
        manager = getattr(model, "system_objects", model._default_manager)
        rows = manager.select_for_update() if lock else manager.all()
        for row in rows.order_by("pk"):
            value = getattr(row, entry.field)
            if entry.json_key is not None:
                value = (value or {}).get(entry.json_key)
            if value:
                yield entry, manager, row, value
