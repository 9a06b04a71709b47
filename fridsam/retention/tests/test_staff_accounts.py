"""Staff accounts after they leave (issue 18 §1 and §3, ADR 0040): due when every role ended the
retention period ago, previewed, signed off and culled like every kind; culling replaces the name by
a stable pseudonym everywhere it is kept — the access log too, which still verifies — and leaves a
tombstone the records point at. Through the pages and the real services, on SQLite and PostgreSQL."""

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership, User
from fridsam.accounts.services import membership_grant
from fridsam.accounts.tests import factories as account_factories
from fridsam.competence.models import OnboardingItem
from fridsam.core.audit import log_access, verify_chain
from fridsam.core.models import AccessAction, AccessLogEntry, Reminder, StaffSession
from fridsam.core.roles import Role
from fridsam.followup import services as followup_services
from fridsam.followup.models import Consultation, ConsultationReply, FollowUpRecord
from fridsam.followup.tests.conftest import fields
from fridsam.logreview import drawing
from fridsam.logreview import services as logreview_services
from fridsam.logreview.models import ReviewItem
from fridsam.retention import pseudonyms, services
from fridsam.retention.models import Action, CullingRun, Departure, Hold, Kind, RunStatus
from fridsam.tasks.models import Task

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2020, 6, 30)  # more than the five years of the default rule before any month now


def _leaver(world, username="kim.ek", first="Kim", last="Ek"):
    own = world.own
    user = account_factories.staff(
        Role.SOCIAL_WORKER,
        municipality=own.municipality,
        unit=own.unit,
        username=username,
        first_name=first,
        last_name=last,
    )
    Membership.objects.filter(user=user).update(valid_from=datetime.date(2018, 1, 1))
    return user


def _time_passes(user, until=LONG_AGO):
    """The leaver's last day was long ago (as if years had passed since the hand-over)."""
    Membership.objects.filter(user=user, valid_from__gt=until).update(valid_from=datetime.date(2018, 1, 1))
    Membership.objects.filter(user=user).update(valid_until=until)


def _preview(client, world, tenant=None):
    tenant = tenant or world.own
    world.act_as(client, tenant.users[Role.ARCHIVIST])
    response = client.post(reverse("retention:preview", kwargs={"municipality_code": tenant.municipality.code}))
    assert response.status_code == 302
    return CullingRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_an_account_is_due_when_every_role_ended_the_period_ago(world):
    own, neighbour = world.own, world.neighbour
    leaver = _leaver(world)
    month = timezone.localdate().replace(day=1)

    def due(municipality):
        run = services.preview(municipality=municipality, month=month)
        return sum(line.due for line in run.lines.filter(kind=Kind.STAFF_ACCOUNT))

    assert due(own.municipality) == 0  # still working
    _time_passes(leaver, until=timezone.localdate() - datetime.timedelta(days=400))
    assert due(own.municipality) == 0  # left, but not five years ago
    _time_passes(leaver)
    # A role elsewhere that has not ended keeps the account.
    membership_grant(user=leaver, role=Role.SOCIAL_WORKER, municipality=neighbour.municipality)
    Membership.objects.filter(user=leaver, municipality=neighbour.municipality).update(
        valid_from=datetime.date(2019, 1, 1)
    )
    assert due(own.municipality) == 0 and due(neighbour.municipality) == 0
    # When that one ended last, the account is the neighbour's to cull.
    Membership.objects.filter(user=leaver, municipality=neighbour.municipality).update(
        valid_until=LONG_AGO + datetime.timedelta(days=30)
    )
    assert (due(own.municipality), due(neighbour.municipality)) == (0, 1)
    # A county analyst's account (no municipality) is the installation's run.
    analyst = account_factories.staff(Role.COUNTY_ANALYST, county=own.municipality.county)
    _time_passes(analyst)
    installation = services.preview(municipality=None, month=month)
    assert installation.lines.get(kind=Kind.STAFF_ACCOUNT).due == 1


