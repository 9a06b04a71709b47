"""Documents: versions, approval, review dates, read confirmations, the diff, safe Markdown,
attachments; action plans; HK14."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fridsam.accounts.selectors import tenancy_for_user
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.healthcheck.facts import facts_for
from fridsam.healthcheck.rules import RULES_BY_ID, Status
from fridsam.routines import selectors, services
from fridsam.routines.models import Acknowledgement, DocumentVersion, VersionStatus
from fridsam.routines.policies import OVERSEE, document_policy
from fridsam.routines.text import diff, render_markdown

TODAY = datetime.date.today()


def test_markdown_is_rendered_without_raw_html_scripts_or_images():
    html = str(
        render_markdown(
            "# Rubrik\n<script>alert(1)</script>\n[bad](javascript:alert(1)) [ok](https://www.riksdagen.se/)"
            " ![bild](https://evil.example/x.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h3>Rubrik</h3>" in html and "<h1>" not in html  # under the page's h1 and the content's h2
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://www.riksdagen.se/">ok</a>' in html
    assert "<img" not in html
    assert "<table>" in html


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "///evil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_a_link_to_another_site_without_a_scheme_is_not_a_link(target):
    html = str(render_markdown(f"[rutin]({target})"))
    assert "<a" not in html and "evil.example" in html


def test_links_within_fridsam_and_to_https_sites_stay_links():
    html = str(
        render_markdown("[här](/rutiner/) [avsnitt](#steg-2) [lag](https://lagen.nu/2001:453) [mejl](mailto:a@b.se)")
    )
    assert html.count("<a ") == 4


def test_the_diff_marks_changed_words_and_keeps_context():
    old = "Rad ett\nGör en riskbedömning inom tre dagar.\nRad tre\nRad fyra\nRad fem\nRad sex"
    new = "Rad ett\nGör en riskbedömning inom två dagar.\nRad tre\nRad fyra\nRad fem\nRad sex\nNy rad <b>"
    hunks = diff(old, new, context=1)
    assert len(hunks) == 2
    kinds = [(line.kind, line.text) for line in hunks[0]]
    assert ("removed", "Gör en riskbedömning inom tre dagar.") in kinds
    assert ("added", "Gör en riskbedömning inom två dagar.") in kinds
    removed = next(line for line in hunks[0] if line.kind == "removed")
    assert "<del>tre</del>" in str(removed.html)
    added_last = hunks[1][-1]
    assert added_last.kind == "added" and "&lt;b&gt;" in str(added_last.html)
    assert diff("same", "same") == []


def _document(tenant, *, body="# Rutin\nVersion ett.", **fields):
    defaults = {
        "kind": "routine",
        "title": "Rutin vid våld",
        "owner": tenant.users[Role.COORDINATOR],
        "unit_types": [],
        "roles": [],
        "legal_references": "SOSFS 2014:4",
        "review_months": 12,
    }
    return services.document_create(
        municipality=tenant.municipality,
        fields={**defaults, **fields},
        body=body,
        user=tenant.users[Role.COORDINATOR],
    )


def _approve(document, manager, body=None, on=None):
    version = services.open_version(document) or services.version_write(
        document=document, body=body, change_note="Ändrad", user=document.owner
    )
    if body is not None and version.body != body:
        version = services.version_write(document=document, body=body, change_note="Ändrad", user=document.owner)
    services.version_submit(version=version, user=document.owner)
    return services.version_approve(version=version, user=manager, on=on)


@pytest.mark.django_db
def test_a_version_comes_into_force_only_when_a_manager_approves_it(world):
    manager = world.own.users[Role.MANAGER]
    document = _document(world.own)
    assert document.current_version is None
    first = services.open_version(document)
    with pytest.raises(ValidationError):
        services.version_approve(version=first, user=manager)  # a draft is not approved
    _approve(document, manager, on=datetime.date(2026, 1, 31))
    document.refresh_from_db()
    assert document.current_version == first
    assert document.review_due == datetime.date(2027, 1, 31)
    second = services.version_write(
        document=document, body="# Rutin\nVersion två.", change_note="Två", user=document.owner
    )
    assert second.number == 2 and document.current_version == first  # the first stays in force
    again = services.version_write(document=document, body="# Rutin\nVersion två!", change_note="", user=document.owner)
    assert again.pk == second.pk  # one open version at a time
    services.version_submit(version=again, user=document.owner)
    services.version_approve(version=again, user=manager, on=datetime.date(2026, 6, 1))
    first.refresh_from_db()
    document.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED and document.current_version_id == again.pk
    assert document.review_due == datetime.date(2027, 6, 1)
    assert DocumentVersion.objects.filter(document=document).count() == 2


@pytest.mark.django_db
def test_a_new_version_asks_everyone_to_read_again(world):
    manager, worker = world.own.users[Role.MANAGER], world.own.users[Role.SOCIAL_WORKER]
    document = _document(world.own)
    _approve(document, manager)
    document.refresh_from_db()
    services.acknowledge(document=document, user=worker)
    services.acknowledge(document=document, user=worker)  # twice is once
    assert Acknowledgement.objects.filter(user=worker).count() == 1
    _, read, total = selectors.read_coverage(document, TODAY)
    assert (read, total) == (1, 3)
    _approve(document, manager, body="# Rutin\nNy version.")
    document.refresh_from_db()
    _, read, total = selectors.read_coverage(document, TODAY)
    assert (read, total) == (0, 3)
    assert [
        d.pk for d, has_read in selectors.for_memberships(list(worker.memberships.all()), TODAY) if not has_read
    ] == [document.pk]


@pytest.mark.django_db
def test_who_has_read_a_document_is_seen_by_its_coordinators_managers_and_the_county_analysts(world):
    document = _document(world.own)

    def oversees(user):
        return document_policy.can(tenancy_for_user(user=user), OVERSEE, document)

    own, neighbour = world.own.users, world.neighbour.users
    assert all(oversees(own[role]) for role in (Role.COORDINATOR, Role.MANAGER, Role.COUNTY_ANALYST))
    assert not any(oversees(user) for user in (own[Role.SOCIAL_WORKER], neighbour[Role.MANAGER], world.administrator))


@pytest.mark.django_db
def test_read_coverage_counts_only_the_target_groups(world):
    document = _document(world.own, roles=["social_worker"])
    _approve(document, world.own.users[Role.MANAGER])
    document.refresh_from_db()
    rows, read, total = selectors.read_coverage(document, TODAY)
    assert (read, total) == (0, 1)
    assert rows == [(world.own.unit.name, 0, 1)]
    unit_only = _document(world.own, title="Barn", unit_types=["children"])
    _approve(unit_only, world.own.users[Role.MANAGER])
    unit_only.refresh_from_db()
    assert selectors.read_coverage(unit_only, TODAY)[2] == 0  # the own unit is an intake unit


@pytest.mark.django_db
def test_review_state_and_a_review_without_changes(world):
    manager = world.own.users[Role.MANAGER]
    document = _document(world.own)
    assert selectors.review_state(document, TODAY) == "draft"
    _approve(document, manager, on=TODAY - datetime.timedelta(days=400))
    document.refresh_from_db()
    assert selectors.review_state(document, TODAY) == "overdue"
    documents = selectors.in_force([world.own.municipality.pk], TODAY)[world.own.municipality.pk]
    assert (documents.count, documents.on_time, documents.overdue) == (1, 0, [document])
    services.document_reviewed(document=document, user=manager)
    document.refresh_from_db()
    assert document.last_reviewed_on == TODAY and selectors.review_state(document, TODAY) == "ok"
    services.document_archive(document=document, user=manager)
    document.refresh_from_db()
    assert selectors.review_state(document, TODAY) == "archived"
    with pytest.raises(ValidationError):
        services.version_write(document=document, body="x", change_note="", user=manager)


@pytest.mark.django_db
def test_hk14_judges_the_routines_in_force(world):
    rule = RULES_BY_ID["HK14"]
    municipality = world.own.municipality
    assert rule.evaluate(facts_for([municipality], TODAY)[municipality.pk]).status == Status.UNKNOWN
    manager = world.own.users[Role.MANAGER]
    for i in range(3):
        _approve(_document(world.own, title=f"Rutin {i}"), manager)
    assert rule.evaluate(facts_for([municipality], TODAY)[municipality.pk]).status == Status.GOOD
    _approve(_document(world.own, title="Gammal handbok"), manager, on=datetime.date(2016, 9, 1))
    verdict = rule.evaluate(facts_for([municipality], TODAY)[municipality.pk])
    assert verdict.status == Status.ATTENTION  # 3 of 4 on time
    assert any("Gammal handbok" in str(e) for e in verdict.evidence)
    for i in range(3):
        _approve(_document(world.own, title=f"Gammal {i}"), manager, on=datetime.date(2016, 9, 1))
    assert rule.evaluate(facts_for([municipality], TODAY)[municipality.pk]).status == Status.RISK


@pytest.mark.django_db
def test_attachments_are_checked_kept_with_versions_and_served_only_to_readers(world, login):
    manager = world.own.users[Role.MANAGER]
    document = _document(world.own)
    draft = services.open_version(document)
    with pytest.raises(ValidationError):
        services.attachment_add(version=draft, upload=SimpleUploadedFile("virus.exe", b"MZ"), user=manager)
    attachment = services.attachment_add(
        version=draft, upload=SimpleUploadedFile("blankett.pdf", b"%PDF-1.4 test"), user=document.owner
    )
    _approve(document, manager)
    document.refresh_from_db()
    next_version = services.version_write(document=document, body="Ny", change_note="", user=manager)
    assert [a.name for a in next_version.attachments.all()] == ["blankett.pdf"]  # comes along
    url = reverse("routines:attachment_download", args=[attachment.pk])
    response = login(world.own.users[Role.SOCIAL_WORKER]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert AccessLogEntry.objects.filter(object_type="routines.attachment").exists()
    assert login(world.neighbour.users[Role.SOCIAL_WORKER]).get(url).status_code == 404


@pytest.mark.django_db
def test_the_pages_write_submit_approve_read_and_show_the_diff(world, login):
    coordinator, manager, worker = (world.own.users[r] for r in (Role.COORDINATOR, Role.MANAGER, Role.SOCIAL_WORKER))
    c = login(coordinator)
    response = c.post(
        reverse("routines:document_create") + f"?kommun={world.own.municipality.code}",
        {"kind": "routine", "title": "Rutin", "owner": coordinator.pk, "review_months": 12, "body": "Rad ett\nRad två"},
    )
    document_url = response["Location"]
    pk = int(document_url.rstrip("/").split("/")[-1])
    version = DocumentVersion.objects.get(document_id=pk)
    c.post(reverse("routines:version_action", args=[pk, version.pk, "skicka"]))
    assert c.post(reverse("routines:version_action", args=[pk, version.pk, "godkann"])).status_code == 403
    m = login(manager)
    m.post(reverse("routines:version_action", args=[pk, version.pk, "godkann"]))
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED and version.approved_by == manager
    m.post(reverse("routines:document_write", args=[pk]), {"body": "Rad ett\nRad 2", "change_note": "Siffra"})
    page = m.get(reverse("routines:version_detail", args=[pk, 2])).content.decode()
    assert "<del>två</del>" in page and "<ins>2</ins>" in page
    w = login(worker)
    assert w.get(reverse("routines:version_detail", args=[pk, 2])).status_code == 404  # a draft is not for readers
    page = w.get(document_url).content.decode()
    assert "Jag har läst version 1" in page
    assert AccessLogEntry.objects.filter(object_type="routines.document", action="read", user=worker).exists()
    w.post(reverse("routines:acknowledge", args=[pk]))
    assert Acknowledgement.objects.filter(user=worker, version=version).exists()
    response = w.post(reverse("routines:document_create") + f"?kommun={world.own.municipality.code}", {})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_document_form_keeps_what_was_typed(world, login):
    c = login(world.own.users[Role.COORDINATOR])
    response = c.post(
        reverse("routines:document_create") + f"?kommun={world.own.municipality.code}",
        {"kind": "routine", "title": "Min rutin", "review_months": 99, "body": "Text som inte får försvinna"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Text som inte får försvinna" in page and "Min rutin" in page


@pytest.mark.django_db
def test_an_action_plan_with_goals_sub_goals_and_activities(world, login):
    coordinator, manager = world.own.users[Role.COORDINATOR], world.own.users[Role.MANAGER]
    with pytest.raises(ValidationError):
        services.action_plan_create(
            municipality=world.own.municipality,
            goals=[" "],
            user=coordinator,
            fields={"title": "Plan", "first_year": 2026, "last_year": 2028},
        )
    plan = services.action_plan_create(
        municipality=world.own.municipality,
        goals=["Stöd och skydd"],
        user=coordinator,
        fields={"title": "Plan", "first_year": 2026, "last_year": 2028},
    )
    goal = plan.goals.get()
    sub = services.sub_goal_add(goal=goal, text="Våld upptäcks", user=coordinator)
    with pytest.raises(ValidationError):
        services.activity_save(
            sub_goal=sub,
            user=coordinator,
            fields={"text": "Fråga", "owner": world.foreign.users[Role.SOCIAL_WORKER], "due_on": TODAY},
        )
    for status in ("done", "planned"):
        services.activity_save(
            sub_goal=sub,
            user=coordinator,
            fields={"text": status, "owner": manager, "due_on": TODAY - datetime.timedelta(days=1), "status": status},
        )
    with pytest.raises(ValidationError):
        services.goal_assess(goal=goal, year=2030, result="partly", assessment="x", user=manager)
    services.goal_assess(goal=goal, year=2026, result="partly", assessment="Delvis.", user=manager)
    page = login(manager).get(reverse("routines:action_plan_detail", args=[plan.pk])).content.decode()
    assert "1 av 2 aktiviteter klara (50 %)" in page
    assert "1 sen</span>" in page  # one late activity: the singular
    assert "Uppföljning 2026" in page


@pytest.mark.django_db
def test_a_drafts_attachment_is_served_only_to_whoever_may_see_the_draft(world, login):
    """The draft is 404 for staff and the county; so is the file attached to it, whatever its id."""
    manager = world.own.users[Role.MANAGER]
    document = _document(world.own)
    draft = services.open_version(document)
    attachment = services.attachment_add(
        version=draft, upload=SimpleUploadedFile("utkast.pdf", b"%PDF-1.4 utkast"), user=document.owner
    )
    url = reverse("routines:attachment_download", args=[attachment.pk])
    draft_url = reverse("routines:version_detail", args=[document.pk, draft.number])
    for reader in (world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COUNTY_ANALYST]):
        client = login(reader)
        assert client.get(draft_url).status_code == 404
        assert client.get(url).status_code == 404
    assert login(manager).get(url).status_code == 200
    assert login(document.owner).get(url).status_code == 200
    _approve(document, manager)
    assert login(world.own.users[Role.SOCIAL_WORKER]).get(url).status_code == 200  # in force: everyone reads it


@pytest.mark.django_db
def test_the_document_page_shows_a_draft_only_to_whoever_may_see_it(world, login):
    manager = world.own.users[Role.MANAGER]
    document = _document(world.own, body="# Rutin\nUtkastets hemliga formulering.")
    page_url = reverse("routines:document_detail", args=[document.pk])
    readers = (world.own.users[Role.SOCIAL_WORKER], world.own.users[Role.COUNTY_ANALYST])
    for reader in readers:
        page = login(reader).get(page_url).content.decode()
        assert "Utkastets hemliga formulering" not in page
    assert "Utkastets hemliga formulering" in login(document.owner).get(page_url).content.decode()
    _approve(document, manager)
    services.version_write(
        document=document, body="# Rutin\nNästa versions text.", change_note="Ny ansvarsfördelning", user=document.owner
    )
    for reader in readers:
        page = login(reader).get(page_url).content.decode()
        assert "Nästa versions text" not in page and "Ny ansvarsfördelning" not in page
        assert "Version 2" not in page and "Utkastets hemliga formulering" in page  # the version in force
    page = login(manager).get(page_url).content.decode()
    assert "Ny ansvarsfördelning" in page


@pytest.mark.django_db
def test_nobody_approves_a_version_they_wrote(world, login):
    """Four eyes, as for role descriptions and the public page: a manager who wrote (part of) a
    version sends it for review, and another manager approves it."""
    from fridsam.accounts.tests import factories as account_factories

    manager = world.own.users[Role.MANAGER]
    other = account_factories.staff(Role.MANAGER, municipality=world.own.municipality, username="other-manager")
    document = _document(world.own)
    version = services.version_write(document=document, body="# Rutin\nChefens text.", change_note="", user=manager)
    services.version_submit(version=version, user=manager)
    with pytest.raises(ValidationError):
        services.version_approve(version=version, user=manager)
    client = login(manager)
    page = client.get(reverse("routines:document_detail", args=[document.pk])).content.decode()
    assert "en annan chef godkänner den" in page and "Godkänn version 1" not in page
    response = client.post(reverse("routines:version_action", args=[document.pk, version.pk, "godkann"]), follow=True)
    assert "Versionen måste godkännas av någon som inte har skrivit den." in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW
    # Whoever added a file wrote part of the version too.
    services.version_return(version=version, user=other)
    services.attachment_add(version=version, upload=SimpleUploadedFile("bilaga.pdf", b"%PDF-1.4"), user=other)
    services.version_submit(version=version, user=manager)
    with pytest.raises(ValidationError):
        services.version_approve(version=version, user=other)
    third = account_factories.staff(Role.MANAGER, municipality=world.own.municipality, username="third-manager")
    services.version_approve(version=version, user=third)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED and version.approved_by == third


@pytest.mark.django_db
def test_a_file_named_after_a_personal_identity_number_is_refused(world):
    document = _document(world.own)
    with pytest.raises(ValidationError):
        services.attachment_add(
            version=services.open_version(document),
            upload=SimpleUploadedFile("beslut 121212\u20131212.pdf", b"%PDF-1.4 x"),
            user=document.owner,
        )
