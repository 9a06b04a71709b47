"""What the competence plan makes due for a person: training required of them that is overdue or
due within 30 days, and introduction steps (to the new employee, or to the coordinators or
managers when the step is theirs) due within 14 days."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse

from fridsam.accounts.models import memberships_unscoped
from fridsam.competence import selectors
from fridsam.competence.models import OnboardingItem, StepResponsible
from fridsam.core.reminders import Due, register
from fridsam.core.roles import Role

TRAINING_AHEAD = datetime.timedelta(days=30)
STEPS_AHEAD = datetime.timedelta(days=14)


@register
def training(on: datetime.date, user_ids):
    members = memberships_unscoped().active(on).filter(role__in=["coordinator", "manager", "social_worker"])
    if user_ids is not None:
        members = members.filter(user_id__in=sorted(user_ids))
    members = list(members.select_related("unit"))
    plans = selectors.current_plans({m.municipality_id for m in members}, on)
    url = reverse("competence:mine")
    for municipality_id, plan in plans.items():
        for person in selectors.people([m for m in members if m.municipality_id == municipality_id], plan, on):
            for requirement, due, completed in person.requirements:
                if completed is not None or due > on + TRAINING_AHEAD:
                    continue
                yield Due(
                    user_id=person.membership.user_id,
                    key=f"training:{person.membership.pk}:{requirement.pk}",
                    kind="training_overdue" if due < on else "training_due",
                    due_on=due,
                    url=url,
                    params={"requirement": requirement.title, "due": due.isoformat()},
                )


@register
def onboarding(on: datetime.date, user_ids):
    items = OnboardingItem.system_objects.filter(done_on__isnull=True, due_on__lte=on + STEPS_AHEAD).select_related(
        "membership", "membership__user"
    )
    if user_ids is not None:  # a few people (refresh_for): their own steps and those they are responsible for
        theirs = (
            memberships_unscoped()
            .active(on)
            .filter(user_id__in=sorted(user_ids), role__in=[Role.COORDINATOR, Role.MANAGER])
            .values("municipality_id")
        )
        items = items.filter(Q(membership__user_id__in=sorted(user_ids)) | Q(municipality_id__in=theirs))
    items = list(items)
    if not items:
        return
    responsible = {}
    for m in (
        memberships_unscoped()
        .active(on)
        .filter(municipality_id__in={i.municipality_id for i in items}, role__in=[Role.COORDINATOR, Role.MANAGER])
    ):
        responsible.setdefault((m.municipality_id, m.role), set()).add(m.user_id)
    for item in items:
        params = {"step": item.title, "due": item.due_on.isoformat()}
        if item.responsible == StepResponsible.PERSON:
            yield Due(
                item.membership.user_id,
                f"onboarding:{item.pk}",
                "onboarding_step",
                item.due_on,
                reverse("competence:mine"),
                params,
            )
            continue
        role = Role.COORDINATOR if item.responsible == StepResponsible.COORDINATOR else Role.MANAGER
        for user_id in responsible.get((item.municipality_id, role), ()):
            if user_id == item.membership.user_id:
                continue
            yield Due(
                user_id,
                f"onboarding:{item.pk}",
                "onboarding_step_for",
                item.due_on,
                reverse("competence:person", args=[item.membership_id]),
                {**params, "person": item.membership.user.get_full_name()},
            )
