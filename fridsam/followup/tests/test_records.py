"""Records: the keyed-hash reference, validation and the state machine."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fridsam.core import references
from fridsam.core.roles import Role
from fridsam.followup import services
from fridsam.followup.models import EventKind, FollowUpRecord, Status
from fridsam.followup.tests.conftest import fields

pytestmark = pytest.mark.django_db


def test_reference_is_stored_only_as_a_keyed_hash(world, make_record):
    record = make_record(reference="IFO-2026-0412")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM followup_followuprecord")
        dump = repr(cursor.fetchall())
    assert "IFO-2026-0412" not in dump and "IFO" not in dump.upper().replace("INFO", "")
    assert record.reference_hash == references.reference_hash(world.own.municipality, " ifo-2026-0412 ")
    # Another municipality's key gives another hash: the same reference does not link municipalities.
    assert record.reference_hash != references.reference_hash(world.neighbour.municipality, "IFO-2026-0412")


def test_the_same_reference_finds_the_record_and_cannot_be_registered_twice(world, make_record, login):
    record = make_record(reference="IFO-2026-0412")
    client = login(world.own.users[Role.SOCIAL_WORKER])
    response = client.post("/uppfoljning/sok/", {"reference": " ifo-2026-0412 "})
    assert response.status_code == 302 and response["Location"] == f"/uppfoljning/{record.pk}/"
    with pytest.raises(ValidationError) as error:
        make_record(reference="IFO-2026-0412")
    assert "reference" in error.value.message_dict


def test_a_personal_identity_number_is_refused_as_reference(make_record):
    with pytest.raises(ValidationError) as error:
        make_record(reference="19121212-1212")
    assert "reference" in error.value.message_dict
    assert FollowUpRecord.objects.count() == 0


def test_the_note_refuses_a_personal_identity_number_and_long_text(make_record):
    with pytest.raises(ValidationError) as error:
        make_record(note="Mamma 121212-1212 ringde")
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_record(note="x" * 301)
    assert FollowUpRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "child_exposed", "age_band": "25-44"}, "age_band"),
        ({"category": "adult_victim", "age_band": "6-12"}, "age_band"),
        ({"opened_on": datetime.date.today() + datetime.timedelta(days=1)}, "opened_on"),
        ({"violence_forms": ["physical", "telepathic"]}, "violence_forms"),
        ({"risk_level": "high"}, "risk_assessed_on"),
        ({"risk_assessed_on": datetime.date(2026, 3, 5)}, "risk_level"),
        ({"screening_on": datetime.date(2026, 1, 1)}, "screening_on"),
    ],
)
def test_inconsistent_records_are_refused_with_the_field_named(make_record, overrides, field):
    with pytest.raises(ValidationError) as error:
        make_record(**overrides)
    assert field in error.value.message_dict


def test_state_machine_close_reopen_and_closed_records_are_read_only(world, make_record):
    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record()
    with pytest.raises(ValidationError):
        services.record_reopen(record=record, reason="Ny anmälan", user=worker)
    with pytest.raises(ValidationError) as error:
        services.record_close(
            record=record, closed_on=datetime.date(2026, 3, 1), reason="goals_met", outcome="ended",
            client_view="", user=worker,
        )  # fmt: skip
    assert "closed_on" in error.value.message_dict
    services.record_close(
        record=record, closed_on=datetime.date(2026, 6, 1), reason="goals_met", outcome="ended", client_view="better",
        user=worker,
    )  # fmt: skip
    record.refresh_from_db()
    assert record.status == Status.CLOSED and record.closed_year == 2026
    with pytest.raises(ValidationError):
        services.record_close(
            record=record, closed_on=datetime.date(2026, 6, 2), reason="goals_met", outcome="ended",
            client_view="", user=worker,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.record_update(record=record, fields={"route_in": "self"}, user=worker)
    with pytest.raises(ValidationError):
        services.intervention_add(
            record=record, kind="support_talks", started_on=datetime.date(2026, 4, 1), user=worker
        )
    with pytest.raises(ValidationError) as error:
        services.record_reopen(record=record, reason="  ", user=worker)
    assert "reason" in error.value.message_dict
    services.record_reopen(record=record, reason="Nytt våld anmält", user=worker)
    record.refresh_from_db()
    assert record.status == Status.OPEN and record.closed_on is None and record.reopen_count == 1
    kinds = list(record.events.values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.CLOSED, EventKind.REOPENED]


def test_interventions_validate_dates_and_quantities(world, make_record):
    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record()
    cases = [
        ({"kind": "protected_housing", "started_on": datetime.date(2026, 3, 3)}, "quantity"),
        ({"kind": "housing", "started_on": datetime.date(2026, 3, 3), "quantity": 4}, "quantity"),
        ({"kind": "support_talks", "started_on": datetime.date(2026, 2, 1)}, "started_on"),
        (
            {"kind": "support_talks", "started_on": datetime.date(2026, 3, 3), "ended_on": datetime.date(2026, 3, 2)},
            "ended_on",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            services.intervention_add(record=record, user=worker, **kwargs)
        assert field in error.value.message_dict, kwargs
    services.intervention_add(
        record=record, kind="protected_housing", started_on=datetime.date(2026, 3, 3), quantity=21, user=worker
    )
    assert record.interventions.get().quantity == 21
    with pytest.raises(ValidationError) as error:
        services.record_update(record=record, fields={"opened_on": datetime.date(2026, 3, 10)}, user=worker)
    assert "opened_on" in error.value.message_dict


def test_every_change_is_in_the_access_log(world, make_record):
    from fridsam.core.models import AccessLogEntry

    worker = world.own.users[Role.SOCIAL_WORKER]
    record = make_record()
    services.record_update(record=record, fields={"route_in": "self"}, user=worker)
    services.intervention_add(record=record, kind="support_talks", started_on=datetime.date(2026, 3, 4), user=worker)
    entries = AccessLogEntry.objects.filter(object_type="followup.followuprecord", object_id=str(record.pk))
    assert list(entries.order_by("sequence").values_list("action", flat=True)) == ["create", "change", "change"]
    assert entries.filter(detail="route_in").exists()


def test_unit_must_belong_to_the_municipality(world):
    with pytest.raises(ValidationError) as error:
        services.record_create(
            owner=world.own.users[Role.SOCIAL_WORKER],
            municipality=world.own.municipality,
            unit=world.neighbour.unit,
            reference="IFO-1",
            fields=fields(),
        )
    assert "unit" in error.value.message_dict
