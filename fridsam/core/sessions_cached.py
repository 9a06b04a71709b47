"""Production's session engine with Redis in front (``cached_db``, ADR 0030): read from the cache,
written through to :class:`fridsam.core.models.StaffSession` with the account's id (ADR 0040)."""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from fridsam.core.models import StaffSession
from fridsam.core.sessions import user_id_of


class SessionStore(CachedDatabaseStore):
    @classmethod
    def get_model_class(cls):
        return StaffSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = user_id_of(data)
        return session
