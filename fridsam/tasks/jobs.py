"""The kinds of background work the tasks app itself runs (found at start-up, as every app's
``jobs.py``: fridsam.core.apps), so that every process knows them: the web process and a management
command that submit one, and the worker that runs it."""

from __future__ import annotations

import io

from django.core.management import call_command

from fridsam.tasks import registry


@registry.register("command")
def command(task, tenancy) -> registry.Outcome:
    """A management command as a system task: the schedule's (they are idempotent: reminders, the
    access log's anchor, the effect estimates), or one a command submits after it changed figures
    (the demo's national benchmark data). ``args``: the command's arguments, if any."""
    out = io.StringIO()
    call_command(task.params["command"], *task.params.get("args", []), stdout=out)
    return registry.Outcome(summary={"output": out.getvalue()[-2000:]})
