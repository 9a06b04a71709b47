import itertools

import pyotp
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from fridsam.accounts.models import User
from fridsam.accounts.services import membership_grant, user_create

PASSWORD = "Korrekt-hast-batteri-42"
_seq = itertools.count(1)


def user(*, username: str | None = None, with_totp: bool = True, **names) -> User:
    n = next(_seq)
    u = user_create(
        username=username or f"user{n}",
        first_name=names.get("first_name", f"Förnamn{n}"),
        last_name=names.get("last_name", f"Efternamn{n}"),
        email=f"user{n}@example.org",
        password=PASSWORD,
    )
    if with_totp:
        u.totp_secret = pyotp.random_base32()
        TOTP.activate(u, u.totp_secret)
        RecoveryCodes.activate(u)
    return u


def staff(
    role: str,
    *,
    municipality=None,
    unit=None,
    county=None,
    partner_organisation=None,
    national_organisation=None,
    **kwargs,
) -> User:
    """A user holding one role, with two-factor authentication set up."""
    u = user(**kwargs)
    membership_grant(
        user=u,
        role=role,
        municipality=municipality,
        unit=unit,
        county=county,
        partner_organisation=partner_organisation,
        national_organisation=national_organisation,
    )
    return u


def totp_code(u: User) -> str:
    return pyotp.TOTP(u.totp_secret).now()
