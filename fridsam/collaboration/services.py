"""Writes of collaboration: groups (never without a purpose and a goal), meetings with attendance,
minutes, decisions and action items, action items done, and the yearly follow-up of goals; and the
read service of the referrals, which writes the listing to the access log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership
from fridsam.collaboration import tallies
from fridsam.collaboration.models import (
    ActionItem,
    Agreement,
    Attendance,
    CollaborationGroup,
    Decision,
    Goal,
    GoalReview,
    GroupKind,
    Meeting,
    Member,
    PreventionAgreement,
    Referral,
    ReferralCategory,
)
from fridsam.collaboration.policies import referral_policy
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.validators import contains_personal_identity_number, validate_planned_date

PURPOSE_MIN_LENGTH = 20


def _log(action, obj, user, group, detail=""):
    log_access(
        action=action,
        object_type=obj,
        user=user,
        municipality=group.municipality,
        county=group.county if group.municipality is None else None,
        detail=detail,
    )


def candidates(*, county, municipality=None, day=None):
    """Who can be a member: staff of the municipality (regional: of the county, with the county
    analysts) and the county's partner contacts, each with the organisation they would represent."""
    day = day or timezone.localdate()
    memberships = (
        Membership.objects.active(day)
        .filter(county=county)
        .select_related("user", "municipality", "partner_organisation")
    )
    if municipality is not None:
        memberships = memberships.filter(municipality=municipality, role__in=MUNICIPAL_ROLES) | memberships.filter(
            role=Role.PARTNER
        )
    else:
        memberships = memberships.filter(role__in=[*MUNICIPAL_ROLES, Role.PARTNER, Role.COUNTY_ANALYST])
    seen, result = set(), []
    for m in memberships.order_by("user__last_name", "user__first_name", "role"):
        if m.user_id in seen or not m.user.is_active:
            continue
        seen.add(m.user_id)
        result.append(m)
    return result


def _organisations(*, county, municipality) -> dict[int, tuple]:
    """User id → (municipality, partner organisation, county board) each candidate would represent."""
    result = {}
    for m in candidates(county=county, municipality=municipality):
        if m.role == Role.PARTNER:
            result[m.user_id] = (None, m.partner_organisation, None)
        elif m.role == Role.COUNTY_ANALYST:
            result[m.user_id] = (None, None, m.county)
        else:
            result[m.user_id] = (m.municipality, None, None)
    return result


def group_create(*, county, kind, municipality, name, purpose, goals, chair, members, user) -> CollaborationGroup:
    errors: dict[str, list] = {}
    purpose = (purpose or "").strip()
    goals = [g.strip() for g in goals if g and g.strip()]
    if len(purpose) < PURPOSE_MIN_LENGTH:
        errors["purpose"] = [
            _("Write the group's purpose: why it meets and what it should achieve (at least %(n)s characters).")
            % {"n": PURPOSE_MIN_LENGTH}
        ]
    if not goals:
        errors["goals"] = [_("Give the group at least one goal, so that it can be followed up.")]
    if any(contains_personal_identity_number(g) for g in goals):
        errors["goals"] = [_("Do not write personal identity numbers in Fridsam.")]
    if (kind == GroupKind.REGIONAL) != (municipality is None):
        errors["municipality"] = [_("A regional group belongs to the county; other groups to a municipality.")]
    if municipality is not None and municipality.county_id != county.pk:
        errors["municipality"] = [_("Choose a municipality of the county.")]
    people = {u.pk: u for u in [*members, chair] if u is not None}
    eligible = _organisations(county=county, municipality=municipality)
    organisations = {}
    for pk, person in people.items():
        org = eligible.get(pk)
        if org is None:
            errors.setdefault("members", []).append(
                _("%(name)s is not staff of the municipality or a partner contact in the county.")
                % {"name": person.get_full_name() or person.username}
            )
        organisations[pk] = org
    group = CollaborationGroup(
        county=county, kind=kind, municipality=municipality, name=(name or "").strip(), purpose=purpose,
        chair=chair, created_by=user,
    )  # fmt: skip
    try:
        group.full_clean(exclude=["county", "municipality", "chair", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        group.save()
        Goal.objects.bulk_create(Goal(group=group, text=text[:300], order=i) for i, text in enumerate(goals))
        Member.objects.bulk_create(
            Member(
                group=group,
                user=people[pk],
                municipality=organisations[pk][0],
                partner_organisation=organisations[pk][1],
                county=organisations[pk][2],
            )
            for pk in people
        )
        _log(AccessAction.CREATE, group, user, group)
    return group


@dataclass
class ActionInput:
    text: str
    owner: object
    due_on: datetime.date


def meeting_record(*, group, held_on, agenda, minutes, present_member_ids, decisions, actions, user) -> Meeting:
    """A meeting with its attendance (every active member, present or not), minutes, decisions and
    action items; an action item's owner is a member of the group."""
    errors: dict[str, list] = {}
    members = list(group.members.filter(active=True).select_related("user"))
    member_ids = {m.pk for m in members}
    if set(present_member_ids) - member_ids:
        errors["present"] = [_("Only members of the group can be marked present.")]
    owners = {m.user_id for m in members}
    for i, action in enumerate(actions):
        if action.owner is None or action.owner.pk not in owners:
            errors.setdefault("actions", []).append(
                _("Action %(n)s: the owner must be a member of the group.") % {"n": i + 1}
            )
        if action.due_on is None:
            errors.setdefault("actions", []).append(_("Action %(n)s: give a due date.") % {"n": i + 1})
        elif held_on and action.due_on < held_on:
            errors.setdefault("actions", []).append(
                _("Action %(n)s: an action is due on the meeting's date or later.") % {"n": i + 1}
            )
        elif message := validate_planned_date.message(action.due_on):
            errors.setdefault("actions", []).append(_("Action %(n)s: %(problem)s") % {"n": i + 1, "problem": message})
        if contains_personal_identity_number(action.text):
            errors.setdefault("actions", []).append(_("Do not write personal identity numbers in Fridsam."))
    if any(contains_personal_identity_number(d) for d in decisions):
        errors["decisions"] = [_("Do not write personal identity numbers in Fridsam.")]
    meeting = Meeting(
        group=group, held_on=held_on, agenda=(agenda or "").strip(), minutes=(minutes or "").strip(), recorded_by=user
    )
    try:
        meeting.full_clean(exclude=["group", "recorded_by"])
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting.save()
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=m, present=m.pk in set(present_member_ids)) for m in members
        )
        Decision.objects.bulk_create(Decision(meeting=meeting, text=d.strip()[:500]) for d in decisions if d.strip())
        ActionItem.objects.bulk_create(
            ActionItem(meeting=meeting, text=a.text.strip()[:300], owner=a.owner, due_on=a.due_on) for a in actions
        )
        _log(AccessAction.CREATE, meeting, user, group)
    return meeting


