"""Background tasks on a real Redis and a real Celery worker (ADR 0029): gunicorn and
``celery -A config worker`` as separate processes on one database copied from the demo county,
driven over HTTP as a person's browser would (the page polls the task's status part). Bounded:
each wait has its limit, everything listens on 127.0.0.1 only."""

from __future__ import annotations

import pytest

from tests import stack


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    stack.redis_or_skip()
    logs = tmp_path_factory.mktemp("worker-stack")
    with stack.database(tmp_path_factory) as database_url:
        # Every import goes to the worker, however small.
        env = stack.stack_env(database_url, logs / "files", FRIDSAM_IMPORT_INLINE_BYTES="1")
        with (
            stack.celery_worker(env, logs / "worker.log") as worker,
            stack.gunicorn(env, logs / "server.log") as (url, _server),
        ):
            yield env, url, worker, logs


def _log_rows(env, action: str, object_type: str) -> list[dict]:
    out = stack.shell(
        env,
        "import json; from fridsam.core.models import AccessLogEntry; from fridsam.core.tenancy import unscoped\n"
        "with unscoped():\n"
        f"    rows = list(AccessLogEntry.objects.filter(action={action!r}, object_type={object_type!r})"
        ".values('username', 'role', 'ip_address', 'detail'))\n"
        "print(json.dumps(rows))",
    )
    return stack.load_json(out)


def _task(env, pk: str) -> dict:
    out = stack.shell(
        env,
        "import json; from fridsam.tasks.models import Task\n"
        f"t = Task.system_objects.get(pk={pk!r})\n"
        "print(json.dumps({'status': t.status, 'attempts': t.attempts, 'failure': t.failure, 'result': t.result,"
        " 'file': t.result_file.name, 'input': t.input_file.name}))",
    )
    return stack.load_json(out)


def test_the_county_report_pdf_is_made_by_the_worker_and_followed_in_the_page(running):
    env, url, _worker, logs = running
    browser = stack.Browser(url, stack.session_cookie(env, "demo.lansanalytiker"))
    status, _h, report = browser.get("/lan/99/rapport/2025/")
    assert status == 200 and b"Skapa PDF" in report
    status, headers, _body = browser.post("/lan/99/rapport/2025/pdf/")
    assert status == 302, status
    location = headers["Location"]
    # The web server answered before the work was done: the worker makes the PDF.
    seen = stack.follow_task(browser, location)
    assert seen[-1] == "done", (seen, (logs / "worker.log").read_text()[-3000:])
    assert seen[0] in ("queued", "running")
    status, _h, page = browser.get(location)
    assert b"Ladda ner lansrapport-99-2025.pdf" in page
    pk = stack.TASK.search(location)[1]
    status, headers, pdf = browser.get(f"/uppgifter/{pk}/fil/")
    assert status == 200 and pdf.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    assert "received" in (logs / "worker.log").read_text()  # the worker, not the web server, ran it
    # The access log names the person and the address they asked from.
    rows = _log_rows(env, "export", "reports.county")
    assert [(r["username"], r["role"], r["ip_address"]) for r in rows] == [
        ("demo.lansanalytiker", "county_analyst", "127.0.0.1")
    ]
    # Another person does not see the task.
    other = stack.Browser(url, stack.session_cookie(env, "demo.chef"))
    assert other.get(location)[0] == 404 and other.get(f"/uppgifter/{pk}/fil/")[0] == 404

    # Delivered again (a worker died before acknowledging it): nothing is done twice.
    stack.shell(env, f"from celery import current_app; current_app.send_task('fridsam.tasks.run', args=[{pk!r}])")
    stack.wait_for(lambda: (logs / "worker.log").read_text().count("succeeded") >= 2, 60)
    assert _task(env, pk)["attempts"] == 1
    assert len(_log_rows(env, "export", "reports.county")) == 1


def test_an_import_runs_on_the_worker_all_or_nothing_then_the_suppression(running):
    env, url, _worker, _logs = running
    browser = stack.Browser(url, stack.session_cookie(env, "anna.lind"))
    assert browser.get("/statistik/import/")[0] == 200
    header = "kommunkod;kommun;indikator;år;antal;nämnare\n"
    bad = (header + "9901;Åstad;protected_housing;2019;x;\n").encode()
    status, headers, _b = browser.post("/statistik/import/", files={"file": ("statistik.csv", bad)})
    assert status == 302, status
    assert stack.follow_task(browser, headers["Location"])[-1] == "failed"
    page = browser.get(headers["Location"])[2].decode()
    assert "Ingenting importerades: 1 fel att rätta." in page and "Försök igen" in page
    good = (header + "9901;Åstad;protected_housing;2019;7;\n").encode()
    status, headers, _b = browser.post("/statistik/import/", files={"file": ("statistik.csv", good)})
    assert stack.follow_task(browser, headers["Location"])[-1] == "done"
    task = _task(env, stack.TASK.search(headers["Location"])[1])
    assert task["result"]["created"] + task["result"]["updated"] == 1 and task["input"] == ""
    out = stack.shell(
        env,
        "import json; from fridsam.tasks.models import Task\n"
        "print(json.dumps([(t.status, t.params) for t in Task.system_objects.filter(kind='statistics.refresh')]))",
    )
    refreshed = stack.load_json(out)
    assert refreshed and {status for status, _params in refreshed} == {"done"}
    assert [2019] in [params["years"] for _status, params in refreshed]
    rows = _log_rows(env, "import", "statistics.indicatorvalue")
    assert rows and rows[-1]["username"] == "anna.lind", rows


def test_the_daily_reminders_run_on_the_worker_once_a_day(running):
    env, _url, _worker, _logs = running
    send = (
        "from celery import current_app\n"
        "current_app.send_task('fridsam.tasks.scheduled', args=['send_reminders', 'daily'])\n"
    )
    stack.shell(env, send + send)  # two schedulers, or one restarted: one run
    code = (
        "import json; from fridsam.tasks.models import Task\n"
        "print(json.dumps([t.status for t in Task.system_objects.filter(kind='command')]))"
    )
    stack.wait_for(lambda: stack.load_json(stack.shell(env, code)) == ["done"], 90, lambda: stack.shell(env, code))
    out = stack.shell(
        env, "from fridsam.tasks.models import Task; print(Task.system_objects.get(kind='command').result['output'])"
    )
    assert out.startswith("reminders: ")  # the command's own summary line
