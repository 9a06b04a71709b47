"""The exact number of queries of every list and dashboard page, however many rows it shows.

Each page gets a few objects of what it lists, is requested once (to warm the caches), and must
then run exactly the pinned number of queries; with three more objects it must run the same
number again. A count that changes is a failure either way: more queries after more rows is a
query per row (N+1); a different count with the same rows means the pinned number is out of date,
and the failure lists every query so that the change can be read. PostgreSQL runs statements that
SQLite does not (an advisory lock for each access-log row, savepoints), so counts are pinned per
database.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.tests import factories as account_factories
from fridsam.collaboration import services as collaboration
from fridsam.collaboration.models import AgreementParty, GroupKind
from fridsam.competence import services as competence
from fridsam.competence.tests import factories as competence_factories
from fridsam.coordination import services as coordination
from fridsam.coordination.models import PostAssignment
from fridsam.core.roles import Role
from fridsam.core.testing import assert_query_count
from fridsam.evaluation import services as evaluation
from fridsam.evaluation.selectors import COORDINATOR_KEY, PARTNER_KEY
from fridsam.followup import services as followup
from fridsam.housing import services as housing
from fridsam.housing.tests.conftest import provider_fields
from fridsam.organisations.models import Municipality, MunicipalityPopulation
from fridsam.organisations.tests import factories as org_factories
from fridsam.public import services as public
from fridsam.routines import services as routines
from fridsam.statistics.models import Indicator, IndicatorValue, Observation

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
_seq = itertools.count(1)
REPORT_YEAR = 2024


def _n() -> int:
    return next(_seq)


# --- What the pages list: each builder adds *n* more objects of one kind ----------------------


def _records(w, n):
    worker = w.own.users[Role.SOCIAL_WORKER]
    for _ in range(n):
        followup.record_create(
            owner=worker,
            municipality=w.own.municipality,
            unit=w.own.unit,
            reference=f"QC-{_n()}",
            fields={
                "opened_on": TODAY - datetime.timedelta(days=10),
                "route_in": "police",
                "category": "adult_victim",
                "sex": "female",
                "age_band": "25-44",
                "relation": "partner",
                "violence_forms": ["physical"],
                "protected_identity": False,
            },
        )


def _consultations(w, n):
    for _ in range(n):
        followup.consultation_ask(
            asked_by=w.own.users[Role.SOCIAL_WORKER],
            municipality=w.own.municipality,
            unit=w.own.unit,
            question=f"Fråga {_n()} om riskbedömning",
            topic="risk",
            urgency="week",
        )


def _groups(w, n):
    coordinator = w.own.users[Role.COORDINATOR]
    for _ in range(n):
        collaboration.group_create(
            county=w.own.county, kind=GroupKind.LOCAL, municipality=w.own.municipality, name=f"Grupp {_n()}",
            purpose="Samordna stödet mellan socialtjänst och polis i kommunen.", goals=["Gemensam rutin"],
            chair=coordinator, members=[w.own.users[Role.PARTNER], w.own.users[Role.MANAGER]], user=coordinator,
        )  # fmt: skip


def _action_items(w, n):
    """A local group with a meeting that gives each of its members (the own municipality's staff
    and partner contact) *n* open action items: the start page lists them."""
    coordinator = w.own.users[Role.COORDINATOR]
    owners = [w.own.users[r] for r in (Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER, Role.PARTNER)]
    group = collaboration.group_create(
        county=w.own.county, kind=GroupKind.LOCAL, municipality=w.own.municipality, name=f"Grupp {_n()}",
        purpose="Samordna stödet mellan socialtjänst och polis i kommunen.", goals=["Gemensam rutin"],
        chair=coordinator, members=owners[1:], user=coordinator,
    )  # fmt: skip
    collaboration.meeting_record(
        group=group, held_on=TODAY, agenda="Rutinen", minutes="", present_member_ids=[], decisions=[],
        actions=[
            collaboration.ActionInput(f"Åtgärd {_n()}", owner, TODAY + datetime.timedelta(days=i))
            for owner in owners
            for i in range(n)
        ],
        user=coordinator,
    )  # fmt: skip


def _agreements(w, n):
    """Agreements with one party after another (the list is a matrix of the parties, the others
    below it), each with a partner organisation."""
    for _ in range(n):
        w._qc_agreements = getattr(w, "_qc_agreements", -1) + 1
        party = AgreementParty.values[-1 - w._qc_agreements % len(AgreementParty.values)]  # others first
        collaboration.agreement_save(
            municipality=w.own.municipality,
            data={"party": party, "partner_organisation": w.own.partner, "title": f"Avtal {_n()}",
                  "approved_by": "Socialnämnden", "approved_on": datetime.date(2025, 5, 1), "valid_until": None,
                  "last_followed_up": None, "paid": False, "note": ""},
            user=w.own.users[Role.COORDINATOR],
        )  # fmt: skip


def _referrals(w, n):
    for _ in range(n):
        collaboration.referral_create(
            municipality=w.own.municipality, unit=w.own.unit, partner=w.own.partner, category="womens_shelter",
            referred_on=TODAY - datetime.timedelta(days=_n() % 30), user=w.own.users[Role.COORDINATOR],
        )  # fmt: skip


def _prevention(w, n):
    for _ in range(n):
        collaboration.prevention_save(
            municipality=w.own.municipality,
            data={"programme": "Huskurage", "organisation": f"Bostadsbolag {_n()}",
                  "since": datetime.date(2025, 1, 1), "status": "active", "note": ""},
            user=w.own.users[Role.COORDINATOR],
        )  # fmt: skip


def _document_fields(w):
    return {
        "kind": "routine",
        "title": f"Rutin {_n()}",
        "owner": w.own.users[Role.COORDINATOR],
        "unit_types": [],
        "roles": [],
        "legal_references": "",
        "review_months": 12,
    }


def _approve_open_version(w, document):
    version = routines.open_version(document)
    routines.version_submit(version=version, user=w.own.users[Role.COORDINATOR])
    routines.version_approve(version=version, user=w.own.users[Role.MANAGER])


def _documents(w, n):
    """Documents in force, each with a draft of its next version."""
    coordinator = w.own.users[Role.COORDINATOR]
    for _ in range(n):
        document = routines.document_create(
            municipality=w.own.municipality, user=coordinator, body="Text", fields=_document_fields(w)
        )
        _approve_open_version(w, document)
        document.refresh_from_db()
        routines.version_write(document=document, body="Version två", change_note="", user=coordinator)


def _document_versions(w, n):
    """One document with *n* more approved versions, each with an attachment, and *n* more staff
    who have not read it."""
    coordinator = w.own.users[Role.COORDINATOR]
    document = getattr(w, "_qc_document", None)
    if document is None:
        document = w._qc_document = routines.document_create(
            municipality=w.own.municipality, user=coordinator, body="Version ett", fields=_document_fields(w)
        )
        _approve_open_version(w, document)
    for _ in range(n):
        document.refresh_from_db()
        draft = routines.version_write(document=document, body=f"Version {_n()}", change_note="Ny", user=coordinator)
        routines.attachment_add(
            version=draft, upload=SimpleUploadedFile(f"bilaga-{_n()}.pdf", b"%PDF"), user=coordinator
        )
        _approve_open_version(w, document)
    _staff(w, n)


def _action_plans(w, n):
    coordinator = w.own.users[Role.COORDINATOR]
    for _ in range(n):
        plan = routines.action_plan_create(
            municipality=w.own.municipality,
            goals=["Mål ett", "Mål två"],
            user=coordinator,
            fields={"title": f"Plan {_n()}", "first_year": 2026, "last_year": 2028},
        )
        for goal in plan.goals.all():
            sub = routines.sub_goal_add(goal=goal, text="Delmål", user=coordinator)
            routines.activity_save(
                sub_goal=sub,
                user=coordinator,
                fields={"text": "Aktivitet", "owner": coordinator, "due_on": datetime.date(2026, 6, 1)},
            )


def _staff(w, n):
    """Social workers of the own unit (colleagues, staff to cover, readers of routines)."""
    for _ in range(n):
        account_factories.staff(
            Role.SOCIAL_WORKER, municipality=w.own.municipality, unit=w.own.unit, username=f"qc-staff-{_n()}"
        )


def _units(w, n):
    for _ in range(n):
        org_factories.unit(municipality=w.own.municipality, name=f"Enhet {_n()}")


def _coordinated_municipalities(w, n):
    """*n* more municipalities of the own county with a coordinator post, a population and
    figures for the report year (the county's pages list its municipalities)."""
    taken = PostAssignment.system_objects.values("municipality_id")
    free = Municipality.objects.filter(county=w.own.county).exclude(pk__in=taken).order_by("code")[:n]
    protected_housing = Indicator.objects.get(key="protected_housing")
    for municipality in free:
        coordinator = account_factories.staff(
            Role.COORDINATOR, municipality=municipality, username=f"qc-coordinator-{_n()}"
        )
        coordination.post_create(
            coordinator=coordinator,
            assignments=[coordination.Assignment(municipality, 50, True)],
            start_date=datetime.date(2024, 1, 1),
            placement_level="ifo",
            combined_duties="none",
            consultation_support=True,
            deputy=None,
        )
        MunicipalityPopulation.objects.update_or_create(
            municipality=municipality, year=REPORT_YEAR, defaults={"total": 20_000, "adults": 16_000}
        )
        IndicatorValue.objects.create(
            municipality=municipality, indicator=protected_housing, year=REPORT_YEAR, count=30 + _n() % 10
        )
        Observation.objects.create(
            municipality=municipality, area="knowledge", source_type="manager",
            observed_on=datetime.date(REPORT_YEAR, 5, 1), text="Kunskapen har ökat.",
        )  # fmt: skip


def _start_page_data(w, n):
    """Something of everything the start pages show."""
    _action_items(w, n)
    _records(w, n)
    _consultations(w, n)
    _staff(w, n)
    _units(w, n)
    _coordinated_municipalities(w, n)
    _providers(w, n)


def _partners_on_public_page(w, n):
    """The own municipality's public page, published again with *n* more local organisations."""
    w._qc_partners = getattr(w, "_qc_partners", [w.own.partner])
    w._qc_partners += [org_factories.partner(county=w.own.county, name=f"Organisation {_n()}") for _ in range(n)]
    coordinator = w.own.users[Role.COORDINATOR]
    draft = public.draft_save(
        municipality=w.own.municipality,
        data={
            "intro": "Det finns hjälp.",
            "phone": "021-10 20 00",
            "opening_hours": "Vardagar 8–16",
            "after_hours": "Socialjouren 021-10 20 99",
            "visiting_address": "Stadshuset",
            "email": "",
            "extra": "",
            "show_contact": True,
        },
        partners=w._qc_partners,
        user=coordinator,
    )
    public.draft_approve(draft=public.draft_submit(draft=draft, user=coordinator), user=w.own.users[Role.MANAGER])


def _questionnaire_years(w, n):
    """The coordinator's questionnaire answered for *n* more (earlier) years."""
    w._qc_year = getattr(w, "_qc_year", TODAY.year + 1)
    for _ in range(n):
        w._qc_year -= 1
        evaluation.response_submit(
            round=evaluation.survey_round_for_year(key=COORDINATOR_KEY, year=w._qc_year),
            respondent=w.own.users[Role.COORDINATOR],
            municipalities=[w.own.municipality],
            answers={"post_share": 50, "placement": "ifo", "achievements": ["Handbok", "Team"]},
        )


def _partner_answers(w, n):
    """*n* more partner contacts of the county answer this year's survey about the own municipality."""
    code = w.own.municipality.code
    round_ = evaluation.survey_round_for_year(key=PARTNER_KEY, year=TODAY.year)
    for _ in range(n):
        organisation = org_factories.partner(county=w.own.county, name=f"Part {_n()}")
        contact = account_factories.staff(Role.PARTNER, partner_organisation=organisation, username=f"qc-part-{_n()}")
        evaluation.response_submit(
            round=round_,
            respondent=contact,
            municipalities=[w.own.municipality],
            answers={"contact": {code: "4"}, "entry_point": {code: "2"}},
        )


def _providers(w, n):
    for _ in range(n):
        provider = housing.provider_save(
            county=w.own.county,
            fields=provider_fields(w.own, name=f"Boende {_n()}"),
            address="Hemliga gatan 1",
            user=w.own.users[Role.COORDINATOR],
        )
        housing.availability_report(
            provider=provider, free_places=1, free_family_rooms=0, user=w.own.users[Role.PARTNER]
        )


def _exchange(w, n):
    """Apartments offered by the neighbour, applicants of the own municipality, and an allocation of
    one to the other, *n* of each."""
    for _ in range(n):
        apartment = housing.apartment_offer(
            municipality=w.neighbour.municipality,
            fields={"housing_company": "Bostadsbolaget", "rooms": 3, "size_m2": 70, "rent": 8000, "floor": 1,
                    "has_lift": True, "accessible": False, "available_from": TODAY + datetime.timedelta(days=10)},
            address="Lägenhetsgatan 3",
            user=w.neighbour.users[Role.COORDINATOR],
        )  # fmt: skip
        applicant = housing.applicant_register(
            municipality=w.own.municipality,
            data=housing.ApplicantInput(reference=f"QC-{_n()}", excluded=[w.own.municipality], min_rooms=2),
            user=w.own.users[Role.COORDINATOR],
        )
        housing.allocation_propose(apartment=apartment, applicant=applicant, user=w.own.users[Role.COORDINATOR])
        housing.applicant_register(
            municipality=w.own.municipality,
            data=housing.ApplicantInput(reference=f"QC-{_n()}", excluded=[w.own.municipality], min_rooms=2),
            user=w.own.users[Role.COORDINATOR],
        )
        housing.apartment_offer(
            municipality=w.own.municipality,
            fields={"housing_company": "Bostadsbolaget", "rooms": 2, "size_m2": 50, "rent": 6000, "floor": 0,
                    "has_lift": False, "accessible": False, "available_from": TODAY + datetime.timedelta(days=10)},
            address="Gatan 2",
            user=w.own.users[Role.COORDINATOR],
        )  # fmt: skip


def _course(w):
    course = getattr(w, "_qc_course", None)
    if course is None:
        course = w._qc_course = competence_factories.course(w.own.county, f"QC{_n()}")
    return course


def _plans(w, n):
    """*n* more approved competence plans (one a year, back in time)."""
    w._qc_plan_year = getattr(w, "_qc_plan_year", TODAY.year + 1)
    for _ in range(n):
        w._qc_plan_year -= 1
        competence_factories.plan(w.own, [("Grund", [_course(w)], "", "", 6)], year=w._qc_plan_year)


def _covered_staff(w, n):
    """The plan in force, and *n* more social workers, each with a training record and an
    introduction step."""
    if getattr(w, "_qc_coverage_plan", None) is None:
        w._qc_coverage_plan = competence_factories.plan(
            w.own, [("Grund", [_course(w)], "", "", 6)], steps=[("Samtal", 30, "person")]
        )
    for _ in range(n):
        person = account_factories.staff(
            Role.SOCIAL_WORKER, municipality=w.own.municipality, unit=w.own.unit, username=f"qc-staff-{_n()}"
        )
        competence.record_add(
            person=person,
            course=_course(w),
            completed_on=TODAY - datetime.timedelta(days=30),
            municipality=w.own.municipality,
            source="manager",
            user=w.own.users[Role.MANAGER],
        )


def _courses(w, n):
    for _ in range(n):
        competence_factories.course(w.own.county, f"QC{_n()}", municipality=w.own.municipality)


def _events(w, n):
    for _ in range(n):
        start = timezone.now() + datetime.timedelta(days=10 + _n() % 20)
        competence.event_save(
            county=w.own.county,
            municipality=w.own.municipality,
            user=w.own.users[Role.COORDINATOR],
            fields={
                "title": f"Länsträff {_n()}",
                "kind": "training",
                "starts_at": start,
                "ends_at": start + datetime.timedelta(hours=2),
                "why": "Krav",
            },
        )


def _figure_years(w, n):
    """The own municipality's figures and an observation for *n* more (earlier) years."""
    w._qc_figure_year = getattr(w, "_qc_figure_year", REPORT_YEAR + 1)
    indicators = list(Indicator.objects.filter(key__in=["protected_housing", "screening_rate"]))
    for _ in range(n):
        w._qc_figure_year -= 1
        year = w._qc_figure_year
        MunicipalityPopulation.objects.update_or_create(
            municipality=w.own.municipality, year=year, defaults={"total": 20_000, "adults": 16_000}
        )
        for indicator in indicators:
            IndicatorValue.objects.create(
                municipality=w.own.municipality, indicator=indicator, year=year, count=40,
                denominator=50 if indicator.key == "screening_rate" else None,
            )  # fmt: skip
        Observation.objects.create(
            municipality=w.own.municipality, area="knowledge", source_type="manager",
            observed_on=datetime.date(year, 5, 1), text=f"Iakttagelse {_n()}.",
        )  # fmt: skip


def _meetings(w, n):
    """One local group with *n* more meetings, each with a decision and an action item per member."""
    coordinator = w.own.users[Role.COORDINATOR]
    members = [coordinator, w.own.users[Role.MANAGER], w.own.users[Role.PARTNER]]
    if getattr(w, "_qc_group", None) is None:
        w._qc_group = collaboration.group_create(
            county=w.own.county, kind=GroupKind.LOCAL, municipality=w.own.municipality, name=f"Grupp {_n()}",
            purpose="Samordna stödet mellan socialtjänst och polis i kommunen.", goals=["Gemensam rutin", "Utbildning"],
            chair=coordinator, members=members[1:], user=coordinator,
        )  # fmt: skip
    present = list(w._qc_group.members.values_list("pk", flat=True))
    for _ in range(n):
        collaboration.meeting_record(
            group=w._qc_group, held_on=TODAY - datetime.timedelta(days=_n() % 300), agenda="Rutinen", minutes="",
            present_member_ids=present[:2], decisions=["Rutinen antas"], user=coordinator,
            actions=[collaboration.ActionInput(f"Åtgärd {_n()}", owner, TODAY) for owner in members],
        )  # fmt: skip


def _activities(w, n):
    """One action plan whose first goal gets *n* more sub-goals, each with an activity."""
    coordinator = w.own.users[Role.COORDINATOR]
    if getattr(w, "_qc_action_plan", None) is None:
        w._qc_action_plan = routines.action_plan_create(
            municipality=w.own.municipality,
            goals=["Mål ett", "Mål två"],
            user=coordinator,
            fields={"title": f"Plan {_n()}", "first_year": 2026, "last_year": 2028},
        )
    goal = w._qc_action_plan.goals.order_by("pk").first()
    for _ in range(n):
        sub = routines.sub_goal_add(goal=goal, text=f"Delmål {_n()}", user=coordinator)
        routines.activity_save(
            sub_goal=sub,
            user=coordinator,
            fields={"text": f"Aktivitet {_n()}", "owner": coordinator, "due_on": datetime.date(2026, 6, 1)},
        )


def _partner_contacts(w, n):
    """*n* more partner organisations of the county, each with a contact person."""
    for _ in range(n):
        organisation = org_factories.partner(county=w.own.county, name=f"Part {_n()}")
        account_factories.staff(Role.PARTNER, partner_organisation=organisation, username=f"qc-part-{_n()}")


# --- The pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    id: str
    role: str | None  # of the own tenant; "administrator"; None: not logged in
    url: Callable
    add: Callable  # (world, n): n more of what the page lists
    expected: dict  # queries per database vendor
    shows: str | None = None  # a text the page shows once more for each row added


def _muni(name):
    return lambda w: reverse(name, args=[w.own.municipality.code])


def _county(name, *args):
    return lambda w: reverse(name, args=[w.own.county.code, *args])


def _plain(name):
    return lambda w: reverse(name)


def _q(sqlite, postgresql):
    return {"sqlite": sqlite, "postgresql": postgresql}


START = _plain("core:start")
PAGES = [
    # The start page of each role.
    Page("start-coordinator", Role.COORDINATOR, START, _start_page_data, _q(15, 15), "Åtgärd "),
    # + the competence section gathers its own plans: each section is kept with what it read (ADR 0047)
    Page("start-manager", Role.MANAGER, START, _start_page_data, _q(28, 28), "Åtgärd "),
    Page("start-social-worker", Role.SOCIAL_WORKER, START, _start_page_data, _q(11, 11), "Åtgärd "),
    Page("start-county-analyst", Role.COUNTY_ANALYST, START, _start_page_data, _q(10, 10), "Förnamn"),
    Page("start-partner", Role.PARTNER, START, _start_page_data, _q(13, 13), "Åtgärd "),
    Page("start-administrator", "administrator", START, _start_page_data, _q(10, 10)),  # counts only
    # Organisations and the coordinator function.
    Page("municipality-list", Role.COUNTY_ANALYST, _plain("organisations:municipality_list"),
         _coordinated_municipalities, _q(8, 8), "Förnamn"),
    Page("municipality-detail-units", Role.MANAGER, _muni("organisations:municipality_detail"), _units, _q(31, 31),
         "Enhet "),
    Page("partner-list", Role.COORDINATOR, _plain("organisations:partner_list"), _partner_contacts, _q(6, 6),
         "Part "),
    Page("access-log", Role.MANAGER, _muni("core:access_log"), _records, _q(12, 13), "<tr"),
    # Routines.
    Page("document-list", Role.COORDINATOR, _plain("routines:document_list"), _documents, _q(6, 6), "Rutin "),
    Page("document-detail", Role.MANAGER, lambda w: reverse("routines:document_detail", args=[w._qc_document.pk]),
         _document_versions, _q(14, 15), "Version "),
    Page("action-plan-list", Role.COORDINATOR, _plain("routines:action_plan_list"), _action_plans, _q(4, 4),
         "Plan "),
    Page("action-plan-detail", Role.COORDINATOR,
         lambda w: reverse("routines:action_plan_detail", args=[w._qc_action_plan.pk]), _activities, _q(9, 9),
         "Aktivitet "),
    # Collaboration.
    Page("group-list", Role.COORDINATOR, _plain("collaboration:group_list"), _groups, _q(7, 7), "Grupp "),
    Page("group-detail", Role.COORDINATOR, lambda w: reverse("collaboration:group_detail", args=[w._qc_group.pk]),
         _meetings, _q(11, 11), "Åtgärd "),
    Page("agreement-list", Role.COORDINATOR, _plain("collaboration:agreement_list"), _agreements, _q(5, 5),
         "Avtal "),
    Page("referral-list", Role.COORDINATOR, _plain("collaboration:referral_list"), _referrals, _q(9, 10), "<tr"),
    Page("prevention-list", Role.COORDINATOR, _plain("collaboration:prevention_list"), _prevention, _q(5, 5),
         "Bostadsbolag "),
    # The public page.
    Page("public-manage", Role.COORDINATOR, _muni("public:manage"), _partners_on_public_page, _q(13, 13),
         "Organisation "),
    Page("public-page", None, lambda w: reverse("public:page", args=[w.own.municipality.code]),
         _partners_on_public_page, _q(5, 5), "Organisation "),
    # Evaluation: the coordinator's questionnaire on the municipality page, the partner survey.
    Page("questionnaire-results", Role.MANAGER, _muni("organisations:municipality_detail"), _questionnaire_years,
         _q(35, 35), "Handbok"),
    Page("partner-survey-results", Role.COORDINATOR, _plain("evaluation:partner_results"), _partner_answers,
         _q(6, 6)),  # a mean per municipality
    # Case follow-up and consultations.
    Page("record-list", Role.SOCIAL_WORKER, _plain("followup:record_list"), _records, _q(9, 10), "<tr"),
    Page("consultation-list", Role.COORDINATOR, _plain("followup:consultation_list"), _consultations, _q(11, 12),
         "Fråga "),
    # Protected housing and the exchange.
    Page("provider-list", Role.COORDINATOR, _plain("housing:provider_list"), _providers, _q(4, 4), "Boende "),
    # + the ledger's frozen figures of a culled year (ADR 0040)
    Page("exchange-index", Role.COORDINATOR, _plain("housing:exchange_index"), _exchange, _q(15, 15), "<tr"),
    Page("exchange-ledger", Role.COORDINATOR, _plain("housing:ledger"), _exchange, _q(11, 11)),  # sums
    # Competence.
    Page("competence-plans", Role.COORDINATOR, _muni("competence:plans"), _plans, _q(8, 8), "<tr"),
    Page("competence-coverage", Role.MANAGER, _muni("competence:coverage"), _covered_staff, _q(11, 11), "<tr"),
    Page("competence-unit", Role.MANAGER,
         lambda w: reverse("competence:unit", args=[w.own.municipality.code, w.own.unit.pk]), _covered_staff,
         _q(11, 11), "Förnamn"),
    Page("competence-catalogue", Role.COORDINATOR, _plain("competence:catalogue"), _courses, _q(4, 4), "Kurs QC"),
    Page("competence-events", Role.COORDINATOR, _plain("competence:event_list"), _events, _q(6, 6), "Länsträff "),
    # Statistics, the health check and the reports.
    Page("statistics-municipality", Role.COORDINATOR, _muni("statistics:municipality"), _figure_years, _q(12, 12),
         "<tr"),
    Page("statistics-observations", Role.COORDINATOR, _muni("statistics:observations"), _figure_years,
         _q(6, 6), "Iakttagelse "),
    Page("statistics-county", Role.COUNTY_ANALYST, _county("statistics:county"), _coordinated_municipalities,
         _q(11, 11)),  # every municipality of the county is a row already: their figures fill in
    Page("healthcheck-county-matrix", Role.COUNTY_ANALYST, _county("healthcheck:county_matrix"),
         _coordinated_municipalities, _q(20, 20), "Förnamn"),
    Page("report-county", Role.COUNTY_ANALYST, _county("reports:county", REPORT_YEAR), _coordinated_municipalities,
         _q(30, 30), "Kunskapen har ökat"),
    Page("report-municipality", Role.COORDINATOR,
         lambda w: reverse("reports:municipality", args=[w.own.municipality.code, REPORT_YEAR]), _figure_years,
         _q(31, 31), "2021"),
]  # fmt: skip


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_a_page_runs_its_pinned_queries_however_many_rows_it_shows(world, client, page):
    page.add(world, 2)
    if page.role == "administrator":
        world.act_as(client, world.administrator)
    elif page.role is not None:
        world.act_as(client, world.own.users[page.role])
    url = page.url(world)
    _get(client, url)  # warms the caches (content types, translations, the session)
    with assert_query_count(page.expected):
        few = _get(client, url)
    page.add(world, 3)
    with assert_query_count(page.expected):
        more = _get(client, url)
    if page.shows:  # the rows are on the page: the count is about them
        assert more.count(page.shows) > few.count(page.shows), page.shows
