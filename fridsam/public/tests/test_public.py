"""The public page: written by the coordinator, approved by a manager, read by anyone without a
login, a cookie or a request to another site."""

import re

import pytest
from django.core.exceptions import ValidationError

from fridsam.accounts.services import membership_grant
from fridsam.core.roles import Role
from fridsam.public import services
from fridsam.public.models import DraftStatus, PublishedPage

pytestmark = pytest.mark.django_db

TEXTS = {
    "intro": "Det finns hjälp.",
    "phone": "021-10 20 00",
    "opening_hours": "Vardagar 8–16",
    "after_hours": "Socialjouren 021-10 20 99",
    "visiting_address": "Stadshuset",
    "email": "",
    "extra": "",
    "show_contact": True,
}


def publish(tenant, **texts):
    draft = services.draft_save(
        municipality=tenant.municipality,
        data={**TEXTS, **texts},
        partners=[tenant.partner],
        user=tenant.users[Role.COORDINATOR],
    )
    draft = services.draft_submit(draft=draft, user=tenant.users[Role.COORDINATOR])
    return services.draft_approve(draft=draft, user=tenant.users[Role.MANAGER])


def test_anonymous_reads_the_published_page_without_cookies_or_foreign_requests(world, client):
    publish(world.own)
    response = client.get(f"/stod/{world.own.municipality.code}/")
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    # Nothing stays in the browser's cache for whoever shares the computer to find.
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Det finns hjälp." in html and "021-10 20 00" in html
    assert world.own.partner.name in html  # the local organisation chosen
    assert world.own.users[Role.COORDINATOR].get_full_name() in html  # named, as chosen
    # Everything the page loads comes from this server; the only absolute link is the quick exit.
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == ["https://www.smhi.se/"]
    assert "<form" not in html and "csrf" not in html
    assert client.get("/tillganglighet/").status_code == 200


def test_not_published_is_not_found(world, client):
    assert client.get(f"/stod/{world.own.municipality.code}/").status_code == 404
    services.draft_save(
        municipality=world.own.municipality, data=TEXTS, partners=[], user=world.own.users[Role.COORDINATOR]
    )
    assert client.get(f"/stod/{world.own.municipality.code}/").status_code == 404
    missing = client.get("/stod/9999/")
    assert missing.status_code == 404 and not missing.cookies  # not the site's 404 page with its form
    assert "020-50 50 50" in missing.content.decode()


def test_contact_not_named_unless_chosen(world, client):
    publish(world.own, show_contact=False)
    html = client.get(f"/stod/{world.own.municipality.code}/").content.decode()
    assert world.own.users[Role.COORDINATOR].get_full_name() not in html


def test_a_new_draft_does_not_change_the_public_page_until_approved(world, client):
    publish(world.own)
    coordinator, manager = world.own.users[Role.COORDINATOR], world.own.users[Role.MANAGER]
    draft = services.draft_save(
        municipality=world.own.municipality, data={**TEXTS, "intro": "Ny text"}, partners=[], user=coordinator
    )
    url = f"/stod/{world.own.municipality.code}/"
    assert "Ny text" not in client.get(url).content.decode()
    services.draft_submit(draft=draft, user=coordinator)
    page = services.draft_approve(draft=draft, user=manager)
    assert page.version == 2
    assert "Ny text" in client.get(url).content.decode()
    assert PublishedPage.objects.filter(municipality=world.own.municipality).count() == 2  # history kept


def test_nobody_approves_their_own_page(world):
    coordinator = world.own.users[Role.COORDINATOR]
    membership_grant(user=coordinator, role=Role.MANAGER, municipality=world.own.municipality)
    draft = services.draft_save(municipality=world.own.municipality, data=TEXTS, partners=[], user=coordinator)
    draft = services.draft_submit(draft=draft, user=coordinator)
    with pytest.raises(ValidationError):
        services.draft_approve(draft=draft, user=coordinator)
    with pytest.raises(ValidationError):  # a draft not sent for approval
        services.draft_approve(
            draft=services.draft_save(municipality=world.own.municipality, data=TEXTS, partners=[], user=coordinator),
            user=world.own.users[Role.MANAGER],
        )


def test_the_manager_sends_it_back_with_a_comment(world, login):
    coordinator = world.own.users[Role.COORDINATOR]
    draft = services.draft_save(municipality=world.own.municipality, data=TEXTS, partners=[], user=coordinator)
    services.draft_submit(draft=draft, user=coordinator)
    client = login(world.own.users[Role.MANAGER])
    base = f"/kommuner/{world.own.municipality.code}/offentlig-sida/"
    client.post(base + "atervisa/", {"comment": ""})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_REVIEW
    client.post(base + "atervisa/", {"comment": "Lägg till socialjourens nummer."})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and draft.review_comment == "Lägg till socialjourens nummer."
    assert "Lägg till socialjourens nummer." in login(coordinator).get(base).content.decode()


def test_the_form_refuses_a_personal_identity_number_and_keeps_the_text(world, login):
    client = login(world.own.users[Role.COORDINATOR])
    url = f"/kommuner/{world.own.municipality.code}/offentlig-sida/andra/"
    response = client.post(url, {**TEXTS, "intro": "Ring 19121212-1212 om du vill", "show_contact": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "personnummer" in html.lower()
    assert "Vardagar 8–16" in html
    assert services.draft_for(world.own.municipality) is None


def test_only_coordinators_write_and_only_managers_approve(world, login):
    base = f"/kommuner/{world.own.municipality.code}/offentlig-sida/"
    assert login(world.own.users[Role.SOCIAL_WORKER]).get(base).status_code == 403
    assert login(world.own.users[Role.MANAGER]).get(base + "andra/").status_code == 403
    coordinator = login(world.own.users[Role.COORDINATOR])
    coordinator.post(base + "andra/", {**TEXTS, "show_contact": "on"})
    coordinator.post(base + "skicka/")
    assert coordinator.post(base + "godkann/").status_code == 403
    assert login(world.own.users[Role.MANAGER]).post(base + "godkann/").status_code == 302
    assert PublishedPage.objects.filter(municipality=world.own.municipality).count() == 1
