"""Retention and culling through the pages (ADR 0031): preview, sign-off, holds, the protocol, the
archive package and the statistics that stay."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core import serializers
from django.urls import reverse
from django.utils import timezone

from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.evaluation import services as evaluation_services
from fridsam.evaluation.models import Response
from fridsam.followup.models import FollowUpRecord, Intervention, RecordEvent
from fridsam.healthcheck import selectors as healthcheck_selectors
from fridsam.healthcheck import services as healthcheck_services
from fridsam.healthcheck.models import FrozenPoint
from fridsam.housing import services as housing_services
from fridsam.housing.models import Allocation, AllocationStatus, Apartment, Applicant, FrozenLedgerYear
from fridsam.retention import archive, services
from fridsam.retention.kinds import midnight
from fridsam.retention.models import Action, CullingRun, Hold, Kind, RetentionRule, RunStatus
from fridsam.statistics import services as statistics_services
from fridsam.statistics.models import FrozenYear, IndicatorValue, Observation

pytestmark = pytest.mark.django_db


def _archivist(world, client, tenant=None):
    tenant = tenant or world.own
    return world.act_as(client, tenant.users[Role.ARCHIVIST])


def _preview(client, municipality):
    response = client.post(reverse("retention:preview", kwargs={"municipality_code": municipality.code}))
    assert response.status_code == 302
    return CullingRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_the_preview_counts_per_kind_and_unit_and_nothing_goes_without_a_sign_off(world, client, old_record):
    old = [old_record(f"IFO-2019-000{i}") for i in range(3)]
    recent = old_record("IFO-2024-0001", closed_on=datetime.date(2024, 5, 2))
    still_open = old_record("IFO-2019-0099", closed_on=None)
    _archivist(world, client)
    run = _preview(client, world.own.municipality)
    line = run.lines.get(kind=Kind.FOLLOWUP_RECORD)
    assert (line.unit_id, line.unit_name, line.due, line.held) == (world.own.unit.pk, world.own.unit.name, 3, 0)
    page = client.get(reverse("retention:run", kwargs={"pk": run.pk}))
    assert page.status_code == 200
    assert b"IFO-2019" not in page.content  # counts only, no content
    assert services.run_monthly() and FollowUpRecord.objects.filter(pk__in=[r.pk for r in old]).count() == 3

    response = client.post(reverse("retention:run_sign", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CULLED
    assert run.signed_by == world.own.users[Role.ARCHIVIST]
    assert not FollowUpRecord.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert not Intervention.objects.filter(record_id__in=[r.pk for r in old]).exists()
    assert not RecordEvent.objects.filter(record_id__in=[r.pk for r in old]).exists()
    hashes = {r.reference_hash for r in old}
    assert not FollowUpRecord.objects.filter(reference_hash__in=hashes).exists()  # the keyed hash is gone too
    assert FollowUpRecord.objects.filter(pk__in=[recent.pk, still_open.pk]).count() == 2
    assert run.lines.get(kind=Kind.FOLLOWUP_RECORD).culled == 3
    protocol = client.get(reverse("retention:run", kwargs={"pk": run.pk})).content.decode()
    assert "Gallringsprotokoll" in protocol and world.own.users[Role.ARCHIVIST].get_full_name() in protocol
    signed = AccessLogEntry.objects.filter(object_type="retention.cullingrun", object_id=str(run.pk))
    assert set(signed.values_list("action", flat=True)) == {AccessAction.CHANGE, AccessAction.DELETE}
    assert "followup_record=3" in signed.get(action=AccessAction.DELETE).detail


def test_a_held_record_stays_until_the_hold_is_lifted(world, client, old_record):
    held, other = old_record("IFO-2019-0001"), old_record("IFO-2019-0002")
    _archivist(world, client)
    code = world.own.municipality.code
    response = client.post(
        reverse("retention:hold_create", kwargs={"municipality_code": code}),
        {"kind": Kind.FOLLOWUP_RECORD, "object_id": held.number, "reason": "complaint", "note": "JO-anmälan 2026"},
    )
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert AccessLogEntry.objects.filter(object_type="retention.hold", action=AccessAction.CREATE).exists()
    run = _preview(client, world.own.municipality)
    line = run.lines.get(kind=Kind.FOLLOWUP_RECORD)
    assert (line.due, line.held) == (1, 1)
    client.post(reverse("retention:run_sign", kwargs={"pk": run.pk}))
    assert FollowUpRecord.objects.filter(pk=held.pk).exists()
    assert not FollowUpRecord.objects.filter(pk=other.pk).exists()

    client.post(reverse("retention:hold_lift", kwargs={"municipality_code": code, "pk": hold.pk}))
    hold.refresh_from_db()
    assert hold.lifted_on is not None and hold.lifted_by == world.own.users[Role.ARCHIVIST]
    assert AccessLogEntry.objects.filter(object_type="retention.hold", action=AccessAction.CHANGE).exists()
    next_month = services.preview(municipality=world.own.municipality, month=datetime.date(2027, 1, 1))
    assert next_month.lines.get(kind=Kind.FOLLOWUP_RECORD).due == 1


def test_a_hold_on_a_whole_kind_holds_everything_of_it(world, old_record):
    old_record()
    services.hold_place(
        municipality=world.own.municipality,
        kind=Kind.FOLLOWUP_RECORD,
        object_id=None,
        reason="ivo",
        note="",
        acting_user=world.own.users[Role.MANAGER],
    )
    run = services.preview(municipality=world.own.municipality, month=timezone.localdate())
    line = run.lines.get(kind=Kind.FOLLOWUP_RECORD)
    assert (line.due, line.held) == (0, 1)


def _figures(html: str) -> str:
    """The page without what changes from one request to the next (tokens, nonces)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_the_statistics_pages_show_the_same_figures_after_culling(world, client, old_record):
    for i in range(4):
        old_record(f"IFO-2019-000{i}")
    municipality = world.own.municipality
    assert IndicatorValue.objects.filter(municipality=municipality, year=2019, source="computed").exists()
    coordinator, analyst = world.own.users[Role.COORDINATOR], world.own.users[Role.COUNTY_ANALYST]
    county = municipality.county.code
    pages = [
        (coordinator, reverse("statistics:municipality", kwargs={"municipality_code": municipality.code})),
        *[(analyst, reverse("statistics:county", kwargs={"county_code": county}) + f"?ar={y}") for y in (2019, 2020)],
        (analyst, reverse("statistics:ranking", kwargs={"county_code": county}) + "?ar=2019"),
    ]

    def read():
        shown = []
        for user, url in pages:
            response = world.act_as(client, user).get(url)
            assert response.status_code == 200
            shown.append(_figures(response.content.decode()))
        return shown

    before = read()
    stored = sorted(
        IndicatorValue.objects.filter(municipality=municipality).values_list(
            "indicator_id", "year", "count", "denominator"
        )
    )
    run = services.preview(municipality=municipality, month=timezone.localdate())
    services.sign_off(run=run, acting_user=world.own.users[Role.ARCHIVIST])
    services.cull(run=services.CullingRun.objects.get(pk=run.pk))
    assert not FollowUpRecord.objects.filter(municipality=municipality).exists()
    assert set(FrozenYear.objects.filter(municipality=municipality).values_list("year", flat=True)) == {2019, 2020}
    assert (
        sorted(
            IndicatorValue.objects.filter(municipality=municipality).values_list(
                "indicator_id", "year", "count", "denominator"
            )
        )
        == stored
    )
    assert read() == before

    # A later change in a frozen year leaves its figures as they were.
    old_record("IFO-2019-0100", closed_on=None)
    assert (
        sorted(
            IndicatorValue.objects.filter(municipality=municipality).values_list(
                "indicator_id", "year", "count", "denominator"
            )
        )
        == stored
    )
    assert read() == before


