"""Routine text with a personal identity number written with typographic separators is refused."""

import pytest
from django.core.exceptions import ValidationError

from fridsam.core.roles import Role
from fridsam.routines import services
from fridsam.routines.models import Document

pytestmark = pytest.mark.django_db

NUMBERS = ["121212–1212", "121212\u00a01212", "121212\u20111212", "121212\u22121212", "121212\u200b1212"]


def _fields(tenant, **overrides):
    return {
        "kind": "routine",
        "title": "Rutin vid våld",
        "owner": tenant.users[Role.COORDINATOR],
        "unit_types": [],
        "roles": [],
        "legal_references": "SOSFS 2014:4",
        "review_months": 12,
        **overrides,
    }


@pytest.mark.parametrize("number", NUMBERS)
def test_a_routine_with_a_number_in_its_text_is_refused(world, number):
    own = world.own
    user = own.users[Role.COORDINATOR]
    with pytest.raises(ValidationError) as error:
        services.document_create(
            municipality=own.municipality, fields=_fields(own), body=f"# Rutin\nExempel: {number}", user=user
        )
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.document_create(
            municipality=own.municipality, fields=_fields(own, title=f"Rutin {number}"), body="# Rutin", user=user
        )
    assert not Document.objects.exists()
    document = services.document_create(municipality=own.municipality, fields=_fields(own), body="# Rutin", user=user)
    with pytest.raises(ValidationError) as error:
        services.version_write(document=document, body="# Rutin\nNy text.", change_note=f"rättat {number}", user=user)
    assert "change_note" in error.value.message_dict
