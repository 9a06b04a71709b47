"""The demo county reproduces the evaluation's situation and loads idempotently."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Q

from fridsam.accounts.models import Membership, User
from fridsam.coordination.models import PostAssignment
from fridsam.core.audit import verify_chain
from fridsam.core.models import AccessLogEntry
from fridsam.core.roles import Role
from fridsam.demo import data
from fridsam.organisations.models import Municipality, MunicipalityPopulation, Unit
from fridsam.retention import services as retention
from fridsam.retention.models import Kind
from fridsam.retention.selectors import counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", "--quiet")
    return Municipality.objects.filter(county__code=data.COUNTY["code"])


def test_the_evaluations_situation(demo):
    assert demo.count() == 10
    coordinators = Membership.objects.filter(role=Role.COORDINATOR, municipality__in=demo)
    assert coordinators.values("municipality").distinct().count() == 8
    assert coordinators.values("user").distinct().count() == 6
    today = datetime.date.today()
    current = PostAssignment.objects.filter(municipality__in=demo, post__start_date__lte=today).filter(
        Q(post__end_date__isnull=True) | Q(post__end_date__gte=today)
    )
    assert current.values("municipality").distinct().count() == 8
    shares = {}
    for a in current.select_related("post"):
        shares.setdefault(a.post.coordinator_id, []).append(a.share_percent)
    shapes = sorted(sorted(v) for v in shares.values())
    assert [25, 25, 25] in shapes
    assert shapes.count([100]) == 2
    rest = [v[0] for v in shapes if len(v) == 1 and v[0] != 100]
    assert len(rest) == 3 and all(50 <= share <= 75 for share in rest)
    titles = [m.title.lower() for m in coordinators]
    assert sum("egna ärenden" in t for t in titles) == 1  # combines the post with case handling
    assert sum("strateg" in t for t in titles) == 2  # purely strategic roles
    without = demo.exclude(memberships__role=Role.COORDINATOR)
    combined = current.filter(post__combined_duties="case_handling").values("municipality__name")
    assert [c["municipality__name"] for c in combined] == ["Salvik"]
    strategic = current.filter(post__consultation_support=False).values_list("municipality__name", flat=True)
    assert sorted(strategic) == ["Arnö", "Hallsberga"]
    assert without.count() == 2
    for municipality in without:
        assert Membership.objects.filter(
            municipality=municipality, role=Role.MANAGER, title__icontains="familjefridsteam"
        ).exists()


def test_every_role_has_a_demo_account_with_two_factor(demo):
    from allauth.mfa.models import Authenticator

    for role, username in data.DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password(data.DEMO_PASSWORD)
        assert Membership.objects.filter(user=user, role=role).exists()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_realistic_structure(demo):
    # The published years, and this year's preliminary figure carried forward for the case follow-up.
    assert MunicipalityPopulation.objects.filter(municipality__in=demo).count() == 10 * (len(data.POPULATION_YEARS) + 1)
    biggest = demo.get(code="9901")
    assert biggest.populations.get(year=2025).total == max(
        p.total for p in MunicipalityPopulation.objects.filter(year=2025, municipality__in=demo)
    )
    assert Unit.objects.filter(municipality=biggest).count() == 7


def test_loading_twice_changes_nothing(demo):
    counts = (User.objects.count(), Membership.objects.count(), Unit.objects.count(), AccessLogEntry.objects.count())
    call_command("load_demo", "--quiet")
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Unit.objects.count(),
        AccessLogEntry.objects.count(),
    )
    assert verify_chain().ok


def test_the_demo_is_refused_where_not_allowed(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FRIDSAM_ALLOW_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        call_command("load_demo", "--quiet")


def test_astads_archivist_previews_one_staff_account_and_culling_it_keeps_the_log_whole(demo):
    astad = demo.get(code="9901")
    archivist = User.objects.get(username="demo.arkivarie")
    run = retention.preview(municipality=astad, month=datetime.date.today())
    assert run.lines.get(kind=Kind.STAFF_ACCOUNT).due == 1
    assert counted(Kind.STAFF_ACCOUNT, 1) == "1 personalkonto"
    assert run.lines.filter(kind=Kind.FOLLOWUP_RECORD).exists()  # the records closed five years ago, as before
    leaver = User.objects.get(username="berit.sandell")
    retention.cull(run=retention.sign_off(run=run, acting_user=archivist))
    leaver.refresh_from_db()
    assert leaver.is_pseudonymised and leaver.username.startswith("Tidigare medarbetare ")
    assert not AccessLogEntry.objects.filter(detail__icontains="berit.sandell").exists()
    report = verify_chain()
    assert report.ok and report.sealed == 1