def action_done(*, item: ActionItem, user) -> ActionItem:
    group = item.meeting.group
    if item.done_on:
        raise ValidationError(_("The action is already done."))
    with transaction.atomic():
        item.done_on = timezone.localdate()
        item.save(update_fields=["done_on"])
        _log(AccessAction.CHANGE, item, user, group, detail="done")
    return item


def goal_review(*, goal: Goal, year: int, result: str, comment: str, user) -> GoalReview:
    review = GoalReview(goal=goal, year=year, result=result, comment=(comment or "").strip(), reviewed_by=user)
    review.full_clean(exclude=["goal", "reviewed_by"], validate_unique=False, validate_constraints=False)
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A goal is followed up for a year that has begun.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                review, _created = GoalReview.objects.update_or_create(
                    goal=goal, year=year, defaults={"result": result, "comment": review.comment, "reviewed_by": user}
                )
        except IntegrityError as exc:  # pragma: no cover - update_or_create races
            raise ValidationError(_("Try again.")) from exc
        _log(AccessAction.CHANGE, review, user, goal.group)
    return review


# --- Agreements, referrals, prevention ---------------------------------------------------------

AGREEMENT_FIELDS = (
    "party", "partner_organisation", "title", "approved_by", "approved_on", "valid_until", "last_followed_up",
    "paid", "note",
)  # fmt: skip


def agreement_save(*, municipality, data: dict, user, agreement=None):
    creating = agreement is None
    agreement = agreement or Agreement(municipality=municipality, registered_by=user)
    for name in AGREEMENT_FIELDS:
        if name in data:
            setattr(agreement, name, data[name].strip() if isinstance(data[name], str) else data[name])
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if agreement.partner_organisation_id and agreement.partner_organisation.county_id != municipality.county_id:
        errors["partner_organisation"] = [_("Choose a partner organisation of the county.")]
    if agreement.approved_on and agreement.approved_on > today:
        errors["approved_on"] = [_("Register the agreement when management has approved it.")]
    if agreement.last_followed_up and (
        agreement.last_followed_up > today
        or (agreement.approved_on and agreement.last_followed_up < agreement.approved_on)
    ):
        errors["last_followed_up"] = [_("A follow-up lies between the approval and today.")]
    if agreement.valid_until and agreement.approved_on and agreement.valid_until < agreement.approved_on:
        errors["valid_until"] = [_("An agreement cannot end before it was approved.")]
    try:
        agreement.full_clean(
            exclude=["municipality", "registered_by", "partner_organisation"], validate_constraints=False
        )
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement.save()
        tallies.refresh_agreements(municipality.pk)
        log_access(
            action=AccessAction.CREATE if creating else AccessAction.CHANGE,
            object_type=agreement, user=user, municipality=municipality,
        )  # fmt: skip
    return agreement