def test_a_hold_keeps_the_account_and_its_name(world, client):
    leaver = _leaver(world)
    _time_passes(leaver)
    # The archivist finds the person and the account's number among the staff who have left.
    world.act_as(client, world.own.users[Role.ARCHIVIST])
    code = world.own.municipality.code
    page = client.get(reverse("retention:overview", kwargs={"municipality_code": code})).content.decode()
    assert "Personal som har slutat" in page
    row = page[page.index("Kim Ek") :].split("</tr>")[0]
    assert f">{leaver.pk}<" in row and "2020-06-30" in row and ">2025-07<" in row  # five years on, then the month after
    services.hold_place(
        municipality=world.own.municipality,
        kind=Kind.STAFF_ACCOUNT,
        object_id=leaver.pk,
        reason="complaint",
        note="",
        acting_user=world.own.users[Role.ARCHIVIST],
    )
    run = _preview(client, world)
    line = run.lines.get(kind=Kind.STAFF_ACCOUNT)
    assert (line.due, line.held) == (0, 1)
    # A hold on the municipality's whole access log holds its leavers too: their reads stay named.
    Hold.objects.update(kind=Kind.ACCESS_LOG, object_id=None)
    run = services.preview(municipality=world.own.municipality, month=timezone.localdate())
    assert (run.lines.get(kind=Kind.STAFF_ACCOUNT).due, run.lines.get(kind=Kind.STAFF_ACCOUNT).held) == (0, 1)
    client.post(reverse("retention:run_sign", kwargs={"pk": run.pk}))
    leaver.refresh_from_db()
    assert leaver.username == "kim.ek" and leaver.pseudonymised_on is None
    page = client.get(reverse("retention:overview", kwargs={"municipality_code": code})).content.decode()
    assert "Spärrat från gallring" in page[page.index("Kim Ek") :].split("</tr>")[0]


def test_the_staff_account_rule_is_cull_only(world):
    with pytest.raises(ValidationError):
        services.rule_save(
            municipality=world.own.municipality,
            kind=Kind.STAFF_ACCOUNT,
            clock="membership_ended",
            months=24,
            action=Action.ARCHIVE,
            basis="",
            acting_user=world.own.users[Role.ARCHIVIST],
        )
    rule = services.rule_save(
        municipality=world.own.municipality,
        kind=Kind.STAFF_ACCOUNT,
        clock="membership_ended",
        months=84,
        action=Action.CULL,
        basis="Informationshanteringsplanen 4.2",
        acting_user=world.own.users[Role.ARCHIVIST],
    )
    assert services.effective_rules(world.own.municipality)[Kind.STAFF_ACCOUNT].months == rule.months == 84


def test_the_pseudonym_is_stable_unique_and_in_the_installations_language(world):
    first, second = _leaver(world), _leaver(world, username="lo.berg", first="Lo", last="Berg")
    assert pseudonyms.pseudonym_for(first) == pseudonyms.pseudonym_for(first)
    assert pseudonyms.pseudonym_for(first) != pseudonyms.pseudonym_for(second)
    assert pseudonyms.pseudonym_for(first).startswith("Tidigare medarbetare ")
    # Another account already bearing those characters: the pseudonym grows rather than repeats.
    taken = pseudonyms.pseudonym_for(first)
    User.objects.filter(pk=second.pk).update(username=taken)
    assert pseudonyms.pseudonym_for(first).startswith(taken) and pseudonyms.pseudonym_for(first) != taken


