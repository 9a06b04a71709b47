"""The national benchmark data (fridsam.demo.benchmark, ADR 0042): generated practice
municipalities loaded idempotently, marked and named as practice data, the estimates recomputed by
the background task, and the national page giving an estimate with its interval and event study.
The suite loads a smaller benchmark than the demo's 290 municipalities, for time; `make bench`
measures the estimate at full size."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from fridsam.accounts.models import Membership, User
from fridsam.coordination.models import CoordinatorPost, PostAssignment
from fridsam.core.audit import verify_chain
from fridsam.core.models import AccessLogEntry
from fridsam.demo import benchmark
from fridsam.organisations.models import County, Municipality
from fridsam.statistics.effects import NATIONAL, Estimate
from fridsam.statistics.models import EffectEstimate, EffectVerdict, IndicatorValue
from fridsam.tasks.models import Task

pytestmark = pytest.mark.django_db

SIZE = ["--municipalities", "60", "--counties", "3"]


def _state():
    """Everything the benchmark writes, as counts and the estimates as they were computed."""
    return (
        County.objects.count(),
        Municipality.objects.count(),
        IndicatorValue.objects.count(),
        CoordinatorPost.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AccessLogEntry.objects.count(),
        Task.objects.count(),
        sorted(EffectEstimate.objects.values_list("scope", "indicator_id", "input_digest", "computed_at")),
    )


def test_the_national_page_gives_an_estimate_with_its_interval_and_event_study(world, client, capsys):
    call_command("load_national_benchmark", *SIZE)
    out = capsys.readouterr().out
    assert "generated practice data, not real municipalities" in out
    assert "3 counties loaded" in out and "60 benchmark municipalities" in out
    counties = County.objects.filter(code__in=["70", "71", "72"])
    assert [c.name for c in counties] == [f"Övningslän {c} (genererade jämförelsedata)" for c in ("70", "71", "72")]
    municipalities = Municipality.objects.filter(county__in=counties)
    assert municipalities.count() == 60 and not municipalities.filter(is_demo=False).exists()
    assert all(m.name == f"Övningskommun {m.code}" for m in municipalities)
    assert IndicatorValue.objects.filter(municipality__in=municipalities).values("year").distinct().count() == 10
    # Staggered starts, some posts shared between two municipalities, some ended.
    assignments = PostAssignment.objects.filter(municipality__in=municipalities).select_related("post")
    assert len({a.post.start_date.year for a in assignments}) >= 5
    assert any(a.post.assignments.count() == 2 for a in assignments)
    assert any(a.post.end_date is not None for a in assignments)
    # The coordinators cannot log in.
    assert not any(a.post.coordinator.has_usable_password() for a in assignments)
    # Recomputed by the nightly recompute's task, at once (no broker in the tests).
    task = Task.objects.get(key=benchmark.RECOMPUTE_KEY)
    assert task.kind == "command" and task.status == "done" and task.requested_by is None
    stored = EffectEstimate.objects.get(scope=NATIONAL, indicator__key="vinr_adults")
    result = Estimate.from_json(stored.result)
    assert result.practice == result.municipalities == 60

    world.act_as(client, world.national)
    response = client.get(reverse("statistics:national_effects") + "?indikator=vinr_adults")
    assert response.status_code == 200
    reading = response.context["reading"]
    assert reading.verdict in (EffectVerdict.ASSOCIATION, EffectVerdict.NONE_SEEN)
    assert reading.effect and reading.interval and " till " in reading.interval
    assert [row for row in reading.event if row.interval], "the event study has years to show"
    page = response.content.decode()
    assert page.count("<svg") == 1 and "Skillnaden per år sedan starten" in page  # the chart and its table
    assert "Alla 60 kommuner i skattningen är övningsdata" in page
    assert not any(m.name in page for m in municipalities)  # nothing per municipality
    # Their start page: the estimate per indicator, said to be practice data.
    start = client.get(reverse("core:start")).content.decode()
    assert "Genererade övningsdata, inte verkliga kommuner" in start
    assert reading.effect in start


def test_loading_twice_changes_nothing(world):
    small = ["--municipalities", "30", "--counties", "2"]
    call_command("load_national_benchmark", *small)
    before = _state()
    call_command("load_national_benchmark", *small)
    assert _state() == before  # no county, figure, post, account, log entry, task or estimate more
    assert verify_chain().ok


def test_a_recompute_that_did_not_run_is_submitted_again(world):
    benchmark.load(municipalities=30, counties=2, recompute=False)
    assert not EffectEstimate.objects.filter(scope=NATIONAL).exists()
    call_command("load_national_benchmark", "--municipalities", "30", "--counties", "2")
    assert Task.objects.filter(key=benchmark.RECOMPUTE_KEY, status="done").count() == 1
    assert benchmark.national_estimate_counts(30)


def test_the_demo_countys_figures_and_estimates_stand():
    call_command("load_demo", "--quiet")
    demo = Municipality.objects.filter(county__code="99")
    figures = sorted(
        IndicatorValue.objects.filter(municipality__in=demo).values_list(
            "municipality__code", "indicator__key", "year", "count", "denominator", "value", "source"
        )
    )
    estimates = sorted(
        EffectEstimate.objects.filter(scope="99").values_list("indicator_id", "input_digest", "computed_at")
    )
    call_command("load_national_benchmark", "--municipalities", "20", "--counties", "2")
    assert demo.count() == 10
    assert (
        sorted(
            IndicatorValue.objects.filter(municipality__in=demo).values_list(
                "municipality__code", "indicator__key", "year", "count", "denominator", "value", "source"
            )
        )
        == figures
    )
    assert (
        sorted(EffectEstimate.objects.filter(scope="99").values_list("indicator_id", "input_digest", "computed_at"))
        == estimates
    )
    # The national estimate now counts the demo's ten and the benchmark's twenty, all practice data.
    national = Estimate.from_json(EffectEstimate.objects.get(scope=NATIONAL, indicator__key="vinr_all").result)
    assert national.practice == national.municipalities == 30


def test_it_is_refused_where_it_does_not_fit(settings):
    County.objects.create(code="70", name="Ett riktigt län")
    with pytest.raises(CommandError, match="70"):
        call_command("load_national_benchmark", "--municipalities", "20", "--counties", "2")
    assert not County.objects.filter(code="71").exists()  # nothing was loaded
    with pytest.raises(CommandError):
        call_command("load_national_benchmark", "--counties", "22")
    with pytest.raises(CommandError):
        call_command("load_national_benchmark", "--municipalities", "2", "--counties", "3")
    settings.FRIDSAM_ALLOW_DEMO = False
    with pytest.raises(ImproperlyConfigured):
        call_command("load_national_benchmark", "--municipalities", "20", "--counties", "2")
