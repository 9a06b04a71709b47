"""For tests: follow a page that queued a task to the task's file (the tasks run in-process)."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.urls import reverse

TASK_PAGE = re.compile(r"^/uppgifter/(?P<pk>[0-9a-f-]{36})/$")


def task_id(response) -> str | None:
    """The task a response (a redirect to its page, or the page followed) is about."""
    path = response.get("Location") or ""
    if not path and getattr(response, "redirect_chain", None):
        path = response.redirect_chain[-1][0]
    match = TASK_PAGE.match(path)
    return match["pk"] if match else None


def task_file(client, response):
    """The file of the task a response led to; the response itself when it led to none."""
    pk = task_id(response)
    if pk is None:
        return response
    download = client.get(reverse("tasks:download", args=[pk]))
    if not getattr(download, "streaming", False):
        return download
    read = HttpResponse(b"".join(download.streaming_content), status=download.status_code)
    for header, value in download.items():
        read[header] = value
    return read


def county_pdf(client, county_code: str, year: int):
    """The county report as a PDF, as a person gets it: asked for, then downloaded from its task."""
    response = client.post(reverse("reports:county_pdf", args=[county_code, year]))
    return task_file(client, response)
