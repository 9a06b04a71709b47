"""The read services write every case-level read to the access log as the acting user, whoever
calls them (a view, a command, a task); the selectors write nothing."""

import ast
from pathlib import Path

import pytest

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup import reads, selectors

pytestmark = pytest.mark.django_db


def test_a_read_outside_a_request_is_logged_as_the_tenancy_user(world, make_record):
    record = make_record()
    owner, manager = world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.MANAGER]
    reads.record_read(tenancy=tenancy_for_user(user=owner), pk=record.pk, purpose="Arbetsledning")
    reads.record_shown(tenancy=tenancy_for_user(user=manager), record=record, purpose="Arbetsledning", detail="x")
    rows = AccessLogEntry.objects.filter(action="read", object_id=str(record.pk)).order_by("sequence")
    assert [(r.username, r.purpose, r.detail) for r in rows] == [
        (owner.username, "", ""),  # the owner gives no purpose
        (manager.username, "Arbetsledning", "x"),
    ]


def test_a_search_and_a_list_are_logged_as_the_tenancy_user(world, make_record):
    record = make_record(reference="IFO-2026-0042")
    manager = world.own.users[Role.MANAGER]
    tenancy = tenancy_for_user(user=manager)
    assert reads.record_find(tenancy=tenancy, reference="IFO-2026-0042", purpose="Kvalitet") == record
    page = reads.record_list_read(
        tenancy=tenancy, filters=selectors.RecordFilter(mine_only=False), page=None, purpose="Kvalitet"
    )
    assert list(page.object_list) == [record]
    rows = AccessLogEntry.objects.filter(action="list", object_type="followup.followuprecord").order_by("sequence")
    assert [(r.username, r.purpose, r.detail) for r in rows] == [
        (manager.username, "Kvalitet", "search by reference: found"),
        (manager.username, "Kvalitet", f"page 1: {record.pk}"),
    ]


def test_the_selectors_write_nothing(world, make_record):
    make_record()
    before = AccessLogEntry.objects.count()
    tenancy = tenancy_for_user(user=world.own.users[Role.SOCIAL_WORKER])
    assert len(selectors.records(tenancy=tenancy, filters=selectors.RecordFilter())) == 1
    assert AccessLogEntry.objects.count() == before
    tree = ast.parse(Path(selectors.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "fridsam.core.audit" not in imported, "a read that is logged is a read service (followup.reads)"
