"""The log review through HTTP and the real database: the plan and routine, drawing a period with
its sample and flags, verdicts and the signature, the two questions, reminders, the yearly summary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.accounts.tests import factories as account_factories
from fridsam.core import reminders
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction, AccessLogEntry, Reminder
from fridsam.core.roles import Role
from fridsam.followup import services as followup
from fridsam.logreview import drawing
from fridsam.logreview.models import Flag, Review, ReviewItem, ReviewPlan
from fridsam.organisations.tests import factories as org_factories

RECORD_FIELDS = {
    "opened_on": datetime.date(2025, 3, 1),
    "route_in": "self",
    "category": "adult_victim",
    "sex": "female",
    "age_band": "25-44",
    "relation": "partner",
}


def _last_month():
    return drawing.last_ended_period(timezone.localdate(), 1)


def _at(period, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(period.start + datetime.timedelta(days=day),
                                                         datetime.time(hour, minute)))  # fmt: skip


def _read(user, record, at, purpose="", action=AccessAction.READ, municipality=None):
    return log_access(
        action=action,
        object_type="followup.followuprecord",
        object_id=record.pk if record is not None else "",
        user=user,
        municipality=municipality or record.municipality,
        purpose=purpose,
        occurred_at=at,
    )


@pytest.fixture
def scene(world):
    """Åstad-like: the own municipality with a second unit whose record is protected; staff who
    held their roles all of last month; reads of last month of every kind the review flags."""
    own = world.own
    Membership.objects.filter(municipality=own.municipality).update(valid_from=datetime.date(2020, 1, 1))
    other_unit = org_factories.unit(municipality=own.municipality, name="Barn och unga")
    worker = own.users[Role.SOCIAL_WORKER]
    colleague = account_factories.staff(
        Role.SOCIAL_WORKER, municipality=own.municipality, unit=other_unit, username="own-colleague"
    )
    Membership.objects.filter(user=colleague).update(valid_from=datetime.date(2020, 1, 1))
    former = account_factories.staff(
        Role.SOCIAL_WORKER, municipality=own.municipality, unit=own.unit, username="own-former"
    )
    period = _last_month()
    Membership.objects.filter(user=former).update(
        valid_from=datetime.date(2020, 1, 1), valid_until=period.start + datetime.timedelta(days=1)
    )
    own_record = followup.record_create(
        owner=worker, municipality=own.municipality, unit=own.unit, reference="LR-1", fields=RECORD_FIELDS
    )
    protected = followup.record_create(
        owner=colleague,
        municipality=own.municipality,
        unit=other_unit,
        reference="LR-2",
        fields={**RECORD_FIELDS, "protected_identity": True},
    )
    coordinator, manager = own.users[Role.COORDINATOR], own.users[Role.MANAGER]
    rows = {
        "own": _read(worker, own_record, _at(period, 2)),
        "outside": _read(worker, protected, _at(period, 3)),
        "other": _read(coordinator, protected, _at(period, 4), purpose="Annat (beskriv): kontroll"),
        "ended": _read(former, own_record, _at(period, 5), purpose="Arbetsledning"),
        "denied": log_access(
            action=AccessAction.DENIED,
            object_type="followup.followuprecord",
            object_id="999",
            user=worker,
            municipality=own.municipality,
            detail="followup:record_detail 404",
            occurred_at=_at(period, 6),
        ),
    }
    burst = [
        _read(manager, own_record, _at(period, 7, 9, minute // 3), purpose="Kvalitetsuppföljning av arbetet")
        for minute in range(30)
    ]
    # Another municipality's reads never enter the own municipality's review.
    _read(world.neighbour.users[Role.COORDINATOR], None, _at(period, 3), action=AccessAction.LIST,
          municipality=world.neighbour.municipality)  # fmt: skip
    return {
        "period": period,
        "rows": rows,
        "burst": burst,
        "records": (own_record, protected),
        "other_unit": other_unit,
        "former": former,
    }


def _draw(client, world, period):
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.post(
        reverse("logreview:draw", kwargs={"municipality_code": world.own.municipality.code}),
        {"start": period.start.isoformat()},
    )
    assert response.status_code == 302, response.content
    return Review.objects.get(municipality=world.own.municipality, period_start=period.start)


def _flags(review):
    return {i.sequence: set(i.flags) for i in review.items.all()}


@pytest.mark.django_db
def test_periods_follow_the_calendar():
    assert drawing.period_containing(datetime.date(2026, 2, 14), 1) == drawing.Period(
        datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)
    )
    assert drawing.period_containing(datetime.date(2026, 11, 30), 3) == drawing.Period(
        datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)
    )
    assert drawing.last_ended_period(datetime.date(2026, 1, 5), 1) == drawing.Period(
        datetime.date(2025, 12, 1), datetime.date(2025, 12, 31)
    )
    assert drawing.last_ended_period(datetime.date(2026, 7, 1), 6).start == datetime.date(2026, 1, 1)
    assert [p.start.month for p in drawing.periods_ended(datetime.date(2026, 1, 1), datetime.date(2026, 4, 2), 1)] == [
        1,
        2,
        3,
    ]


@pytest.mark.django_db
def test_a_period_is_drawn_with_its_flags_and_a_sample_per_unit(world, client, scene):
    review = _draw(client, world, scene["period"])
    rows = scene["rows"]
    flags = _flags(review)
    assert flags[rows["outside"].sequence] >= {Flag.OUTSIDE_UNIT, Flag.NO_PURPOSE, Flag.PROTECTED}
    assert flags[rows["other"].sequence] >= {Flag.OTHER_PURPOSE, Flag.PROTECTED}
    assert Flag.OUTSIDE_UNIT not in flags[rows["other"].sequence]  # a coordinator reads every unit
    assert flags[rows["ended"].sequence] >= {Flag.ROLE_ENDED}
    assert flags[rows["denied"].sequence] == {Flag.REFUSED}
    burst_items = [i for i in review.items.all() if Flag.BURST in i.flags]
    assert [(i.sequence, i.burst_size) for i in burst_items] == [(scene["burst"][0].sequence, 30)]
    # The owner's own read is flagged for nothing (it may be in the sample).
    assert flags.get(rows["own"].sequence, {Flag.SAMPLED}) <= {Flag.SAMPLED}
    # The sample: up to five reads per group (the own unit; readers without a unit that day).
    sampled = [i for i in review.items.all() if Flag.SAMPLED in i.flags]
    by_unit = {}
    for item in sampled:
        by_unit.setdefault(item.unit_id, []).append(item)
    assert {u: len(v) for u, v in by_unit.items()} == {world.own.unit.pk: 2, None: 5}
    assert (review.reads, review.refused) == (34, 1)
    assert all(i.municipality_id == world.own.municipality.pk for i in review.items.all())
    # Drawing is logged; drawing again returns the stored review.
    row = AccessLogEntry.objects.filter(object_type="logreview.review", action=AccessAction.CREATE).get()
    assert row.object_id == str(review.pk) and row.user_id == world.own.users[Role.MANAGER].pk
    assert _draw(client, world, scene["period"]).pk == review.pk


@pytest.mark.django_db
def test_the_sample_is_reproducible(world, scene):
    own = world.own.municipality
    first = drawing.draw(municipality=own, period=scene["period"], sample_size=5)
    second = drawing.draw(municipality=own, period=scene["period"], sample_size=5)
    pick = lambda d: [(i.sequence, tuple(i.flags)) for i in d.items]  # noqa: E731
    assert pick(first) == pick(second)
    assert drawing.seed_for(own, scene["period"], 1) != drawing.seed_for(own, scene["period"], 2)


@pytest.mark.django_db
def test_a_current_period_is_not_drawn_and_others_cannot_draw(world, client, scene):
    manager = world.own.users[Role.MANAGER]
    world.act_as(client, manager)
    url = reverse("logreview:draw", kwargs={"municipality_code": world.own.municipality.code})
    response = client.post(url, {"start": timezone.localdate().isoformat()}, follow=True)
    assert "En period granskas när den är slut." in response.content.decode()
    assert not Review.objects.exists()
    for user in (world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]):
        world.act_as(client, user)
        assert client.post(url, {"start": scene["period"].start.isoformat()}).status_code == 403
    world.act_as(client, world.neighbour.users[Role.MANAGER])
    assert client.post(url, {"start": scene["period"].start.isoformat()}).status_code == 404
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_the_reviewer_marks_each_read_and_signs(world, client, scene):
    review = _draw(client, world, scene["period"])
    url = reverse("logreview:review", kwargs={"pk": review.pk})
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "own-former" in body and world.own.unit.name in body
    read_row = AccessLogEntry.objects.filter(object_type="logreview.review", action=AccessAction.READ).last()
    assert read_row.object_id == str(review.pk)

    sign_url = reverse("logreview:sign", kwargs={"pk": review.pk})
    client.post(sign_url, {"conclusion": ""})
    review.refresh_from_db()
    assert not review.is_signed  # not every read has a verdict yet

    items = list(review.items.all())
    follow = next(i for i in items if Flag.OUTSIDE_UNIT in i.flags)
    # "To be followed up" needs a note.
    client.post(reverse("logreview:item_mark", kwargs={"pk": follow.pk}), {"verdict": "follow_up", "note": ""})
    follow.refresh_from_db()
    assert follow.verdict == ""
    for item in items:
        verdict, note = ("follow_up", "Samtal med handläggaren") if item.pk == follow.pk else ("justified", "")
        mark = reverse("logreview:item_mark", kwargs={"pk": item.pk})
        response = client.post(mark, {"verdict": verdict, "note": note})
        assert response.status_code == 302
    assert ReviewItem.objects.filter(review=review, verdict="").count() == 0
    change = AccessLogEntry.objects.filter(object_type="logreview.reviewitem", action=AccessAction.CHANGE).last()
    assert change.detail.startswith("entry ")

    client.post(sign_url, {"conclusion": "En läsning följs upp."})
    review.refresh_from_db()
    assert review.is_signed and review.signed_by == world.own.users[Role.MANAGER]
    # Signed: verdicts stand.
    client.post(reverse("logreview:item_mark", kwargs={"pk": follow.pk}), {"verdict": "justified", "note": ""})
    follow.refresh_from_db()
    assert follow.verdict == "follow_up"

    summary = client.get(
        reverse("logreview:year", kwargs={"municipality_code": world.own.municipality.code,
                                          "year": review.period_start.year})
    )  # fmt: skip
    assert summary.status_code == 200
    assert "Signerad av" in summary.content.decode()


@pytest.mark.django_db
def test_a_unit_manager_marks_only_their_units_reads(world, client, scene):
    review = _draw(client, world, scene["period"])
    unit_manager = account_factories.staff(
        Role.MANAGER, municipality=world.own.municipality, unit=scene["other_unit"], username="own-unit-manager"
    )
    client.force_login(unit_manager, backend="django.contrib.auth.backends.ModelBackend")
    own_unit_item = review.items.filter(unit=world.own.unit).first()
    response = client.post(reverse("logreview:item_mark", kwargs={"pk": own_unit_item.pk}), {"verdict": "justified"})
    assert response.status_code == 403
    no_unit_item = review.items.filter(unit__isnull=True).first()
    client.post(reverse("logreview:item_mark", kwargs={"pk": no_unit_item.pk}), {"verdict": "justified"})
    no_unit_item.refresh_from_db()
    assert no_unit_item.verdict == "justified"


@pytest.mark.django_db
def test_the_reviews_are_the_municipalitys_managers_alone(world, client, scene):
    review = _draw(client, world, scene["period"])
    url = reverse("logreview:review", kwargs={"pk": review.pk})
    for user in (world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COORDINATOR]):
        world.act_as(client, user)
        assert client.get(url).status_code == 404
    for user in (world.neighbour.users[Role.MANAGER], world.foreign.users[Role.MANAGER],
                 world.own.users[Role.COUNTY_ANALYST], world.administrator):  # fmt: skip
        world.act_as(client, user)
        assert client.get(url).status_code == 404, user.username
        index = reverse("logreview:index", kwargs={"municipality_code": world.own.municipality.code})
        assert client.get(index).status_code in (403, 404), user.username


@pytest.mark.django_db
def test_who_has_read_a_record_and_what_a_person_has_read_are_logged_questions(world, client, scene):
    protected = scene["records"][1]
    manager = world.own.users[Role.MANAGER]
    world.act_as(client, manager)
    code = world.own.municipality.code
    followup_list = log_access(
        action=AccessAction.LIST, object_type="followup.followuprecord", user=world.own.users[Role.COORDINATOR],
        municipality=world.own.municipality, detail=f"page 1: 1,{protected.pk},99999",
    )  # fmt: skip
    response = client.get(
        reverse("logreview:who_read", kwargs={"municipality_code": code}),
        {"typ": "followup.followuprecord", "id": protected.pk},
    )
    assert response.status_code == 200
    entries = [e.sequence for e in response.context["page"]]
    assert set(entries) >= {scene["rows"]["outside"].sequence, scene["rows"]["other"].sequence, followup_list.sequence}
    assert scene["rows"]["own"].sequence not in entries
    asked = AccessLogEntry.objects.order_by("-sequence").first()
    assert (asked.action, asked.object_type, asked.user_id, asked.detail) == (
        AccessAction.LIST,
        "core.accesslogentry",
        manager.pk,
        f"who read followup.followuprecord {protected.pk}",
    )

    former = scene["former"]
    response = client.get(reverse("logreview:what_read", kwargs={"municipality_code": code}), {"person": former.pk})
    assert [e.sequence for e in response.context["page"]] == [scene["rows"]["ended"].sequence]
    asked = AccessLogEntry.objects.order_by("-sequence").first()
    assert (asked.object_type, asked.detail) == ("core.accesslogentry", "what read own-former")
    # A person of another municipality is nobody here: nothing is shown, the question is logged.
    stranger = world.neighbour.users[Role.COORDINATOR]
    response = client.get(reverse("logreview:what_read", kwargs={"municipality_code": code}), {"person": stranger.pk})
    assert list(response.context["page"]) == []  # they wrote nothing in this municipality
    assert AccessLogEntry.objects.order_by("-sequence").first().detail == f"what read #{stranger.pk}"
    # The neighbour's manager cannot ask about the own municipality.
    world.act_as(client, world.neighbour.users[Role.MANAGER])
    assert client.get(reverse("logreview:who_read", kwargs={"municipality_code": code}),
                      {"id": protected.pk}).status_code == 404  # fmt: skip


@pytest.mark.django_db
def test_the_plan_is_the_managers_and_the_routine_is_shown_to_staff(world, client):
    code = world.own.municipality.code
    plan_url = reverse("logreview:plan", kwargs={"municipality_code": code})
    routine_url = reverse("logreview:routine", kwargs={"municipality_code": code})
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    assert client.get(plan_url).status_code == 403
    response = client.get(routine_url)
    assert response.status_code == 200 and "loggas" in response.content.decode()
    start = client.get(reverse("core:start")).content.decode()
    assert "Dina läsningar loggas och granskas" in start and routine_url in start
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.post(
        plan_url, {"frequency_months": 3, "sample_size": 8, "routine": "Våra läsningar granskas varje kvartal."}
    )
    assert response.status_code == 302
    plan = ReviewPlan.objects.get(municipality=world.own.municipality)
    assert (plan.frequency_months, plan.sample_size) == (3, 8)
    world.act_as(client, world.own.users[Role.SOCIAL_WORKER])
    assert "varje kvartal" in client.get(routine_url).content.decode()
    world.act_as(client, world.administrator)
    assert client.get(plan_url).status_code == 200
    world.act_as(client, world.neighbour.users[Role.MANAGER])
    assert client.get(plan_url).status_code == 404
    assert client.get(routine_url).status_code == 404


@pytest.mark.django_db
def test_reminders_when_a_review_is_due_and_overdue(world, client, scene):
    manager = world.own.users[Role.MANAGER]
    period = scene["period"]
    reminders.run(period.end + datetime.timedelta(days=3), send=False)
    assert not Reminder.objects.filter(user=manager, kind__startswith="log_review").exists()  # no plan adopted
    ReviewPlan.objects.create(municipality=world.own.municipality, routine="Rutin", updated_by=manager)
    reminders.run(period.end + datetime.timedelta(days=3), send=False)
    due = Reminder.objects.get(user=manager, resolved_on__isnull=True, kind__startswith="log_review")
    assert due.kind == "log_review_due" and due.due_on == period.due_on
    assert due.url == reverse("logreview:index", kwargs={"municipality_code": world.own.municipality.code})
    reminders.run(period.due_on + datetime.timedelta(days=1), send=False)
    due.refresh_from_db()
    assert due.kind == "log_review_overdue"
    assert not Reminder.objects.filter(user=world.own.users[Role.SOCIAL_WORKER], kind__startswith="log").exists()
    review = _draw(client, world, period)
    ReviewItem.objects.filter(review=review).update(verdict="justified")
    Review.objects.filter(pk=review.pk).update(signed_at=timezone.now(), signed_by=manager)
    reminders.run(period.due_on + datetime.timedelta(days=2), send=False)
    due.refresh_from_db()
    assert due.resolved_on is not None
