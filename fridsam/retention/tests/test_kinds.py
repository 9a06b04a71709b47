"""The kinds' declarations hold what the culling relies on."""

from fridsam.retention.kinds import KINDS


def test_the_rows_deleted_with_an_item_have_nothing_pointing_at_them():
    """A batch deletes each kind's dependants in one plain DELETE, past Django's collector: that
    is only right while no other row points at them (a new relation would need its own handling)."""
    for spec in KINDS.values():
        for model, _fk in spec.dependants:
            assert [r.related_model.__name__ for r in model._meta.related_objects] == [], model.__name__
