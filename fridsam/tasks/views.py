"""A task's page: where the work is (queued → running → done, polled with htmx), then the file or
the outcome; a failed task says why and can be run again. Only the person who asked sees it."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fridsam.tasks import registry, selectors, services
from fridsam.tasks.models import Status


def _own(request, pk):
    task = selectors.task_of(user=request.user, pk=pk)
    if task is None:
        raise Http404
    return task


def _context(task) -> dict:
    kind = registry.kind(task.kind)
    return {"task": task, "summary_template": kind.template if kind else "", "Status": Status}


def index(request):
    return render(request, "tasks/index.html", {"tasks": selectors.tasks_of(user=request.user)})


def detail(request, pk):
    return render(request, "tasks/detail.html", _context(_own(request, pk)))


def status(request, pk):
    """The part of the page htmx asks for every second until the task has finished."""
    return render(request, "tasks/status.html", _context(_own(request, pk)))


def download(request, pk):
    task = _own(request, pk)
    if task.status != Status.DONE or not task.result_file:
        raise Http404
    return FileResponse(
        task.result_file.open("rb"),
        as_attachment=True,
        filename=task.result_name or "resultat",
        content_type=task.result_type or "application/octet-stream",
    )


@require_POST
def retry(request, pk):
    task = _own(request, pk)
    services.retry(task=task)
    return redirect("tasks:detail", pk=task.pk)
