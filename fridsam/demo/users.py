"""The demo county's accounts: each with the demo password, a TOTP secret derived from the
username (so that repeated loads print the same one) and recovery codes. Demo data only: never load
the demo county into a production database."""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from fridsam.accounts.models import User
from fridsam.accounts.services import user_create
from fridsam.demo import data


def demo_totp_secret(username: str) -> str:
    """Deterministic TOTP secret of a demo account, so that repeated loads print the same one.
    Demo data only: never load the demo county into a production database."""
    digest = hashlib.sha256(f"fridsam-demo-totp:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def two_factor(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(user.username))
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


def demo_user(username: str, first: str, last: str, phone: str = "") -> User:
    """The demo account *username*, created the first time, with two-factor authentication."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            first_name=first,
            last_name=last,
            phone=phone,
            email=f"{username}@demo.fridsam.example",
            password=data.DEMO_PASSWORD,
        )
    two_factor(user)
    return user
