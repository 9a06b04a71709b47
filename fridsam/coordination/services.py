"""Writes about the coordinator function and the violence team: atomic, validated, audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fridsam.accounts.models import Membership
from fridsam.accounts.services import membership_grant
from fridsam.coordination.models import (
    Absence,
    CombinedDuties,
    CoordinatorPost,
    PlacementLevel,
    PostAssignment,
    RoleDescription,
    Team,
    TeamMember,
)
from fridsam.core.audit import log_access
from fridsam.core.models import AccessAction
from fridsam.core.roles import Role
from fridsam.core.tenancy import unscoped

POST_FIELDS = (
    "start_date",
    "end_date",
    "placement_level",
    "placement_unit",
    "combined_duties",
    "combined_duties_percent",
    "consultation_support",
    "deputy",
)


@dataclass(frozen=True)
class Assignment:
    municipality: object
    share_percent: int
    management_group_seat: bool = False


def _check_post(post: CoordinatorPost, assignments: list[Assignment]) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if post.end_date and post.end_date < post.start_date:
        add("end_date", _("The post cannot end before it starts."))
    if post.deputy_id and post.deputy_id == post.coordinator_id:
        add("deputy", _("The deputy cannot be the coordinator themselves."))
    if post.placement_level == PlacementLevel.UNIT and post.placement_unit_id is None:
        add("placement_unit", _("Choose the unit where the coordinator is placed."))
    if post.placement_level != PlacementLevel.UNIT and post.placement_unit_id is not None:
        add("placement_unit", _("A unit is given only when the coordinator is placed at a unit."))
    if post.placement_unit_id and post.placement_unit.municipality_id not in {a.municipality.pk for a in assignments}:
        add("placement_unit", _("The unit must belong to a municipality the post serves."))
    if post.combined_duties == CombinedDuties.NONE and post.combined_duties_percent:
        add("combined_duties_percent", _("Give a share only when the post is combined with other duties."))
    if post.combined_duties != CombinedDuties.NONE and not post.combined_duties_percent:
        add("combined_duties_percent", _("Give the share of the post that goes to the combined duties."))
    if not assignments:
        add("__all__", _("A post serves at least one municipality."))
    if len({a.municipality.pk for a in assignments}) != len(assignments):
        add("__all__", _("A municipality can be served only once by the same post."))

    total = sum(a.share_percent for a in assignments) + (post.combined_duties_percent or 0)
    # Other posts of the same person that overlap this one in time count too.
    overlapping = (
        PostAssignment.objects.filter(post__coordinator_id=post.coordinator_id)
        .exclude(post_id=post.pk)
        .filter(Q(post__end_date__isnull=True) | Q(post__end_date__gte=post.start_date))
    )
    if post.end_date:
        overlapping = overlapping.filter(post__start_date__lte=post.end_date)
    with unscoped():  # a person's working time is one whole, whichever municipality is editing
        total += sum(overlapping.values_list("share_percent", flat=True))
    if total > 100:
        add(
            "share_percent",
            _(
                "The shares add up to %(total)s %% of %(name)s's working time (with other posts and combined "
                "duties in the same period); at most 100 %% is possible."
            )
            % {"total": total, "name": post.coordinator.get_full_name() or post.coordinator.username},
        )
    if errors:
        raise ValidationError(errors)


def _ensure_access(post: CoordinatorPost, assignments: list[Assignment], acting_user) -> None:
    """A coordinator holds a coordinator membership in every municipality a current post serves."""
    if post.end_date is not None and post.end_date < timezone.localdate():
        return  # a post registered afterwards, for the history, gives no access
    for a in assignments:
        if (
            not Membership.objects.active()
            .filter(user_id=post.coordinator_id, role=Role.COORDINATOR, municipality=a.municipality)
            .exists()
        ):
            membership_grant(
                user=post.coordinator,
                role=Role.COORDINATOR,
                municipality=a.municipality,
                title=_("Coordinator"),
                valid_from=min(post.start_date, timezone.localdate()),
                acting_user=acting_user,
            )


def post_create(*, coordinator, assignments: list[Assignment], acting_user=None, **fields) -> CoordinatorPost:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"post_create got unknown fields {sorted(unknown)}")
    post = CoordinatorPost(coordinator=coordinator, **fields)
    # The database constraints back up _check_post, whose messages say what to correct.
    post.full_clean(validate_constraints=False)
    _check_post(post, assignments)
    with transaction.atomic():
        post.save()
        for a in assignments:
            PostAssignment.objects.create(
                post=post,
                municipality=a.municipality,
                share_percent=a.share_percent,
                management_group_seat=a.management_group_seat,
            )
            log_access(
                action=AccessAction.CREATE,
                object_type=post,
                user=acting_user,
                municipality=a.municipality,
                detail=f"share={a.share_percent}",
            )
        _ensure_access(post, assignments, acting_user)
    return post


def _assignments_of(post: CoordinatorPost) -> list[Assignment]:
    """All municipalities of the post, also those outside the editor's scope: the rules about a
    post (shares, logging in each municipality) concern the whole post."""
    with unscoped():
        return [
            Assignment(a.municipality, a.share_percent, a.management_group_seat)
            for a in PostAssignment.objects.filter(post=post).select_related("municipality")
        ]


def _log_for_post(
    post: CoordinatorPost,
    *,
    action: str,
    obj,
    acting_user,
    detail: str = "",
    assignments: list[Assignment] | None = None,
) -> None:
    """A change to a post concerns every municipality it serves: one access-log row in each."""
    for a in assignments if assignments is not None else _assignments_of(post):
        log_access(
            action=action,
            object_type=obj,
            user=acting_user,
            municipality=a.municipality,
            detail=detail,
        )


def post_update(*, post: CoordinatorPost, acting_user=None, **fields) -> CoordinatorPost:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"post_update got unknown fields {sorted(unknown)}")
    changed = [f for f, v in fields.items() if getattr(post, f) != v]
    if not changed:
        return post
    for f in changed:
        setattr(post, f, fields[f])
    post.full_clean(validate_constraints=False)
    assignments = _assignments_of(post)
    _check_post(post, assignments)
    with transaction.atomic():
        post.save(update_fields=changed)
        _log_for_post(
            post,
            action=AccessAction.CHANGE,
            obj=post,
            acting_user=acting_user,
            detail="fields: " + ", ".join(sorted(changed)),
            assignments=assignments,
        )
    return post


def assignment_set(
    *,
    post: CoordinatorPost,
    municipality,
    share_percent: int,
    management_group_seat: bool,
    acting_user=None,
) -> PostAssignment:
    """Add a municipality to a post, or change its share and seat there."""
    others = [a for a in _assignments_of(post) if a.municipality.pk != municipality.pk]
    _check_post(post, [*others, Assignment(municipality, share_percent, management_group_seat)])
    with transaction.atomic():
        assignment, created = PostAssignment.objects.update_or_create(
            post=post,
            municipality=municipality,
            defaults={"share_percent": share_percent, "management_group_seat": management_group_seat},
        )
        log_access(
            action=AccessAction.CREATE if created else AccessAction.CHANGE,
            object_type=assignment,
            user=acting_user,
            municipality=municipality,
            detail=f"share={share_percent}; seat={management_group_seat}",
        )
        _ensure_access(post, [Assignment(municipality, share_percent, management_group_seat)], acting_user)
    return assignment


def role_description_write(
    *,
    post: CoordinatorPost,
    purpose: str,
    goals: str,
    tasks: str,
    colleague_use: str,
    acting_user=None,
) -> RoleDescription:
    """A new version of the role description. It needs approval again."""
    description = RoleDescription(
        post=post,
        purpose=purpose.strip(),
        goals=goals.strip(),
        tasks=tasks.strip(),
        colleague_use=colleague_use.strip(),
        written_by=acting_user,
    )
    description.full_clean()
    with transaction.atomic():
        description.save()
        _log_for_post(post, action=AccessAction.CREATE, obj=description, acting_user=acting_user)
    return description


def role_description_approve(
    *,
    description: RoleDescription,
    acting_user,
    approved_on: datetime.date | None = None,
) -> RoleDescription:
    if description.is_approved:
        raise ValidationError(_("This version is already approved."))
    if acting_user is not None and acting_user.pk == description.post.coordinator_id:
        raise ValidationError(_("Coordinators cannot approve their own role description: a manager does."))
    day = approved_on or timezone.localdate()
    if day < description.written_at.date():
        raise ValidationError(_("A role description cannot be approved before it was written."))
    with transaction.atomic():
        description.approved_by = acting_user
        description.approved_on = day
        description.save(update_fields=["approved_by", "approved_on"])
        _log_for_post(
            description.post,
            action=AccessAction.CHANGE,
            obj=description,
            acting_user=acting_user,
            detail="approved",
        )
    return description


def absence_add(
    *,
    post: CoordinatorPost,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    acting_user=None,
) -> Absence:
    absence = Absence(post=post, kind=kind, start_date=start_date, end_date=end_date)
    absence.full_clean(validate_constraints=False)
    errors = {}
    if end_date < start_date:
        errors["end_date"] = _("The absence cannot end before it starts.")
    elif start_date < post.start_date or (post.end_date and end_date > post.end_date):
        errors["start_date"] = _("The absence must lie within the post's period.")
    elif Absence.objects.filter(post=post, start_date__lte=end_date, end_date__gte=start_date).exists():
        errors["start_date"] = _("The coordinator already has an absence in that period.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        absence.save()
        _log_for_post(post, action=AccessAction.CREATE, obj=absence, acting_user=acting_user, detail=kind)
    return absence


def _member_unit(user, municipality):
    membership = Membership.objects.active().filter(user=user, municipality=municipality).exclude(unit=None).first()
    return membership.unit if membership else None


def team_save(
    *,
    municipality,
    name: str,
    leader,
    meeting_rhythm: str,
    purpose: str,
    start_date: datetime.date,
    members: list,
    end_date: datetime.date | None = None,
    team: Team | None = None,
    acting_user=None,
) -> Team:
    """Create or change the municipality's violence team and its members."""
    staff = set(Membership.objects.active().filter(municipality=municipality).values_list("user_id", flat=True))
    errors = {}
    if leader.pk not in staff:
        errors["leader"] = _("The leader must work in the municipality.")
    if any(m.pk not in staff for m in members):
        errors["members"] = _("Every member must work in the municipality.")
    if end_date and end_date < start_date:
        errors["end_date"] = _("The team cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    created = team is None
    team = team or Team(municipality=municipality)
    team.name, team.leader, team.meeting_rhythm = name.strip(), leader, meeting_rhythm
    team.purpose, team.start_date, team.end_date = purpose.strip(), start_date, end_date
    team.full_clean(validate_constraints=False)
    with transaction.atomic():
        team.save()
        wanted = {m.pk: m for m in [leader, *members]}
        TeamMember.objects.filter(team=team).exclude(user_id__in=wanted).delete()
        existing = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
        for user_id, user in wanted.items():
            if user_id not in existing:
                TeamMember.objects.create(team=team, user=user, unit=_member_unit(user, municipality))
        log_access(
            action=AccessAction.CREATE if created else AccessAction.CHANGE,
            object_type=team,
            user=acting_user,
            municipality=municipality,
            detail=f"members={len(wanted)}",
        )
    return team
