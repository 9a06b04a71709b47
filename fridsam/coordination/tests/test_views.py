import pytest
from django.urls import reverse

from fridsam.coordination.models import CoordinatorPost, RoleDescription
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def test_manager_adds_a_post_and_bad_input_is_reshown_in_swedish(world, client, login):
    login(world.own.users[Role.MANAGER])
    url = reverse("coordination:post_create", args=[world.own.municipality.code])
    person = world.own.users[Role.SOCIAL_WORKER]
    data = {
        "coordinator": person.pk,
        "start_date": "2026-02-01",
        "end_date": "2026-01-01",
        "share_percent": "40",
        "placement_level": "ifo",
        "combined_duties": "none",
        "deputy": person.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "kan inte sluta innan den börjar" in html
    assert "Ersättaren kan inte vara samordnaren själv" in html
    assert 'value="2026-02-01"' in html  # what was typed is kept
    data.update(end_date="", deputy="")
    assert client.post(url, data).status_code == 302
    assert CoordinatorPost.objects.filter(coordinator=person).exists()


def test_coordinator_writes_the_role_description_and_a_manager_approves_it(world, client, login):
    post = world.own.post
    url = reverse("coordination:role_description", args=[world.own.municipality.code, post.pk])
    login(world.own.users[Role.COORDINATOR])
    response = client.post(
        url, {"purpose": "Nytt syfte", "goals": "Mål", "tasks": "Uppgifter", "colleague_use": "Bollplank"}
    )
    assert response.status_code == 302
    newest = RoleDescription.objects.filter(post=post).order_by("-written_at").first()
    assert newest.purpose == "Nytt syfte" and not newest.is_approved
    approve = reverse("coordination:role_description_approve", args=[world.own.municipality.code, post.pk, newest.pk])
    assert client.post(approve).status_code == 403  # not one's own
    login(world.own.users[Role.MANAGER])
    assert client.post(approve).status_code == 302
    newest.refresh_from_db()
    assert newest.is_approved


def test_other_staff_cannot_edit_the_setup(world, client, login):
    login(world.own.users[Role.SOCIAL_WORKER])
    for url in (
        reverse("coordination:post_create", args=[world.own.municipality.code]),
        reverse("coordination:team_edit", args=[world.own.municipality.code]),
        reverse("coordination:role_description", args=[world.own.municipality.code, world.own.post.pk]),
    ):
        assert client.get(url).status_code == 403


def test_team_form_edits_the_team(world, client, login):
    login(world.own.users[Role.MANAGER])
    url = reverse("coordination:team_edit", args=[world.own.municipality.code])
    page = client.get(url)
    assert page.status_code == 200 and 'value="VINR-teamet"' in page.content.decode()
    response = client.post(
        url,
        {
            "name": "Familjefridsteamet",
            "leader": world.own.users[Role.MANAGER].pk,
            "meeting_rhythm": "weekly",
            "purpose": "Stöd",
            "start_date": "2024-01-01",
            "members": [world.own.users[Role.SOCIAL_WORKER].pk],
        },
    )
    assert response.status_code == 302
    world.own.team.refresh_from_db()
    assert world.own.team.name == "Familjefridsteamet"


def test_a_manager_of_two_municipalities_shares_a_post_between_them(world, client, login):
    from fridsam.accounts.services import membership_grant
    from fridsam.coordination.models import PostAssignment

    manager = world.own.users[Role.MANAGER]
    membership_grant(user=manager, role=Role.MANAGER, municipality=world.neighbour.municipality)
    login(manager)
    url = reverse("coordination:assignment_add", args=[world.own.municipality.code, world.own.post.pk])
    page = client.get(url)
    assert world.neighbour.municipality.name in page.content.decode()
    response = client.post(url, {"municipality": world.neighbour.municipality.pk, "share_percent": "60"})
    assert response.status_code == 200 and "110" in response.content.decode()  # 50 + 60 > 100
    response = client.post(
        url, {"municipality": world.neighbour.municipality.pk, "share_percent": "25", "management_group_seat": "on"}
    )
    assert response.status_code == 302
    assert PostAssignment.objects.filter(post=world.own.post).count() == 2
    # A municipality the manager does not manage cannot be chosen.
    response = client.post(url, {"municipality": world.foreign.municipality.pk, "share_percent": "10"})
    assert response.status_code == 200 and response.context["form"].errors