def test_the_archive_package_is_written_before_the_delete_and_restores(world, old_record):
    records = [old_record(f"IFO-2019-000{i}") for i in range(3)]
    municipality = world.own.municipality
    services.rule_save(
        municipality=municipality,
        kind=Kind.FOLLOWUP_RECORD,
        clock="closed",
        months=60,
        action=Action.ARCHIVE,
        basis="Riksarkivets urvalskommun",
        acting_user=world.own.users[Role.ARCHIVIST],
    )
    ids = [r.pk for r in records]
    run = services.preview(municipality=municipality, month=timezone.localdate())
    services.sign_off(run=run, acting_user=world.own.users[Role.ARCHIVIST])
    run = services.cull(run=CullingRun.objects.get(pk=run.pk))
    assert not FollowUpRecord.objects.filter(pk__in=ids).exists()
    directory = Path(run.package)
    manifest = archive.verify(directory)
    assert manifest["municipality"] == municipality.code
    assert manifest["rules"]["followup_record"]["action"] == "archive"
    assert manifest["files"]["followup_record.json"]["items"] == 3
    assert (directory / "followup_record.csv").read_text().count("\n") == 4  # header and three rows

    (directory / "followup_record.json").write_text("[]")
    with pytest.raises(archive.PackageError):
        archive.restore(directory)
    with pytest.raises(archive.PackageError):
        archive.verify(directory)


