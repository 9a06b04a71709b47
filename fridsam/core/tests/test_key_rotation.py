"""Key rotation: every encrypted field re-encrypted under a new key while the old one still reads
(``manage.py rotate_field_encryption``; ADR 0030)."""

from __future__ import annotations

import base64
import hashlib
import io

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from fridsam.accounts.tests import factories
from fridsam.core import crypto
from fridsam.core.roles import Role
from fridsam.housing import services
from fridsam.housing.models import Provider
from fridsam.housing.tests.conftest import provider_fields

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("rotate_field_encryption", *args, stdout=out)
    return out.getvalue()


def test_every_encrypted_field_is_registered():
    assert {(e.model, e.field, e.json_key) for e in crypto.ENCRYPTED_FIELDS} == {
        ("housing.Provider", "address_encrypted", None),
        ("housing.Apartment", "address_encrypted", None),
        ("mfa.Authenticator", "data", "secret"),
        ("mfa.Authenticator", "data", "seed"),
    }


def test_values_are_rotated_to_the_new_key_while_the_old_one_still_reads(world, settings):
    # The world's secrets were encrypted under the key derived from SECRET_KEY: that is the old key.
    old = base64.urlsafe_b64encode(hashlib.sha256(f"fridsam-field-encryption:{settings.SECRET_KEY}".encode()).digest())
    old, new = old.decode(), Fernet.generate_key().decode()
    settings.FRIDSAM_FIELD_ENCRYPTION_KEY = old
    coordinator = world.own.users[Role.COORDINATOR]
    provider = services.provider_save(
        county=world.own.county, fields=provider_fields(world.own, name="Boendet"), address="Gatan 1", user=coordinator
    )
    person = factories.user(username="rotation.person")  # a TOTP secret under the old key
    before = {a.pk: dict(a.data) for a in Authenticator.objects.all()}

    settings.FRIDSAM_FIELD_ENCRYPTION_KEY = f"{new},{old}"  # the new key first; the old one still reads
    with pytest.raises(CommandError, match="not under the newest key"):
        _run("--check")
    assert services.provider_address_reveal(provider=provider, user=coordinator) == "Gatan 1"
    changed = int(_run().split()[0])
    assert changed >= 2  # the provider's address and the person's TOTP secret, at least
    assert _run("--check").startswith("0 values")
    assert _run().startswith("0 values")  # run again: nothing left to do

    settings.FRIDSAM_FIELD_ENCRYPTION_KEY = new  # the old key retired
    provider = Provider.system_objects.get(pk=provider.pk)
    assert services.provider_address_reveal(provider=provider, user=coordinator) == "Gatan 1"
    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    assert totp.data["secret"] != before[totp.pk]["secret"]
    assert pyotp.TOTP(crypto.decrypt_text(totp.data["secret"])).now() == factories.totp_code(person)


def test_a_value_no_key_reads_stops_the_rotation_and_names_its_row(world, settings):
    settings.FRIDSAM_FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    person = factories.user(username="lost.key")
    settings.FRIDSAM_FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()  # the old key lost
    with pytest.raises(CommandError, match=r"mfa.Authenticator.data\[\w+\] row \d+"):
        _run()
    assert person.pk
