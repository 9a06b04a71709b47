"""The kinds of background work, registered by the apps that own them (their ``tasks.py``).

A handler takes the task (its ``params``, its ``input_file``) and the tenancy of the person who
asked, rebuilt when the task runs: a membership ended in between is no longer there. It returns an
:class:`Outcome` (a file, a summary for the page) or raises :class:`TaskFailed` with a reason the
person can act on, in their language. A handler must be safe to run twice: the queue may deliver
a task again after a worker died (ADR 0029).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Outcome:
    content: bytes | None = None
    filename: str = ""
    content_type: str = ""
    summary: dict = field(default_factory=dict)


class TaskFailed(Exception):
    """The work cannot be done, for a reason the person is told (``str(exc)``, translated);
    ``summary`` is kept for the page (an import's rows with problems)."""

    def __init__(self, message: str, summary: dict | None = None):
        super().__init__(message)
        self.summary = summary or {}


Handler = Callable[..., Outcome]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    # The template that shows a finished task's summary on its page ("" for just the file).
    template: str = ""


_kinds: dict[str, Kind] = {}


def register(name: str, *, template: str = "") -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        _kinds[name] = Kind(name, handler, template)
        return handler

    return decorator


def kind(name: str) -> Kind | None:
    return _kinds.get(name)