@pytest.fixture
def leaver_everywhere(world, client):
    """A social worker of the own municipality whose name is kept in every place Fridsam keeps one,
    who then leaves through the hand-over page; years later their account is due."""
    own = world.own
    leaver = _leaver(world)
    coordinator, manager = own.users[Role.COORDINATOR], own.users[Role.MANAGER]
    Membership.objects.filter(user__in=[coordinator, manager]).update(valid_from=datetime.date(2018, 1, 1))
    record = followup_services.record_create(
        owner=leaver,
        municipality=own.municipality,
        unit=own.unit,
        reference="IFO-2025-0042",
        fields=fields(opened_on=datetime.date(2025, 3, 2), note="Överlämnat från Kim Ek i mars"),
    )
    record = followup_services.record_close(
        record=record, closed_on=datetime.date(2025, 9, 1), reason="goals_met", outcome="ended", client_view="",
        user=leaver,
    )  # fmt: skip
    consultation = followup_services.consultation_ask(
        asked_by=coordinator,
        municipality=own.municipality,
        unit=own.unit,
        question="Kim Ek har följt familjen tidigare, hur bedömer vi risken?",
        topic="risk",
        urgency="week",
    )
    reply = followup_services.consultation_reply(
        consultation=consultation, author=manager, text="Fråga KIM  EK, och Kim Eklund som har ärendet nu."
    )
    # Reads last month, drawn into the month's log review; the reviewer notes the leaver by name.
    period = drawing.last_ended_period(timezone.localdate(), 1)
    at = timezone.make_aware(datetime.datetime.combine(period.start + datetime.timedelta(days=3), datetime.time(10)))
    read = log_access(
        action=AccessAction.READ, object_type=record, user=leaver, municipality=own.municipality, occurred_at=at
    )
    review = logreview_services.review_draw(municipality=own.municipality, period=period, user=manager)
    item = ReviewItem.objects.get(review=review, sequence=read.sequence)
    logreview_services.item_mark(item=item, verdict="justified", note="Kim Ek hade ärendet.", user=manager)
    # Someone tries the account's password; a manager asks what the person has read.
    client.post(reverse("account_login"), {"login": "kim.ek", "password": "fel lösenord"})
    world.act_as(client, manager)
    code = own.municipality.code
    client.get(reverse("logreview:what_read", kwargs={"municipality_code": code}), {"person": leaver.pk})
    # The leaver signed a culling protocol once, as the archivist did then.
    protocol = services.sign_off(
        run=services.preview(municipality=own.municipality, month=datetime.date(2024, 1, 1)), acting_user=leaver
    )
    # What the account has of its own, and what others keep of it.
    EmailAddress.objects.create(user=leaver, email="kim.ek@kommun.example", primary=True, verified=True)
    SocialAccount.objects.create(user=leaver, provider="astad", uid="kim.ek@astad", extra_data={"name": "Kim Ek"})
    task = Task.system_objects.create(kind="command", label="Export", requested_by=leaver)
    task.result_file.save("export.csv", ContentFile(b"Kim Ek"), save=True)
    membership = Membership.objects.get(user=leaver)
    onboarding = OnboardingItem.objects.create(
        membership=membership, municipality=own.municipality, title="Grundutbildning", responsible="manager",
        due_on=datetime.date(2018, 3, 1),
    )  # fmt: skip
    reminder = Reminder.objects.create(
        user=manager, key=f"onboarding:{onboarding.pk}", kind="onboarding_step_for", due_on=datetime.date(2018, 3, 1),
        first_seen_on=datetime.date(2018, 2, 1), last_seen_on=datetime.date(2018, 2, 1),
        params={"step": "Grundutbildning", "person": "Kim Ek"},
    )  # fmt: skip
    Reminder.objects.create(
        user=leaver, key="training:1:1", kind="training", due_on=datetime.date(2018, 3, 1),
        first_seen_on=datetime.date(2018, 2, 1), last_seen_on=datetime.date(2018, 2, 1),
    )  # fmt: skip
    history = LogEntry.objects.create(
        user=world.administrator, content_type=ContentType.objects.get_for_model(User), object_id=str(leaver.pk),
        object_repr=str(leaver), action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    # The manager hands the work over; years pass.
    response = client.post(
        reverse("retention:staff_leave", kwargs={"municipality_code": code, "user_pk": leaver.pk}),
        {"successor": coordinator.pk, "on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert response.redirect_chain and "Arbetet för Kim Ek" in response.content.decode()
    assert Departure.objects.get(user=leaver).successor == coordinator
    assert FollowUpRecord.objects.get(pk=record.pk).owner == leaver  # closed: it stayed theirs
    _time_passes(leaver)
    return {
        "leaver": leaver,
        "record": record,
        "consultation": consultation,
        "reply": reply,
        "item": item,
        "protocol": protocol,
        "task": task,
        "reminder": reminder,
        "history": history,
        "coordinator": coordinator,
        "read": read,
    }


def test_culling_a_leaver_replaces_the_name_everywhere_and_leaves_a_tombstone(
    world, client, leaver_everywhere, django_capture_on_commit_callbacks
):
    scene = leaver_everywhere
    leaver = scene["leaver"]
    named = AccessLogEntry.objects.filter(user=leaver).count()
    assert (
        named
        and AccessLogEntry.objects.filter(detail__in=["attempted username: kim.ek", "what read kim.ek"]).count() == 2
    )

    run = _preview(client, world)
    line = run.lines.get(kind=Kind.STAFF_ACCOUNT)
    assert (line.due, line.held, line.months, line.clock) == (1, 0, 60, "membership_ended")
    page = client.get(reverse("retention:run", kwargs={"pk": run.pk})).content.decode()
    assert "Personalkonton efter att personen slutat" in page and "1 personalkonto" in page
    assert "Kim Ek" not in page  # counts, never who
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("retention:run_sign", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CULLED and run.lines.get(kind=Kind.STAFF_ACCOUNT).culled == 1
    assert "Gallrat: 1 personalkonto" in client.get(reverse("retention:run", kwargs={"pk": run.pk})).content.decode()

    # The tombstone: the pseudonym, nothing else of the person, never to log in again.
    tombstone = User.objects.get(pk=leaver.pk)
    pseudonym = tombstone.username
    assert pseudonym.startswith("Tidigare medarbetare ") and str(tombstone) == pseudonym
    assert (tombstone.first_name, tombstone.last_name, tombstone.email, tombstone.phone) == ("", "", "", "")
    assert not tombstone.has_usable_password() and not tombstone.is_active
    assert tombstone.pseudonymised_on == timezone.localdate()
    for model in (EmailAddress, SocialAccount, Authenticator):
        assert not model.objects.filter(user=tombstone).exists()
    assert not StaffSession.objects.filter(user_id=tombstone.pk).exists()
    assert not Reminder.objects.filter(user=tombstone).exists()
    assert not Task.system_objects.filter(pk=scene["task"].pk).exists()
    assert not scene["task"].result_file.storage.exists(scene["task"].result_file.name)

    # The access log: the name replaced in every entry, every hash as it was, the chain intact.
    assert not AccessLogEntry.objects.filter(username="kim.ek").exists()
    assert not AccessLogEntry.objects.filter(detail__icontains="kim.ek").exists()
    assert AccessLogEntry.objects.filter(user=tombstone, username=pseudonym).count() == named
    assert AccessLogEntry.objects.get(pk=scene["read"].pk).entry_hash == scene["read"].entry_hash
    assert AccessLogEntry.objects.filter(detail=f"what read {pseudonym}").count() == 1
    assert AccessLogEntry.objects.filter(detail=f"attempted username: {pseudonym}").count() == 1
    report = verify_chain()
    assert report.ok and report.sealed == named + 2
    out = io.StringIO()
    call_command("verify_access_log", "--no-anchors", stdout=out)
    assert "with a former staff member's name pseudonymised" in out.getvalue()
    removal = AccessLogEntry.objects.filter(object_type="accounts.user", object_id=str(tombstone.pk)).latest("sequence")
    assert removal.action == AccessAction.DELETE and pseudonym in removal.detail

    # Every copy of the name: the review, the protocol, other people's reminders, the admin's history,
    # the free text colleagues wrote (the full name as a phrase, whatever its case; not a longer name).
    item = ReviewItem.objects.get(pk=scene["item"].pk)
    assert (item.username, item.reader_id, item.note) == (pseudonym, tombstone.pk, f"{pseudonym} hade ärendet.")
    assert CullingRun.objects.get(pk=scene["protocol"].pk).signed_by_name == pseudonym
    assert Reminder.objects.get(pk=scene["reminder"].pk).params["person"] == pseudonym
    assert LogEntry.objects.get(pk=scene["history"].pk).object_repr == pseudonym
    consultation = Consultation.objects.get(pk=scene["consultation"].pk)
    assert consultation.question == f"{pseudonym} har följt familjen tidigare, hur bedömer vi risken?"
    reply = ConsultationReply.objects.get(pk=scene["reply"].pk)
    assert reply.text == f"Fråga {pseudonym}, och Kim Eklund som har ärendet nu."
    record = FollowUpRecord.objects.get(pk=scene["record"].pk)
    assert record.note == f"Överlämnat från {pseudonym} i mars"
    assert record.updated_at == scene["record"].updated_at  # the record's clock did not move

    # The records still theirs go to who took over; the log review still groups their reads.
    assert record.owner == scene["coordinator"]
    world.act_as(client, world.own.users[Role.MANAGER])
    response = client.get(
        reverse("logreview:what_read", kwargs={"municipality_code": world.own.municipality.code}),
        {"person": tombstone.pk},
    )
    assert scene["read"].sequence in [e.sequence for e in response.context["page"]]
    # Nobody logs in as the person again (an attempt with the old username is logged as typed).
    assert not client.login(username="kim.ek", password=account_factories.PASSWORD)
    # Removed once: next month it is not due again.
    next_month = services.preview(municipality=world.own.municipality, month=datetime.date(2099, 1, 1))
    assert not next_month.lines.filter(kind=Kind.STAFF_ACCOUNT).exists()


def test_an_entry_that_does_not_verify_keeps_the_account_named(world, client, drop_triggers):
    leaver = _leaver(world)
    entry = log_access(action=AccessAction.READ, object_type="followup.followuprecord", object_id=1, user=leaver,
                       municipality=world.own.municipality)  # fmt: skip
    _time_passes(leaver)
    with drop_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_accesslogentry SET object_id = '2' WHERE sequence = %s", [entry.sequence])
    run = _preview(client, world)
    response = client.post(reverse("retention:run_sign", kwargs={"pk": run.pk}), follow=True)
    assert "åtkomstloggen" in response.content.decode().lower()  # the problem is said on the page
    run.refresh_from_db()
    assert run.status == RunStatus.SIGNED  # the next job tries again
    leaver.refresh_from_db()
    assert leaver.username == "kim.ek" and leaver.pseudonymised_on is None
    problems = []
    services.run_monthly(problems=problems)
    assert any(f"användare {leaver.pk}" in p and "åtkomstloggen" in p for p in problems)
