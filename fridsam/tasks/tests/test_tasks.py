"""Background tasks in-process (no broker: the tests, `make run`): the county report and a large
import as tasks, their page, who sees them, failures, retries and running twice (ADR 0029). The
same work on a real Redis and a real Celery worker: test_worker.py."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.models import Membership
from fridsam.core.actor import NOBODY, acting
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from fridsam.core.tenancy import ScopeError, tenant_scope
from fridsam.reports import jobs as report_jobs
from fridsam.statistics import jobs as statistics_jobs
from fridsam.statistics.models import IndicatorValue
from fridsam.tasks import services, worker
from fridsam.tasks.models import Status, Task
from fridsam.tasks.testing import task_file, task_id

pytestmark = pytest.mark.django_db

HEADER = "kommunkod;kommun;indikator;år;antal;nämnare"


def _exports(user):
    return AccessLogEntry.objects.filter(action=AccessAction.EXPORT, user=user, object_type="reports.county")


def test_the_county_report_is_made_by_a_task_and_downloaded_from_its_page(world, login, client):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    login(analyst)
    county = world.own.county
    report = client.get(reverse("reports:county", args=[county.code, 2024])).content.decode()
    assert f'action="{reverse("reports:county_pdf", args=[county.code, 2024])}"' in report  # a form, not a link
    response = client.post(reverse("reports:county_pdf", args=[county.code, 2024]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    pk = task_id(response)
    task = Task.system_objects.get(pk=pk)
    assert (task.status, task.requested_by, task.attempts) == (Status.DONE, analyst, 1)
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page  # finished: the polling stops
    assert f"Ladda ner lansrapport-{county.code}-2024.pdf" in page
    pdf = task_file(client, response)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f'filename="lansrapport-{county.code}-2024.pdf"' in pdf["Content-Disposition"]
    # The access log names the person and the address they asked from, not the worker.
    entry = _exports(analyst).get()
    assert (entry.username, entry.role, entry.ip_address) == (analyst.username, Role.COUNTY_ANALYST, "10.1.2.3")
    assert "Länsrapport 2024 (PDF)" in entry.detail
    assert reverse("tasks:detail", args=[pk]) in client.get(reverse("tasks:index")).content.decode()


def test_a_person_sees_only_their_own_tasks(world, login, client):
    login(world.own.users[Role.COUNTY_ANALYST])
    pk = task_id(client.post(reverse("reports:county_pdf", args=[world.own.county.code, 2024])))
    client.logout()
    for user in (world.foreign.users[Role.COUNTY_ANALYST], world.own.users[Role.COORDINATOR], world.administrator):
        login(user)
        for name in ("tasks:detail", "tasks:status", "tasks:download"):
            assert client.get(reverse(name, args=[pk])).status_code == 404, (user, name)
        assert client.post(reverse("tasks:retry", args=[pk])).status_code == 404
        assert pk not in client.get(reverse("tasks:index")).content.decode()
        client.logout()


def test_the_page_polls_while_the_task_is_queued_or_running(world, login, client):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    task = Task.system_objects.create(
        kind=report_jobs.COUNTY_PDF,
        label="Länsrapport 2024",
        requested_by=analyst,
        params={"county_code": world.own.county.code, "year": 2024},
    )
    login(analyst)
    status_url = reverse("tasks:status", args=[task.pk])
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "Köad" in page and '<meta http-equiv="refresh"' in page  # without JavaScript, the page reloads
    Task.system_objects.filter(pk=task.pk).update(status=Status.RUNNING, started_at=timezone.now())
    fragment = client.get(status_url).content.decode()
    assert fragment.startswith('\n<div id="task-status"') or fragment.lstrip().startswith('<div id="task-status"')
    assert "Pågår" in fragment and 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    Task.system_objects.filter(pk=task.pk).update(status=Status.QUEUED, started_at=None)
    assert services.run(task.pk) == Status.DONE
    fragment = client.get(status_url).content.decode()
    assert "Klar" in fragment and "hx-trigger" not in fragment and reverse("tasks:download", args=[task.pk]) in fragment


def test_a_task_run_twice_does_its_work_once(world):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    task = Task.system_objects.create(
        kind=report_jobs.COUNTY_PDF,
        label="Länsrapport 2024",
        requested_by=analyst,
        params={"county_code": world.own.county.code, "year": 2024},
    )
    assert services.run(task.pk) == Status.DONE
    assert services.run(task.pk) is None  # delivered again: finished, nothing to do
    task.refresh_from_db()
    assert task.attempts == 1 and _exports(analyst).count() == 1
    # A delivery while another worker is on it does nothing; after its worker has been silent past
    # the stale limit (it died), the next delivery takes the task and does the work whole.
    Task.system_objects.filter(pk=task.pk).update(status=Status.RUNNING, started_at=timezone.now())
    assert services.run(task.pk) is None
    Task.system_objects.filter(pk=task.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert services.run(task.pk) == Status.DONE
    task.refresh_from_db()
    assert task.attempts == 2 and _exports(analyst).count() == 2


def test_asking_again_while_the_report_is_on_its_way_is_the_same_task(world):
    analyst = world.own.users[Role.COUNTY_ANALYST]
    first = Task.system_objects.create(
        kind=report_jobs.COUNTY_PDF, label="x", requested_by=analyst, key=f"{report_jobs.COUNTY_PDF}:x"
    )
    again = services.submit(kind=report_jobs.COUNTY_PDF, label="x", user=analyst, key=f"{report_jobs.COUNTY_PDF}:x")
    assert again.pk == first.pk and Task.system_objects.count() == 1


def test_a_failed_task_says_why_in_swedish_and_can_be_run_again(world, login, client):
    coordinator = world.own.users[Role.COUNTY_ANALYST]
    membership = Membership.objects.get(user=coordinator)
    Membership.objects.filter(pk=membership.pk).update(valid_from=datetime.date(2099, 1, 1))  # not yet the analyst
    task = services.submit(
        kind=report_jobs.COUNTY_PDF,
        label="Länsrapport 2024",
        user=coordinator,
        params={"county_code": world.own.county.code, "year": 2024},
    )
    task.refresh_from_db()
    assert task.status == Status.FAILED
    assert task.failure == "Du får inte längre läsa länets rapport."
    login(coordinator)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "Misslyckades" in page and "Du får inte längre läsa länets rapport." in page and "Försök igen" in page
    Membership.objects.filter(pk=membership.pk).update(valid_from=membership.valid_from)  # the analyst again
    response = client.post(reverse("tasks:retry", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.attempts, task.failure) == (Status.DONE, 2, "")
    assert task_file(client, response).content.startswith(b"%PDF")
    assert client.post(reverse("tasks:retry", args=[task.pk])).status_code == 302  # done: nothing to retry
    task.refresh_from_db()
    assert task.attempts == 2


def test_an_unexpected_error_fails_the_task_with_a_message_and_no_trace(world, monkeypatch):
    analyst = world.own.users[Role.COUNTY_ANALYST]

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not reach the page")

    monkeypatch.setattr(report_jobs.builder, "county_report", broken)
    task = services.submit(
        kind=report_jobs.COUNTY_PDF,
        label="Länsrapport",
        user=analyst,
        params={"county_code": world.own.county.code, "year": 2024},
    )
    task.refresh_from_db()
    assert task.status == Status.FAILED and "internal detail" not in task.failure
    assert task.failure.startswith("Uppgiften stoppades av ett fel i Fridsam. Ingenting av den sparades.")


def _csv(world, text):
    code = world.own.municipality.code
    rows = "\n".join(line.format(code=code) for line in text)
    return SimpleUploadedFile("statistik 19121212-1212.csv", f"{HEADER}\n{rows}".encode(), content_type="text/csv")


def test_a_large_import_is_a_task_and_the_suppression_is_computed_after_it(world, login, client, settings):
    settings.FRIDSAM_IMPORT_INLINE_BYTES = 10
    coordinator = world.own.users[Role.COORDINATOR]
    login(coordinator)
    upload = _csv(world, ["{code};Ort;protected_housing;2024;7;", "{code};Ort;investigations;2024;40;"])
    response = client.post(reverse("statistics:import"), {"file": upload})
    assert response.status_code == 302
    task = Task.system_objects.get(pk=task_id(response))
    assert task.status == Status.DONE and not task.input_file  # the uploaded file is not kept
    assert "19121212" not in task.input_name and "19121212" not in task.label
    page = client.get(response["Location"]).content.decode()
    assert "Nya uppgifter: 2, ändrade: 0, oförändrade: 0, kommuner: 1." in page
    assert IndicatorValue.objects.filter(municipality=world.own.municipality, year=2024).count() == 2
    refresh = Task.system_objects.get(kind=statistics_jobs.REFRESH)
    assert refresh.requested_by is None and refresh.status == Status.DONE
    assert refresh.params == {"county_id": world.own.county.pk, "years": [2024]}
    entry = AccessLogEntry.objects.filter(action=AccessAction.IMPORT, user=coordinator).get()
    assert entry.role == Role.COORDINATOR
    # The same file again changes nothing, and needs no new suppression.
    again = client.post(reverse("statistics:import"), {"file": _csv(world, ["{code};Ort;protected_housing;2024;7;"])})
    assert "oförändrade: 1" in client.get(again["Location"]).content.decode()
    assert Task.system_objects.filter(kind=statistics_jobs.REFRESH).count() == 1


def test_a_large_import_with_wrong_rows_fails_and_lists_them(world, login, client, settings):
    settings.FRIDSAM_IMPORT_INLINE_BYTES = 10
    login(world.own.users[Role.COORDINATOR])
    upload = _csv(world, ["{code};Ort;protected_housing;2024;x;"])
    response = client.post(reverse("statistics:import"), {"file": upload})
    task = Task.system_objects.get(pk=task_id(response))
    assert task.status == Status.FAILED and task.failure == "Ingenting importerades: 1 fel att rätta."
    page = client.get(response["Location"]).content.decode()
    assert "Antalet ”x” är inte ett heltal." in page and "Försök igen" in page
    assert not IndicatorValue.objects.filter(municipality=world.own.municipality).exists()


def test_a_small_import_is_made_while_the_page_waits(world, login, client):
    login(world.own.users[Role.COORDINATOR])
    upload = _csv(world, ["{code};Ort;protected_housing;2024;7;"])
    response = client.post(reverse("statistics:import"), {"file": upload})
    assert response.status_code == 200 and "Nya uppgifter: 1" in response.content.decode()
    assert Task.system_objects.filter(kind=statistics_jobs.IMPORT).count() == 0
    assert Task.system_objects.filter(kind=statistics_jobs.REFRESH, status=Status.DONE).count() == 1


def test_the_schedule_runs_each_command_once_per_period(world, settings, mailoutbox):
    from django.core.management import get_commands

    entries = settings.CELERY_BEAT_SCHEDULE.values()
    assert [e["task"] for e in entries if e["task"] != "fridsam.tasks.scheduled"] == ["fridsam.tasks.redispatch"]
    entries = [e for e in entries if e["task"] == "fridsam.tasks.scheduled"]
    commands = {entry["args"][0] for entry in entries}
    assert commands == {
        "send_reminders",
        "anchor_access_log",
        "verify_access_log",
        "recompute_followup_statistics",
        "recompute_effects",
        "retention_monthly",
    }
    assert commands <= set(get_commands())
    for entry in entries:
        assert entry["args"][1] in worker.PERIODS
    first = worker.scheduled("send_reminders", "daily")
    second = worker.scheduled("send_reminders", "daily")  # a second beat, or one restarted today
    assert first == second
    task = Task.system_objects.get(pk=first)
    assert task.status == Status.DONE and task.requested_by is None
    assert task.result["output"].startswith("reminders: ")


def test_tasks_are_read_only_as_a_person_or_as_the_system():
    with tenant_scope(None), acting(NOBODY), pytest.raises(ScopeError):
        list(Task.objects.all())


def test_the_redispatch_sends_what_the_queue_may_not_hold_and_nothing_else(world, settings, monkeypatch):
    """Beat's tick (ADR 0043): rows never sent, rows sent long ago that nobody took, rows running
    past the visibility timeout; not a row just asked for, one on its way, or a finished one. The
    queue itself (Redis stopped and started under a worker) is test_outages.py's."""
    settings.FRIDSAM_TASK_REDISPATCH_SECONDS = 60
    settings.FRIDSAM_TASK_RESEND_MINUTES = 15
    now = timezone.now()
    ago = lambda **kw: now - datetime.timedelta(**kw)  # noqa: E731
    rows = {
        "never sent": {"status": Status.QUEUED, "created_at": ago(minutes=2), "sent_at": None},
        "just asked for": {"status": Status.QUEUED, "created_at": ago(seconds=5), "sent_at": None},
        "on its way": {"status": Status.QUEUED, "created_at": ago(minutes=2), "sent_at": ago(minutes=2)},
        "sent, never taken": {"status": Status.QUEUED, "created_at": ago(hours=1), "sent_at": ago(minutes=20)},
        "running": {"status": Status.RUNNING, "created_at": ago(minutes=40), "sent_at": ago(minutes=40)},
        "worker lost": {"status": Status.RUNNING, "created_at": ago(hours=2), "sent_at": ago(hours=2)},
        "done": {"status": Status.DONE, "created_at": ago(hours=2), "sent_at": None},
        "failed": {"status": Status.FAILED, "created_at": ago(hours=2), "sent_at": None},
    }
    ids = {}
    for label, fields in rows.items():
        task = Task.system_objects.create(kind="command", label=label, params={"command": "send_reminders"})
        Task.system_objects.filter(pk=task.pk).update(started_at=fields["created_at"], **fields)
        ids[task.pk] = label
    sent = []
    monkeypatch.setattr(services, "_send", lambda pk: sent.append(ids[pk]) or True)
    assert services.redispatch() == 3
    assert sent == ["worker lost", "sent, never taken", "never sent"]  # the oldest first

    def away(pk):
        sent.append(ids[pk])
        return False

    sent.clear()
    monkeypatch.setattr(services, "_send", away)
    assert services.redispatch() == 0
    assert sent == ["worker lost"]  # the broker is away: the next tick tries again
