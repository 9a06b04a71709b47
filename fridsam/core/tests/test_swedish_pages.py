"""The pages say in Swedish what they mean: the right word for each meaning, the access log in
the reviewer's words, and counts that agree with their nouns."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from fridsam.core.audit import log_access
from fridsam.core.logdetail import readable_detail
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.followup import services as followup_services
from fridsam.housing.forms import ApplicantForm
from fridsam.organisations.models import UnitType

pytestmark = pytest.mark.django_db


def _record(world, **overrides):
    fields = {
        "opened_on": datetime.date(2026, 3, 2),
        "route_in": "police",
        "category": "adult_victim",
        "sex": "female",
        "age_band": "25-44",
        "relation": "partner",
        "violence_forms": ["physical"],
        "protected_identity": False,
        **overrides,
    }
    return followup_services.record_create(
        owner=world.own.users[Role.SOCIAL_WORKER],
        municipality=world.own.municipality,
        unit=world.own.unit,
        reference="IFO-2026-0077",
        fields=fields,
    )


def _text(response) -> str:
    return response.content.decode()


def test_a_record_s_partner_is_a_partner_in_a_relationship_not_a_collaboration_partner(world, login):
    record = _record(world)
    client = login(world.own.users[Role.SOCIAL_WORKER])
    page = _text(client.get(reverse("followup:record_detail", args=[record.pk])))
    relation = re.search(r"Relation</dt><dd>([^<]*)</dd>", page).group(1)
    assert relation == "Nuvarande partner"
    listing = _text(client.get(reverse("followup:record_list")))
    assert '<th scope="col">Nummer</th>' in listing and '<th scope="col">Antal</th>' not in listing


def test_the_collaboration_partner_and_the_household_s_adults_keep_their_own_words():
    with translation.override("sv"):
        assert str(Role.PARTNER.label) == "Samverkanspart"
        assert str(ApplicantForm.base_fields["adults"].label) == "Vuxna"
        assert str(UnitType.ADULTS.label) == "Vuxen"  # the unit, as the glossary names it


def test_the_access_log_names_object_types_and_details_in_swedish(world, login):
    municipality = world.own.municipality
    manager = world.own.users[Role.MANAGER]
    for object_type, object_id, detail in [
        ("evaluation.response", "13", "year=2026"),
        ("housing.allocation", "4", "accept"),
        ("housing.commitment", "", ""),
        ("collaboration.goalreview", "2", ""),
        ("coordination.coordinatorpost", "1", "share=50; seat=True"),
        ("core.accesslogentry", "", "username=&action=read&object_type=&date_from=&date_to="),
    ]:
        log_access(
            action=AccessAction.CHANGE,
            object_type=object_type,
            object_id=object_id,
            user=manager,
            municipality=municipality,
            detail=detail,
        )
    page = _text(login(manager).get(reverse("core:access_log", args=[municipality.code])))
    for swedish in (
        "Enkätsvar #13",
        "Tilldelning #4",
        "Åtagande",
        "Uppföljning av mål #2",
        "år: 2026",
        "godkänd",
        "tjänsteandel (%): 50, plats i ledningsgruppen: ja",
        "filter: händelse: Läst",
    ):
        assert swedish in page, swedish
    for english in ("Response", "Allocation", "Commitment", "Goal review", "year=2026", "username=&amp;"):
        assert english not in page, english
    # What is stored is unchanged: only the page says it in Swedish.
    assert AccessLogEntry.objects.filter(object_type="evaluation.response", detail="year=2026").exists()


def test_a_filter_that_cannot_be_used_says_so_and_not_that_a_form_was_not_saved(world, login):
    municipality = world.own.municipality
    client = login(world.own.users[Role.MANAGER])
    page = _text(
        client.get(
            reverse("core:access_log", args=[municipality.code]),
            {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        )
    )
    assert "Filtret kunde inte användas" in page
    assert "Formuläret kunde inte sparas" not in page


@pytest.mark.parametrize(
    ("object_type", "detail", "swedish", "english"),
    [
        ("evaluation.response", "year=2026", "år: 2026", "year: 2026"),
        ("public.pagedraft", "published v3", "publicerade version 3", "published version 3"),
        ("followup.followuprecord", "page 2: 5,7", "sida 2: #5, #7", "page 2: #5, #7"),
        ("followup.followuprecord", "1 records", "1 ärende", "1 record"),
        ("housing.matchrun", "3/5", "förslag till 3 av 5 sökande", "proposals for 3 of 5 applicants"),
        ("accounts.membership", "role=manager; user=12", "roll: Chef, användare: 12", "role: Manager, user: 12"),
        ("core.accesslogentry", "username=&action=&sida=2", "filter: sida: 2", "filters: page: 2"),
        ("core.accesslogentry", "username=&action=", "inga filter", "no filters"),
        ("accounts.user", "attempted username: kalle", "försökt användarnamn: kalle", "attempted username: kalle"),
        ("organisations.unit", "fields: name", "fält: namn", "fields: name"),
        ("core.test", "something unknown", "something unknown", "something unknown"),
    ],
)
def test_a_known_detail_is_said_in_the_reader_s_language(object_type, detail, swedish, english):
    entry = AccessLogEntry(object_type=object_type, detail=detail)
    with translation.override("sv"):
        assert readable_detail(entry) == swedish
    with translation.override("en"):
        assert readable_detail(entry) == english


def test_the_authenticator_admin_speaks_swedish(world, login):
    client = login(world.administrator)
    page = _text(client.get("/admin/mfa/authenticator/"))
    for swedish in ("Inloggningsfaktorer", "Användare", "Typ", "Skapad", "Senast använd", "Autentiseringsapp"):
        assert swedish in page, swedish
    for english in ("Authenticators", "Created at", "Last used at", "TOTP Authenticator"):
        assert english not in page, english
    index = _text(client.get("/admin/"))
    assert "Tvåfaktorsinloggning" in index
    assert "Senaste händelser" in index and "Senaste Händelser" not in index


@pytest.mark.parametrize(("free", "swedish"), [(1, "1 ledig ("), (2, "2 lediga ("), (0, "0 lediga (")])
def test_free_places_agree_with_their_count(free, swedish):
    a = SimpleNamespace(free_places=free, stale=False, reported_at=datetime.datetime(2026, 5, 4, 9, 30))
    with translation.override("sv"):
        html = render_to_string("housing/_availability.html", {"a": a})
    assert swedish in html


def test_a_household_reads_in_the_singular_when_there_is_one():
    applicant = SimpleNamespace(
        adults=1, children_ages=[1], min_rooms=1, needs_accessible=False, needs_ground_or_lift=False
    )
    with translation.override("en"):
        html = render_to_string("housing/_household.html", {"applicant": applicant})
    assert "1 adult, 1 child (1 year) · at least 1 room" in html