def test_a_restored_package_gives_back_the_same_rows(world, old_record):
    records = [old_record(f"IFO-2019-000{i}") for i in range(2)]
    ids = [r.pk for r in records]
    municipality = world.own.municipality
    services.rule_save(
        municipality=municipality,
        kind=Kind.FOLLOWUP_RECORD,
        clock="closed",
        months=60,
        action=Action.ARCHIVE,
        basis="",
        acting_user=world.own.users[Role.ARCHIVIST],
    )

    def dump():
        return sorted(
            json.loads(
                serializers.serialize(
                    "json",
                    [
                        *FollowUpRecord.objects.filter(pk__in=ids),
                        *Intervention.objects.filter(record_id__in=ids),
                        *RecordEvent.objects.filter(record_id__in=ids),
                    ],
                )
            ),
            key=lambda o: (o["model"], o["pk"]),
        )

    before = dump()
    run = services.preview(municipality=municipality, month=timezone.localdate())
    services.sign_off(run=run, acting_user=world.own.users[Role.ARCHIVIST])
    run = services.cull(run=CullingRun.objects.get(pk=run.pk))
    assert dump() == []
    assert archive.restore(Path(run.package)) == len(before)
    assert dump() == before


def test_an_archivist_changes_only_their_own_municipalitys_rules(world, client):
    _archivist(world, client)
    code = world.own.municipality.code
    url = reverse("retention:rule_edit", kwargs={"municipality_code": code, "kind": Kind.CONSULTATION})
    assert client.get(url).status_code == 200
    response = client.post(url, {"clock": "closed", "months": 36, "action": "cull", "basis": "IHP 4.2"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(municipality=world.own.municipality, kind=Kind.CONSULTATION)
    assert (rule.months, rule.changed_by) == (36, world.own.users[Role.ARCHIVIST])
    assert services.effective_rules(world.neighbour.municipality)[Kind.CONSULTATION].months == 60
    # A clock that does not apply to the kind, and the access log's one rule, are refused.
    assert client.post(url, {"clock": "allocated", "months": 36, "action": "cull"}).status_code == 200
    log_rule = reverse("retention:rule_edit", kwargs={"municipality_code": code, "kind": Kind.ACCESS_LOG})
    assert client.get(log_rule).status_code == 404
    neighbour = reverse("retention:overview", kwargs={"municipality_code": world.neighbour.municipality.code})
    assert client.get(neighbour).status_code in (403, 404)
    reset = reverse("retention:rule_reset", kwargs={"municipality_code": code, "kind": Kind.CONSULTATION})
    client.post(reset)
    assert not RetentionRule.objects.filter(municipality=world.own.municipality).exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.COORDINATOR, Role.PARTNER, Role.COUNTY_ANALYST])
def test_only_archivists_and_managers_manage_retention(world, client, role):
    world.act_as(client, world.own.users[role])
    url = reverse("retention:overview", kwargs={"municipality_code": world.own.municipality.code})
    assert client.get(url).status_code in (403, 404)
    world.act_as(client, world.own.users[Role.MANAGER])
    assert client.get(url).status_code == 200


def test_the_archivist_sees_no_case_level_data(world, client, old_record):
    record = old_record()
    _archivist(world, client)
    assert client.get(reverse("followup:record_detail", kwargs={"pk": record.pk})).status_code in (403, 404)


def test_every_row_pointing_at_a_plainly_deleted_kind_is_handled():
    """A kind deleted without Django collecting it names every relation pointing at it."""
    from fridsam.retention.kinds import KINDS

    for spec in KINDS.values():
        if not spec.plain_delete:
            continue
        handled = {(m, fk) for m, fk in (*spec.dependants, *spec.nullify)}
        relations = {
            (r.related_model, r.field.name)
            for r in spec.model._meta.get_fields(include_hidden=True)
            if r.auto_created and not r.concrete and (r.one_to_many or r.one_to_one or r.many_to_many)
        }
        assert relations <= handled, (spec.kind, relations - handled)
        assert not spec.model._meta.many_to_many, spec.kind


