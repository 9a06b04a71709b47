"""Goals and decisions (one per line) with a personal identity number written with typographic
separators are refused, on the form and in the service."""

import pytest
from django.core.exceptions import ValidationError

from fridsam.collaboration import services
from fridsam.collaboration.forms import LinesField
from fridsam.collaboration.models import CollaborationGroup, GroupKind
from fridsam.core.roles import Role

NUMBERS = ["121212–1212", "121212\u00a01212", "121212\u20111212", "121212\u22121212", "121212\u200b1212"]


@pytest.mark.parametrize("number", NUMBERS)
def test_a_line_with_a_number_is_refused_on_the_form(number):
    field = LinesField()
    assert field.clean("Gemensam rutin\n\nUppföljning 2026") == ["Gemensam rutin", "Uppföljning 2026"]
    with pytest.raises(ValidationError) as error:
        field.clean(f"Gemensam rutin\nGäller {number}")
    assert [e.code for e in error.value.error_list] == ["personal_identity_number"]


@pytest.mark.django_db
@pytest.mark.parametrize("number", NUMBERS)
def test_a_goal_with_a_number_is_refused_by_the_service(world, number):
    own = world.own
    with pytest.raises(ValidationError) as error:
        services.group_create(
            county=own.county,
            kind=GroupKind.LOCAL,
            municipality=own.municipality,
            name="Samverkansgruppen",
            purpose="Samordna stödet till våldsutsatta mellan socialtjänst, polis och kvinnojour.",
            goals=[f"Stöd till {number}"],
            chair=own.users[Role.COORDINATOR],
            members=[own.users[Role.MANAGER]],
            user=own.users[Role.COORDINATOR],
        )
    assert "goals" in error.value.error_dict
    assert not CollaborationGroup.objects.exists()
