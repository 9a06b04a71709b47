"""Every write of the coordinator function, with its validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from fridsam.accounts.models import Membership
from fridsam.accounts.tests import factories as account_factories
from fridsam.coordination import services
from fridsam.coordination.models import Absence, CoordinatorPost, PostAssignment, RoleDescription, TeamMember
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.organisations.tests import factories as org_factories

pytestmark = pytest.mark.django_db
D = datetime.date


def new_post(world, *, coordinator=None, share=50, start=D(2025, 1, 1), **fields):
    fields = {"placement_level": "ifo", "combined_duties": "none", "consultation_support": True, **fields}
    return services.post_create(
        coordinator=coordinator or account_factories.user(),
        assignments=[services.Assignment(world.neighbour.municipality, share, False)],
        start_date=start,
        **fields,
    )


def test_a_post_gives_its_coordinator_access_and_is_logged(world):
    person = account_factories.user()
    post = new_post(world, coordinator=person)
    assert Membership.objects.filter(
        user=person, role=Role.COORDINATOR, municipality=world.neighbour.municipality
    ).exists()
    assert AccessLogEntry.objects.filter(object_type="coordination.coordinatorpost", object_id=str(post.pk)).exists()


def test_a_former_post_registered_for_the_history_gives_no_access(world):
    person = account_factories.user()
    new_post(world, coordinator=person, start=D(2015, 1, 1), end_date=D(2016, 1, 1))
    assert not Membership.objects.filter(user=person, role=Role.COORDINATOR).exists()


def test_shares_past_100_percent_of_a_persons_time_are_refused(world):
    person = account_factories.user()
    new_post(world, coordinator=person, share=60)
    with pytest.raises(ValidationError) as info:
        services.post_create(
            coordinator=person,
            assignments=[services.Assignment(world.own.municipality, 50, False)],
            start_date=D(2025, 6, 1),
            placement_level="ifo",
            combined_duties="none",
            consultation_support=True,
        )
    assert "110" in str(info.value.message_dict["share_percent"])
    # A post that ended before the new one starts does not count.
    other = account_factories.user()
    new_post(world, coordinator=other, share=80, start=D(2020, 1, 1), end_date=D(2020, 12, 31))
    new_post(world, coordinator=other, share=80, start=D(2021, 1, 1))


def test_combined_duties_count_towards_the_whole_post(world):
    with pytest.raises(ValidationError) as info:
        new_post(world, share=80, combined_duties="case_handling", combined_duties_percent=30)
    assert "share_percent" in info.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end_date": D(2024, 1, 1)}, "end_date"),
        ({"placement_level": "unit"}, "placement_unit"),
        ({"combined_duties": "case_handling"}, "combined_duties_percent"),
        ({"combined_duties_percent": 20}, "combined_duties_percent"),
    ],
)
def test_invalid_posts_are_refused_with_the_field_named(world, fields, field):
    with pytest.raises(ValidationError) as info:
        new_post(world, **fields)
    assert field in info.value.message_dict
    assert not CoordinatorPost.objects.filter(
        start_date=D(2025, 1, 1), assignments__municipality=world.neighbour.municipality
    ).exists()


def test_the_deputy_cannot_be_the_coordinator(world):
    person = account_factories.user()
    with pytest.raises(ValidationError) as info:
        new_post(world, coordinator=person, deputy=person)
    assert "deputy" in info.value.message_dict


def test_a_placement_unit_of_another_municipality_is_refused(world):
    with pytest.raises(ValidationError) as info:
        new_post(world, placement_level="unit", placement_unit=world.own.unit)
    assert "placement_unit" in info.value.message_dict


def test_assignment_set_adds_a_municipality_and_checks_the_total(world):
    post = new_post(world, share=50)
    services.assignment_set(
        post=post, municipality=world.own.municipality, share_percent=25, management_group_seat=True
    )
    assert sorted(PostAssignment.objects.filter(post=post).values_list("share_percent", flat=True)) == [25, 50]
    with pytest.raises(ValidationError):
        services.assignment_set(
            post=post, municipality=world.own.municipality, share_percent=60, management_group_seat=True
        )


def test_role_description_versions_and_approval(world):
    post = world.own.post
    coordinator = world.own.users[Role.COORDINATOR]
    manager = world.own.users[Role.MANAGER]
    with pytest.raises(ValidationError, match=r"egen|own"):
        services.role_description_approve(description=world.own.role_description, acting_user=coordinator)
    services.role_description_approve(description=world.own.role_description, acting_user=manager)
    with pytest.raises(ValidationError):
        services.role_description_approve(description=world.own.role_description, acting_user=manager)
    second = services.role_description_write(
        post=post, purpose="Nytt syfte", goals="Mål", tasks="Uppgifter", colleague_use="Stöd", acting_user=coordinator
    )
    assert not second.is_approved
    assert RoleDescription.objects.filter(post=post).count() == 2
    with pytest.raises(ValidationError) as info:
        services.role_description_write(
            post=post, purpose="Klient 811218-9876", goals="g", tasks="t", colleague_use="c"
        )
    assert "purpose" in info.value.message_dict


def test_absences_must_lie_in_the_post_and_not_overlap(world):
    post = world.own.post
    services.absence_add(post=post, kind="parental_leave", start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
    with pytest.raises(ValidationError, match=r"redan|already"):
        services.absence_add(post=post, kind="sick_leave", start_date=D(2025, 6, 1), end_date=D(2025, 7, 1))
    with pytest.raises(ValidationError):
        services.absence_add(post=post, kind="sick_leave", start_date=D(2023, 1, 1), end_date=D(2023, 2, 1))
    with pytest.raises(ValidationError):
        services.absence_add(post=post, kind="sick_leave", start_date=D(2025, 9, 2), end_date=D(2025, 9, 1))
    assert Absence.objects.filter(post=post).count() == 1


def test_team_members_come_from_the_municipality_with_their_unit(world):
    team = world.own.team
    member = world.own.users[Role.SOCIAL_WORKER]
    assert TeamMember.objects.get(team=team, user=member).unit == world.own.unit
    outsider = world.neighbour.users[Role.SOCIAL_WORKER]
    with pytest.raises(ValidationError) as info:
        services.team_save(
            municipality=world.own.municipality,
            team=team,
            name="VINR",
            leader=member,
            meeting_rhythm="weekly",
            purpose="p",
            start_date=D(2024, 1, 1),
            members=[outsider],
        )
    assert "members" in info.value.message_dict
    services.team_save(
        municipality=world.own.municipality,
        team=team,
        name="VINR",
        leader=member,
        meeting_rhythm="weekly",
        purpose="p",
        start_date=D(2024, 1, 1),
        members=[],
    )
    assert list(TeamMember.objects.filter(team=team).values_list("user_id", flat=True)) == [member.pk]


def test_a_shared_post_is_one_row_per_municipality_and_visible_in_each(world):
    from fridsam.accounts.selectors import tenancy_for_user
    from fridsam.core.tenancy import tenant_scope

    post = new_post(world, share=25)
    services.assignment_set(
        post=post, municipality=world.own.municipality, share_percent=25, management_group_seat=False
    )
    org_factories.unit(municipality=world.own.municipality)
    for user in (world.own.users[Role.MANAGER], world.neighbour.users[Role.MANAGER]):
        with tenant_scope(tenancy_for_user(user=user).scope):
            assert list(CoordinatorPost.objects.filter(pk=post.pk)) == [post]  # once, not twice
    with tenant_scope(tenancy_for_user(user=world.foreign.users[Role.MANAGER]).scope):
        assert not CoordinatorPost.objects.filter(pk=post.pk).exists()
