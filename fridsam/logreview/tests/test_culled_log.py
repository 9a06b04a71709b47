"""A review outlives the access-log entries it drew (ADR 0039, 0041): culling the log lets go of
them — the drawn reads keep what they copied, their link to the entry becomes null — and the review
page reads the same before and after. Run on SQLite and PostgreSQL."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from fridsam.core import log_culling
from fridsam.core.audit import log_access, verify_chain
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.tests.conftest import drop_triggers  # noqa: F401 - the access log's triggers off
from fridsam.followup import services as followup
from fridsam.followup.tests.conftest import fields
from fridsam.logreview import drawing
from fridsam.logreview import services as logreview_services
from fridsam.logreview.models import ReviewItem

pytestmark = pytest.mark.django_db

CUTOFF = datetime.datetime(2021, 12, 1, tzinfo=datetime.UTC)


def _page(client, review):
    """The review page without what changes from one request to the next."""
    html = client.get(reverse("logreview:review", kwargs={"pk": review.pk})).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _empty_log(drop_triggers):  # noqa: F811 - the fixture, passed on
    """The chain starts from genesis here, as in core's culling tests: what the world and the
    setting up wrote goes first (inside the test's transaction)."""
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry")


@pytest.mark.parametrize("path", ["one statement", "Django's delete"])
def test_culling_the_log_keeps_the_reviews_drawn_reads(world, client, drop_triggers, monkeypatch, path):  # noqa: F811
    if path == "Django's delete":  # what the culling falls back to, and any other delete of entries
        monkeypatch.setattr(log_culling, "_links_set_to_null", lambda: None)
    own = world.own
    worker, manager = own.users[Role.SOCIAL_WORKER], own.users[Role.MANAGER]
    record = followup.record_create(
        owner=worker, municipality=own.municipality, unit=own.unit, reference="LR-2019", fields=fields()
    )
    _empty_log(drop_triggers)
    period = drawing.last_ended_period(datetime.date(2019, 6, 15), 1)  # May 2019: long due for culling
    reads = [
        log_access(
            action=AccessAction.READ,
            object_type="followup.followuprecord",
            object_id=record.pk,
            user=worker,
            municipality=own.municipality,
            purpose="Arbetsledning" if i % 2 else "",
            occurred_at=datetime.datetime(2019, 5, 3 + i, 10, 0, tzinfo=datetime.UTC),
        )
        for i in range(6)
    ]
    review = logreview_services.review_draw(municipality=own.municipality, period=period, user=manager)
    items = list(ReviewItem.objects.filter(review=review).order_by("sequence"))
    assert items and {i.entry_id for i in items} <= {r.pk for r in reads}
    logreview_services.item_mark(item=items[0], verdict="justified", note="Ärendet var hennes.", user=manager)
    world.act_as(client, manager)
    before = _page(client, review)
    copied = list(ReviewItem.objects.filter(review=review).order_by("sequence").values_list(
        "sequence", "occurred_at", "reader_id", "username", "object_type", "object_id", "purpose", "flags",
        "verdict", "note",
    ))  # fmt: skip

    cut = log_culling.planned_cut(CUTOFF)
    assert cut.sequence == reads[-1].sequence  # every drawn read is culled; the review's own entry stays
    checkpoint = log_culling.write_checkpoint(cut=cut, before=CUTOFF, reason="test")
    if connection.vendor == "postgresql":  # a link left behind would be found now, not at commit
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert log_culling.delete_up_to(checkpoint.cut_sequence, batch_size=4) == cut.count

    assert not AccessLogEntry.objects.filter(pk__in=[r.pk for r in reads]).exists()
    assert not ReviewItem.objects.filter(review=review, entry__isnull=False).exists()
    assert list(ReviewItem.objects.filter(review=review).order_by("sequence").values_list(
        "sequence", "occurred_at", "reader_id", "username", "object_type", "object_id", "purpose", "flags",
        "verdict", "note",
    )) == copied  # fmt: skip
    assert _page(client, review) == before
    assert verify_chain().ok


def test_every_relation_to_the_log_lets_go_of_a_culled_entry():
    """The culling sets every foreign key to the log to null itself (hidden relations, with
    ``related_name="+"``, included); none is a database constraint that would make each deleted
    log row look up the tables pointing at it (ADR 0041)."""
    relations = [
        r
        for r in AccessLogEntry._meta.get_fields(include_hidden=True)
        if r.auto_created and not r.concrete and (r.one_to_many or r.one_to_one)
    ]
    assert relations
    assert {(model, name) for model, name in log_culling._links_set_to_null()} == {
        (r.related_model, r.field.name) for r in relations
    }
    assert all(not r.field.db_constraint for r in relations)
    with connection.cursor() as cursor:  # and the migration dropped the one there was (logreview/0002)
        for r in relations:
            constraints = connection.introspection.get_constraints(cursor, r.related_model._meta.db_table)
            assert not [c for c in constraints.values() if c["foreign_key"] and c["columns"] == [r.field.column]]
            assert [c for c in constraints.values() if c["index"] and c["columns"] == [r.field.column]]
