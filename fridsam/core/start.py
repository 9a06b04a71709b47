"""The start page: for each role the user holds, what that role needs today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from fridsam.accounts.models import MUNICIPAL_ROLES, Membership, Role, User
from fridsam.accounts.selectors import Tenancy
from fridsam.coordination import selectors as coordination_selectors
from fridsam.core.selectors import access_log_policy
from fridsam.evaluation import selectors as evaluation_selectors
from fridsam.healthcheck.selectors import checks_for
from fridsam.organisations import selectors as org_selectors
from fridsam.organisations.models import County, Municipality


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)


def _county_analyst(tenancy: Tenancy) -> list[Section]:
    sections = []
    for membership in tenancy.memberships_with_role(Role.COUNTY_ANALYST):
        municipalities = org_selectors.with_contacts(
            org_selectors.municipalities_overview(tenancy=tenancy, county_id=membership.county_id)
        )
        sections.append(
            Section(
                "core/start/county_analyst.html",
                {
                    "county": membership.county,
                    "municipalities": municipalities,
                    "summary": org_selectors.county_summary(municipalities),
                },
            )
        )
    return sections


def _coordinator(tenancy: Tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.COORDINATOR)
    if not memberships:
        return []
    overview = {
        m.pk: m
        for m in org_selectors.municipalities_overview(tenancy=tenancy).filter(
            pk__in=[ms.municipality_id for ms in memberships]
        )
    }
    shares = coordination_selectors.current_shares_of(user=tenancy.user)
    rows = [
        (ms, overview.get(ms.municipality_id), shares.get(ms.municipality_id))
        for ms in sorted(memberships, key=lambda x: x.municipality.name)
    ]
    year = timezone.localdate().year
    return [
        Section(
            "core/start/coordinator.html",
            {
                "rows": rows,
                "total_percent": sum(share for share in shares.values() if share),
                "questionnaire_year": year,
                "questionnaire_done": evaluation_selectors.has_answered(
                    user=tenancy.user, key=evaluation_selectors.COORDINATOR_KEY, year=year
                ),
            },
        )
    ]


def _manager(tenancy: Tenancy) -> list[Section]:
    municipalities = tenancy.municipalities_with_role(Role.MANAGER)
    if not municipalities:
        return []
    since = timezone.now() - datetime.timedelta(days=30)
    log_counts = dict(
        access_log_policy.visible(tenancy)
        .filter(occurred_at__gte=since)
        .values_list("municipality_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    checks = {c.municipality.pk: c for c in checks_for(municipalities)}
    tenancy.start_facts = {pk: c.facts for pk, c in checks.items()}  # the competence section reads them too
    sections = []
    for municipality in municipalities:
        sections.append(
            Section(
                "core/start/manager.html",
                {
                    "municipality": municipality,
                    "units": org_selectors.municipality_units(tenancy=tenancy, municipality=municipality),
                    "log_count_30_days": log_counts.get(municipality.pk, 0),
                    "check": checks[municipality.pk],
                },
            )
        )
    return sections


def _social_worker(tenancy: Tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.SOCIAL_WORKER)
    if not memberships:
        return []
    contacts = coordination_selectors.entry_points_for([m.municipality_id for m in memberships])
    unit_ids = [m.unit_id for m in memberships if m.unit_id]
    colleagues: dict[int, list[Membership]] = {}
    for colleague in (
        Membership.objects.active()
        .filter(unit_id__in=unit_ids)
        .exclude(user=tenancy.user)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        colleagues.setdefault(colleague.unit_id, []).append(colleague)
    return [
        Section(
            "core/start/social_worker.html",
            {
                "membership": m,
                "contacts": contacts.get(m.municipality_id, []),
                "colleagues": colleagues.get(m.unit_id, []),
            },
        )
        for m in memberships
    ]


def _followup(tenancy: Tenancy) -> list[Section]:
    """Case follow-up and consultations: open records, questions waiting for an answer."""
    from fridsam.followup import selectors as followup_selectors
    from fridsam.followup.models import ConsultationStatus
    from fridsam.followup.policies import answering_municipality_ids, consultation_policy

    if not tenancy.has_role(*MUNICIPAL_ROLES):
        return []
    is_worker = tenancy.has_role(Role.SOCIAL_WORKER)
    answering = sorted(answering_municipality_ids(tenancy))
    counts = consultation_policy.visible(tenancy).aggregate(
        queue=Count(
            "id",
            filter=Q(municipality_id__in=answering, status=ConsultationStatus.OPEN) & ~Q(asked_by_id=tenancy.user.pk),
        ),
        mine_waiting=Count("id", filter=Q(asked_by_id=tenancy.user.pk, status=ConsultationStatus.OPEN)),
        mine_answered=Count("id", filter=Q(asked_by_id=tenancy.user.pk, status=ConsultationStatus.ANSWERED)),
    )
    open_records = followup_selectors.open_records_count(tenancy=tenancy) if is_worker else None
    return [
        Section(
            "core/start/followup.html",
            {"is_worker": is_worker, "answers": bool(answering), "open_records": open_records, **counts},
        )
    ]


def _housing(tenancy: Tenancy) -> list[Section]:
    """Protected housing and the exchange: allocations waiting for the coordinator, free places
    for a provider's partner contact to report."""
    from fridsam.housing.selectors import start_summary

    summary = start_summary(tenancy)
    return [Section("housing/start.html", summary)] if summary else []


