"""Collaboration groups: refused without a purpose or a goal, meetings with attendance and
action items that reach the owner's start page, visibility by membership and place."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fridsam.collaboration import selectors, services
from fridsam.collaboration.models import CollaborationGroup, GroupKind
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db
PURPOSE = "Samordna stödet till våldsutsatta mellan socialtjänst, polis och kvinnojour."


def local_group(world, **overrides):
    own = world.own
    data = {
        "county": own.county,
        "kind": GroupKind.LOCAL,
        "municipality": own.municipality,
        "name": "Samverkansgruppen",
        "purpose": PURPOSE,
        "goals": ["Gemensam rutin för ärenden från polisen"],
        "chair": own.users[Role.COORDINATOR],
        "members": [own.users[Role.MANAGER], own.users[Role.PARTNER]],
        "user": own.users[Role.COORDINATOR],
    }
    data.update(overrides)
    return services.group_create(**data)


def test_no_group_without_a_purpose_and_a_goal(world):
    with pytest.raises(ValidationError) as exc:
        local_group(world, purpose="Träffas", goals=[])
    assert set(exc.value.error_dict) >= {"purpose", "goals"}
    assert not CollaborationGroup.objects.exists()


def test_members_come_from_the_municipality_or_the_county_partners(world):
    with pytest.raises(ValidationError) as exc:
        local_group(world, members=[world.neighbour.users[Role.MANAGER]])
    assert "members" in exc.value.error_dict
    group = local_group(world)
    organisations = {m.user_id: m.organisation for m in group.members.all()}
    assert organisations[world.own.users[Role.PARTNER].pk] == world.own.partner
    assert organisations[world.own.users[Role.MANAGER].pk] == world.own.municipality


def test_a_meeting_puts_actions_on_the_owners_start_page(world, login):
    group = local_group(world)
    partner_user = world.own.users[Role.PARTNER]
    members = {m.user_id: m for m in group.members.all()}
    in_two_weeks = timezone.localdate() + datetime.timedelta(days=14)
    meeting = services.meeting_record(
        group=group,
        held_on=timezone.localdate(),
        agenda="1. Rutin för polisärenden",
        minutes="Gruppen gick igenom rutinen.",
        present_member_ids=[members[partner_user.pk].pk],
        decisions=["Rutinen antas."],
        actions=[services.ActionInput("Sprid rutinen till alla poliser", partner_user, in_two_weeks)],
        user=world.own.users[Role.COORDINATOR],
    )
    assert meeting.attendance.count() == 3 and meeting.attendance.filter(present=True).count() == 1
    client = login(partner_user)
    assert "Sprid rutinen till alla poliser" in client.get("/").content.decode()
    item = meeting.actions.get()
    assert client.post(f"/samverkan/atgard/{item.pk}/klar/").status_code == 302
    assert "Sprid rutinen till alla poliser" not in client.get("/").content.decode()


def test_an_action_owner_must_be_a_member(world):
    group = local_group(world)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(
            group=group, held_on=timezone.localdate(), agenda="Punkt", minutes="", present_member_ids=[], decisions=[],
            actions=[services.ActionInput("Göra något", world.neighbour.users[Role.MANAGER], timezone.localdate())],
            user=world.own.users[Role.COORDINATOR],
        )  # fmt: skip
    assert "actions" in exc.value.error_dict
    assert not group.meetings.exists()


def test_who_sees_a_local_group(world, login):
    group = local_group(world)
    url = f"/samverkan/{group.pk}/"
    assert login(world.own.users[Role.SOCIAL_WORKER]).get(url).status_code == 200  # staff of the municipality
    assert login(world.own.users[Role.PARTNER]).get(url).status_code == 200  # a member
    assert login(world.neighbour.users[Role.PARTNER]).get(url).status_code == 404  # not a member
    assert login(world.neighbour.users[Role.COORDINATOR]).get(url).status_code == 404
    assert login(world.foreign.users[Role.COORDINATOR]).get(url).status_code == 404
    # Only the chair and the municipality's coordinators record meetings.
    assert login(world.own.users[Role.PARTNER]).get(url + "mote/nytt/").status_code == 403
    assert login(world.own.users[Role.COORDINATOR]).get(url + "mote/nytt/").status_code == 200


def test_regional_group_and_attendance_per_organisation(world, login):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    group = services.group_create(
        county=world.own.county, kind=GroupKind.REGIONAL, municipality=None, name="Regionala gruppen",
        purpose=PURPOSE, goals=["Alla kommuner deltar"], chair=world.own.users[Role.COORDINATOR],
        members=[world.neighbour.users[Role.COORDINATOR], world.own.users[Role.PARTNER]], user=analyst,
    )  # fmt: skip
    members = {m.user_id: m.pk for m in group.members.all()}
    for day, present in (
        (datetime.date(2025, 3, 1), [world.own.users[Role.COORDINATOR]]),
        (datetime.date(2026, 3, 1), []),
    ):
        services.meeting_record(
            group=group, held_on=day, agenda="Läget i länet", minutes="", decisions=[], actions=[], user=analyst,
            present_member_ids=[members[u.pk] for u in present],
        )  # fmt: skip
    years, rows = selectors.attendance([group])
    assert years == [2025, 2026]
    table = {r.organisation: r.per_year for r in rows}
    assert table[world.own.municipality.name] == {2025: (1, 1), 2026: (0, 1)}
    assert table[world.neighbour.municipality.name] == {2025: (0, 1), 2026: (0, 1)}
    # The neighbour's coordinator sees a regional group of the county; another county does not.
    assert login(world.neighbour.users[Role.COORDINATOR]).get(f"/samverkan/{group.pk}/").status_code == 200
    assert login(world.foreign.users[Role.COUNTY_ANALYST]).get(f"/samverkan/{group.pk}/").status_code == 404


def test_goal_follow_up_once_a_year(world, login):
    group = local_group(world)
    goal = group.goals.get()
    client = login(world.own.users[Role.COORDINATOR])
    url = f"/samverkan/{group.pk}/mal/{goal.pk}/uppfoljning/"
    assert (
        client.post(
            url, {"year": 2025, "result": "partly", "comment": "Rutinen finns, används inte överallt."}
        ).status_code
        == 302
    )
    assert client.post(url, {"year": 2025, "result": "achieved", "comment": ""}).status_code == 302
    assert goal.reviews.get().result == "achieved"
    assert "Uppnått" in client.get(f"/samverkan/{group.pk}/").content.decode()


def test_the_form_keeps_what_was_typed(world, login):
    client = login(world.own.users[Role.COORDINATOR])
    response = client.post(
        f"/samverkan/ny/?kommun={world.own.municipality.code}",
        {
            "kind": "local",
            "name": "Ny grupp",
            "purpose": "Kort",
            "goals": "",
            "chair": world.own.users[Role.COORDINATOR].pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Ny grupp"' in html and "minst ett mål" in html.lower()
