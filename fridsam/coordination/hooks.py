"""What the coordinator function shows on the pages of others: the start page of coordinators,
social workers, county analysts and partners (fridsam.core.start), the menu's "Municipalities"
(fridsam.core.navigation), the municipality list and the coordinator function on the municipality
page (fridsam.organisations.panels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fridsam.accounts.models import Membership
from fridsam.coordination import selectors
from fridsam.coordination.policies import CHANGE_OWN, coordination_policy
from fridsam.core.navigation import items
from fridsam.core.policies import CHANGE
from fridsam.core.roles import MUNICIPAL_ROLES, Role
from fridsam.core.start import Section, section
from fridsam.evaluation import selectors as evaluation_selectors
from fridsam.organisations import panels
from fridsam.organisations.models import Municipality


@section("coordinator")
def coordinator(tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.COORDINATOR)
    if not memberships:
        return []
    overview = {
        m.pk: m
        for m in selectors.municipalities_overview(tenancy=tenancy).filter(
            pk__in=[ms.municipality_id for ms in memberships]
        )
    }
    shares = selectors.current_shares_of(user=tenancy.user)
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


@section("social_worker")
def social_worker(tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.SOCIAL_WORKER)
    if not memberships:
        return []
    contacts = selectors.entry_points_for([m.municipality_id for m in memberships])
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


@section("county_analyst")
def county_analyst(tenancy) -> list[Section]:
    sections = []
    for membership in tenancy.memberships_with_role(Role.COUNTY_ANALYST):
        municipalities = selectors.with_contacts(
            selectors.municipalities_overview(tenancy=tenancy, county_id=membership.county_id)
        )
        sections.append(
            Section(
                "core/start/county_analyst.html",
                {
                    "county": membership.county,
                    "municipalities": municipalities,
                    "summary": selectors.county_summary(municipalities),
                },
            )
        )
    return sections


@section("partner")
def partner(tenancy) -> list[Section]:
    memberships = tenancy.memberships_with_role(Role.PARTNER)
    if not memberships:
        return []
    sections = []
    survey_answered = evaluation_selectors.has_answered(
        user=tenancy.user, key=evaluation_selectors.PARTNER_KEY, year=timezone.localdate().year
    )
    for membership in memberships:
        municipalities = list(Municipality.objects.filter(county_id=membership.county_id).order_by("name"))
        contacts = selectors.entry_points_for([m.pk for m in municipalities])
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


@items("municipalities")
def municipalities_item(tenancy):
    if tenancy.roles & {Role.COUNTY_ANALYST, Role.ADMINISTRATOR, *MUNICIPAL_ROLES}:
        return [(_("Municipalities"), reverse("organisations:municipality_list"))]
    return []


@panels.municipality_list_panel
def municipality_list(tenancy) -> dict:
    municipalities = selectors.with_contacts(selectors.municipalities_overview(tenancy=tenancy))
    return {"municipalities": municipalities, "summary": selectors.county_summary(municipalities)}


@panels.municipality_panel
def coordination_context(tenancy, municipality, units) -> dict:
    """The coordinator function at a glance: posts (current first), the team, what the user may do."""
    today = timezone.localdate()
    posts = []
    for post in selectors.posts_for_municipality(municipality=municipality):
        descriptions = list(post.role_descriptions.all())
        posts.append(
            {
                "post": post,
                "current": post.is_current(today),
                "assignment": next(a for a in post.assignments.all() if a.municipality_id == municipality.pk),
                "role_description": descriptions[0] if descriptions else None,
                "absence": next((a for a in post.absences.all() if a.start_date <= today <= a.end_date), None),
                "can_change": coordination_policy.can(tenancy, CHANGE, post),
                "can_change_own": coordination_policy.can(tenancy, CHANGE_OWN, post),
            }
        )
    posts.sort(key=lambda item: (not item["current"], -item["post"].start_date.toordinal()))
    teams = list(selectors.teams_for_municipality(municipality=municipality))
    current_team = next((t for t in teams if t.end_date is None or t.end_date >= today), None)
    member_units = {m.unit_id for m in current_team.members.all()} if current_team else set()
    return {
        "posts": posts,
        "current_team": current_team,
        "units_without_member": [u for u in units if u.is_active and u.pk not in member_units],
        "can_change_setup": coordination_policy.can(tenancy, CHANGE, municipality),
    }