def _collaboration(tenancy: Tenancy) -> list[Section]:
    """Action items from collaboration meetings that the user owns and has not done."""
    from fridsam.collaboration.selectors import open_actions_of

    if not tenancy.is_authenticated or not tenancy.memberships:
        return []
    actions = list(open_actions_of(tenancy.user)[:20])
    if not actions:
        return []
    return [Section("collaboration/start.html", {"actions": actions, "today": timezone.localdate()})]


def _reminders(tenancy: Tenancy) -> list[Section]:
    """What the daily reminders job found due for the user (training, introduction, reviews,
    routines to read, action-plan activities)."""
    from fridsam.core.reminders import open_for

    if not tenancy.is_authenticated or not tenancy.memberships:
        return []
    items = open_for(tenancy.user)
    if not items:
        return []
    return [Section("core/start/reminders.html", {"items": items, "today": timezone.localdate()})]


def _competence(tenancy: Tenancy) -> list[Section]:
    """For coordinators and managers: units behind on which training, routines overdue for
    review and new staff behind on their introduction."""
    from fridsam.competence.selectors import glance

    municipalities = tenancy.municipalities_with_role(Role.COORDINATOR, Role.MANAGER)
    if not municipalities:
        return []
    facts = getattr(tenancy, "start_facts", None)  # the manager's health check, when it ran
    return [Section("competence/start.html", {"glances": glance(municipalities, timezone.localdate(), facts)})]


def _partner(tenancy: Tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.PARTNER)
    if not memberships:
        return []
    sections = []
    survey_answered = evaluation_selectors.has_answered(
        user=tenancy.user, key=evaluation_selectors.PARTNER_KEY, year=timezone.localdate().year
    )
    for membership in memberships:
        municipalities = list(Municipality.objects.filter(county_id=membership.county_id).order_by("name"))
        contacts = coordination_selectors.entry_points_for([m.pk for m in municipalities])
        sections.append(
            Section(
                "core/start/partner.html",
                {
                    "organisation": membership.partner_organisation,
                    "county": membership.county,
                    "rows": [(m, contacts.get(m.pk, [])) for m in municipalities],
                    "survey_answered": survey_answered,
                },
            )
        )
    return sections


def _administrator(tenancy: Tenancy) -> list[Section]:
    if not tenancy.is_administrator:
        return []
    from allauth.mfa.models import Authenticator

    users = User.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        inactive=Count("id", filter=Q(is_active=False)),
    )
    with_totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP, user__is_active=True).count()
    return [
        Section(
            "core/start/administrator.html",
            {
                "users": users,
                "without_two_factor": users["active"] - with_totp,
                "memberships": Membership.objects.active().count(),
                "counties": County.objects.count(),
                "municipalities": Municipality.objects.count(),
            },
        )
    ]


def start_sections(tenancy: Tenancy) -> list[Section]:
    sections: list[Section] = []
    for builder in (
        _reminders,
        _followup,
        _collaboration,
        _coordinator,
        _housing,
        _manager,
        _competence,
        _social_worker,
        _county_analyst,
        _partner,
        _administrator,
    ):
        sections.extend(builder(tenancy))
    return sections