def agreement_follow_up(*, agreement, on: datetime.date, user):
    if on is None or on > timezone.localdate() or on < agreement.approved_on:
        raise ValidationError({"on": _("A follow-up lies between the approval and today.")})
    with transaction.atomic():
        agreement.last_followed_up = on
        agreement.save(update_fields=["last_followed_up"])
        tallies.refresh_agreements(agreement.municipality_id)
        log_access(
            action=AccessAction.CHANGE, object_type=agreement, user=user,
            municipality=agreement.municipality, detail="followed up",
        )  # fmt: skip
    return agreement


def referral_create(*, municipality, unit, partner, category, referred_on, user, record=None):
    errors: dict[str, list] = {}
    if unit is None or unit.municipality_id != municipality.pk:
        errors["unit"] = [_("Choose a unit of the municipality.")]
    if partner is None or partner.county_id != municipality.county_id:
        errors["partner_organisation"] = [_("Choose a partner organisation of the county.")]
    if referred_on is None or referred_on > timezone.localdate():
        errors["referred_on"] = [_("Register a referral when it has been made.")]
    if record is not None and record.municipality_id != municipality.pk:
        errors["record"] = [_("The follow-up record belongs to another municipality.")]
    referral = Referral(
        municipality=municipality, unit=unit, partner_organisation=partner, category=category,
        referred_on=referred_on, record=record, referred_by=user,
    )  # fmt: skip
    try:
        referral.full_clean(
            exclude=["municipality", "unit", "partner_organisation", "record", "referred_by", "referred_on"]
        )
    except ValidationError as exc:
        for key, value in exc.error_dict.items():
            errors.setdefault(key, []).extend(value)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        referral.save()
        tallies.refresh_referrals(municipality.pk, [referral.referred_on.year])
        log_access(action=AccessAction.CREATE, object_type=referral, user=user, municipality=municipality)
    return referral


def referral_receive(*, referral, user):
    if referral.received_on:
        raise ValidationError(_("The referral is already marked as received."))
    with transaction.atomic():
        referral.received_on, referral.received_by = timezone.localdate(), user
        referral.save(update_fields=["received_on", "received_by"])
        log_access(
            action=AccessAction.CHANGE, object_type=referral, user=user,
            municipality=referral.municipality, detail="received",
        )  # fmt: skip
    return referral


def referral_overview_read(*, tenancy, limit: int = 500):
    """The latest referrals the user may see and the counts per municipality, year and kind.

    Referrals are case-level (ADR 0021): the listing is logged, one row per municipality whose
    referrals are shown, so that each municipality's log review sees who listed them."""
    referrals = list(
        referral_policy.visible(tenancy).select_related("unit", "partner_organisation", "municipality")[:limit]
    )
    labels = dict(ReferralCategory.choices)
    counts = [
        {**c, "category": labels[c["category"]]}
        for c in referral_policy.visible(tenancy)
        .annotate(year=ExtractYear("referred_on"))
        .values("municipality__name", "year", "category")
        .annotate(n=Count("id"))
        .order_by("municipality__name", "-year", "category")
    ]
    shown: dict = {}
    for referral in referrals:
        shown.setdefault(referral.municipality, []).append(referral)
    if not shown:  # an empty list is a listing too: in the user's own municipality if they have one
        own = {m.municipality for m in tenancy.memberships if m.municipality_id}
        shown = {own.pop() if len(own) == 1 else None: []}
    for municipality, rows in shown.items():
        log_access(
            action=AccessAction.LIST,
            object_type="collaboration.referral",
            user=tenancy.user,
            municipality=municipality,
            detail=",".join(str(r.pk) for r in rows),
        )
    return referrals, counts


PREVENTION_FIELDS = ("programme", "organisation", "since", "status", "note")


def prevention_save(*, municipality, data: dict, user, item=None):
    creating = item is None
    item = item or PreventionAgreement(municipality=municipality, registered_by=user)
    for name in PREVENTION_FIELDS:
        if name in data:
            setattr(item, name, data[name].strip() if isinstance(data[name], str) else data[name])
    item.full_clean(exclude=["municipality", "registered_by"])
    with transaction.atomic():
        item.save()
        log_access(
            action=AccessAction.CREATE if creating else AccessAction.CHANGE,
            object_type=item, user=user, municipality=municipality,
        )  # fmt: skip
    return item