def test_a_culling_stopped_between_batches_is_taken_up_where_it_stopped(
    world, old_record, monkeypatch, settings, tmp_path
):
    """ADR 0043: each batch is culled whole or not at all with its lines' counts, and the next job
    finishes the run from the archive files the first attempt wrote. The run stopped by SIGKILL in
    a worker, on PostgreSQL: tests/test_worker_killed.py."""
    settings.FRIDSAM_ARCHIVE_DIR = tmp_path
    records = [old_record(f"IFO-2019-001{i}") for i in range(5)]
    ids = sorted(r.pk for r in records)
    municipality = world.own.municipality
    archivist = world.own.users[Role.ARCHIVIST]
    services.rule_save(
        municipality=municipality,
        kind=Kind.FOLLOWUP_RECORD,
        clock="closed",
        months=60,
        action=Action.ARCHIVE,
        basis="",
        acting_user=archivist,
    )
    run = services.preview(municipality=municipality, month=timezone.localdate())
    services.sign_off(run=run, acting_user=archivist)
    # What an earlier run of the same number left (the number used again after a restore of the
    # database): not this run's package.
    directory = archive.package_dir(run)
    directory.mkdir(parents=True)
    (directory / "manifest.json").write_text("{}")
    (directory / "followup_record.json").write_text("[]")
    (directory / "followup_record.csv").write_text("id\n1\n")
    counted = services._add_culled
    calls = []

    def stop_at_the_third_batch(counts):
        calls.append(counts)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        counted(counts)

    monkeypatch.setattr(services, "_add_culled", stop_at_the_third_batch)
    with pytest.raises(RuntimeError):
        services.cull(run=CullingRun.objects.get(pk=run.pk), batch_size=2)
    # Two batches are gone and counted; the third, stopped before its end, is all there.
    assert sorted(FollowUpRecord.objects.filter(pk__in=ids).values_list("pk", flat=True)) == ids[4:]
    assert RecordEvent.objects.filter(record_id__in=ids).count() == 2  # the kept one's opened and closed
    assert Intervention.objects.filter(record_id__in=ids).count() == 1
    run = CullingRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.SIGNED and sum(line.culled for line in run.lines.all()) == 4
    assert not (directory / "manifest.json").exists()  # the package is not complete yet

    monkeypatch.setattr(services, "_add_culled", counted)
    run = services.cull(run=run, batch_size=2)  # the next job
    assert run.status == RunStatus.CULLED and not FollowUpRecord.objects.filter(pk__in=ids).exists()
    assert sum(line.culled for line in run.lines.all()) == 5
    manifest = archive.verify(Path(run.package))
    assert manifest["files"]["followup_record.json"]["items"] == 5  # the package holds all five, once
    deleted = AccessLogEntry.objects.filter(action=AccessAction.DELETE, object_type="retention.cullingrun")
    assert [e.detail for e in deleted] == ["culled; followup_record=5"]
    assert archive.restore(Path(run.package)) == 5 + 10 + 5  # records, their events and interventions
    assert sorted(FollowUpRecord.objects.filter(pk__in=ids).values_list("pk", flat=True)) == ids


def _allocated(world, apartment, applicant, on):
    """An allocation through the exchange's services, then dated back as if made on ``on``."""
    own = world.own.users[Role.COORDINATOR]
    offering = next(t for t in (world.own, world.neighbour) if t.municipality.pk == apartment.municipality_id)
    offering = offering.users[Role.COORDINATOR]
    allocation = housing_services.allocation_propose(apartment=apartment, applicant=applicant, user=own)
    if allocation.status == AllocationStatus.PROPOSED:  # an apartment of another municipality
        allocation = housing_services.allocation_accept(allocation=allocation, user=offering)
    allocation = housing_services.allocation_allocate(allocation=allocation, user=offering)
    allocation = housing_services.allocation_move_in(allocation=allocation, user=own, on=timezone.localdate())
    Allocation.objects.filter(pk=allocation.pk).update(allocated_on=on, moved_in_on=on)
    Applicant.objects.filter(pk=applicant.pk).update(registered_on=on - datetime.timedelta(days=60))
    Apartment.objects.filter(pk=apartment.pk).update(available_from=on - datetime.timedelta(days=10))
    return allocation


