"""Encryption of secret values at rest (TOTP secrets; later protected-housing addresses)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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
