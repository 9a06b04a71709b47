"""The kinds' declarations hold what the culling relies on."""

from fridsam.core.models import AccessLogEntry, incoming_relations
from fridsam.followup.models import Intervention, RecordEvent
from fridsam.housing.models import Proposal


def test_dependants_nothing_points_at_are_deleted_plainly_the_others_through_django():
    """A batch deletes a kind's dependants with one plain DELETE when no row can point at them,
    else through Django's collector, which handles what points at them (ADR 0045)."""
    assert not incoming_relations(RecordEvent) and not incoming_relations(Intervention)
    assert incoming_relations(Proposal)  # an allocation names the proposal it came from


def test_the_hidden_relations_are_found_too():
    """The log review's drawn reads point at the log with ``related_name="+"`` (ADR 0039): the
    culling of the log must see them to let go of the entries they name."""
    pointing = {(r.related_model._meta.label, r.field.name) for r in incoming_relations(AccessLogEntry)}
    assert ("logreview.ReviewItem", "entry") in pointing