def test_the_housing_ledger_shows_the_same_figures_after_culling(world, client, make_apartment, make_applicant):
    own, neighbour = world.own.municipality, world.neighbour.municipality
    moved = _allocated(world, make_apartment(), make_applicant(), datetime.date(2019, 5, 2))  # own → neighbour's
    at_home = _allocated(
        world, make_apartment(tenant=world.own), make_applicant(excluded=[neighbour]), datetime.date(2019, 9, 16)
    )  # own applicant, own apartment
    recent = _allocated(world, make_apartment(), make_applicant(), timezone.localdate() - datetime.timedelta(days=30))
    coordinator = world.own.users[Role.COORDINATOR]
    ledger = reverse("housing:ledger")

    def read(year):
        response = world.act_as(client, coordinator).get(ledger, {"ar": year})
        assert response.status_code == 200
        rows = {r.municipality.pk: (r.given, r.taken, r.placed_at_home, r.balance) for r in response.context["rows"]}
        return _figures(response.content.decode()), rows

    before, rows = read(2019)
    assert rows[neighbour.pk] == (1, 0, 0, 1) and rows[own.pk] == (0, 1, 1, -1)  # counted as allocated
    current = read(timezone.localdate().year)

    run = services.preview(municipality=own, month=timezone.localdate())
    assert run.lines.get(kind=Kind.HOUSING_APPLICANT).due == 2
    services.cull(run=services.sign_off(run=run, acting_user=world.own.users[Role.ARCHIVIST]))
    assert not Allocation.objects.filter(pk__in=[moved.pk, at_home.pk]).exists()
    assert Allocation.objects.filter(pk=recent.pk).exists()
    frozen = FrozenLedgerYear.objects.filter(year=2019)
    assert set(frozen.values_list("municipality_id", flat=True)) >= {own.pk, neighbour.pk}  # the whole county

    assert read(2019) == (before, rows)  # the neighbour's page too: it gave the apartment
    assert read(timezone.localdate().year) == current
    # A second culling of the same year (another municipality's applicants) keeps the first figures.
    assert housing_services.ledger_freeze({(own.county_id, 2019)}) == 0


def test_the_health_check_history_shows_the_same_points_after_culling(world, client):
    """The history's points read the newest coordinator questionnaire as of each 1 January, however
    old (ADR 0031): culling ten-year-old answers changed the points that read them. They are kept
    as they stood (``healthcheck.FrozenPoint``); observations are culled too and the check never
    read them."""
    municipality = world.own.municipality
    coordinator, manager = world.own.users[Role.COORDINATOR], world.own.users[Role.MANAGER]
    today = timezone.localdate()
    old_year, recent_year = today.year - 11, today.year - 1
    # Answered eleven years ago (all the time strategic), then not again until last year: the
    # points in between read the old answers.
    for year, split in ((old_year, {"strategic": 100}), (recent_year, {"strategic": 50, "individual": 50})):
        response = evaluation_services.response_submit(
            round=evaluation_services.survey_round_for_year(key="coordinator", year=year),
            respondent=coordinator,
            municipalities=[municipality],
            answers={"time_split": split},
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=midnight(datetime.date(year, 5, 2)))
    statistics_services.observation_add(
        municipality=municipality,
        area="knowledge",
        source_type="coordinator",
        observed_on=datetime.date(old_year, 6, 1),
        text="Samordnaren ordnade utbildning för alla enheter.",
        user=coordinator,
    )
    page = reverse("healthcheck:history", args=[municipality.code])

    def read():
        response = world.act_as(client, manager).get(page)
        assert response.status_code == 200
        return _figures(response.content.decode())

    before = read()
    reading_old = [
        day
        for day, check in healthcheck_selectors.history(municipality)[:-1]
        if check.facts.questionnaire_year == old_year
    ]
    assert reading_old  # the post started before the window's last points, the old answers are read

    run = services.preview(municipality=municipality, month=today)
    assert (run.lines.get(kind=Kind.SURVEY_RESPONSE).due, run.lines.get(kind=Kind.OBSERVATION).due) == (1, 1)
    services.cull(run=services.sign_off(run=run, acting_user=world.own.users[Role.ARCHIVIST]))
    assert list(Response.objects.filter(municipalities=municipality).values_list("round__year", flat=True)) == [
        recent_year
    ]
    assert not Observation.objects.filter(municipality=municipality).exists()
    assert sorted(FrozenPoint.objects.filter(municipality=municipality).values_list("day", flat=True)) == reading_old
    # Recomputed from what is left, those points would say the questionnaire was never answered.
    recomputed = healthcheck_selectors.check_for(municipality, as_of=reading_old[-1])
    assert recomputed.verdict("HK12").status == "unknown"

    assert read() == before
    # A second culling of the same answers' points keeps the first.
    assert healthcheck_services.points_freeze({municipality.pk: {old_year}}) == 0
