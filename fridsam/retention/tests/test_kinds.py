"""The kinds' declarations hold what the culling relies on."""

from fridsam.followup.models import Intervention, RecordEvent
from fridsam.housing.models import Proposal
from fridsam.retention.services import _pointed_at


def test_dependants_nothing_points_at_are_deleted_plainly_the_others_through_django():
    """A batch deletes a kind's dependants with one plain DELETE when no row can point at them,
    else through Django's collector, which handles what points at them (ADR 0045)."""
    assert not _pointed_at(RecordEvent) and not _pointed_at(Intervention)
    assert _pointed_at(Proposal)  # an allocation names the proposal it came from
