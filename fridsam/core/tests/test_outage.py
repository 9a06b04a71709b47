"""The page while the database is away (ADR 0043): a 503 that says so in Swedish, with Retry-After
and no trace; any other error is still the 500 page. Here a view reaches a database that does not
answer (a real connection to a port or a file nobody serves); PostgreSQL stopped and started under
gunicorn, with every request after it answered, is tests/test_outages.py."""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import load_backend
from django.test import Client
from django.urls import path

from fridsam.core.outage import database_unavailable

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _unreachable_database():
    settings = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "postgresql":
        settings.update(HOST="127.0.0.1", PORT="1")  # nothing listens on port 1
    else:
        settings["NAME"] = "/nonexistent/fridsam/database.sqlite3"
    unreachable = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="unreachable")
    try:
        unreachable.ensure_connection()
    finally:
        unreachable.close()


@login_not_required
def reads_the_database(request):
    _unreachable_database()


@login_not_required
def fails_otherwise(request):
    raise ValueError("a bug")


urlpatterns = [
    path("sida/", reads_the_database),
    path("api/v1/sida/", reads_the_database),
    path("fel/", fails_otherwise),
]
handler500 = "fridsam.core.outage.server_error"


def test_a_page_without_its_database_is_a_503_in_swedish_without_a_trace():
    response = Client(raise_request_exception=False).get("/sida/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10" and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "<title>Tjänsten är tillfälligt otillgänglig – Fridsam</title>" in page
    assert "Fridsam når inte sin databas just nu." in page
    assert "Traceback" not in page and "OperationalError" not in page and 'lang="sv"' in page


def test_in_english_when_the_person_chose_english():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    page = client.get("/sida/").content.decode()
    assert "The service is temporarily unavailable" in page and 'lang="en"' in page


def test_a_machine_client_gets_the_503_as_json():
    response = Client(raise_request_exception=False).get("/api/v1/sida/")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."}


def test_any_other_error_is_still_the_500_page():
    response = Client(raise_request_exception=False).get("/fel/")
    assert response.status_code == 500 and "Ett fel uppstod" in response.content.decode()
    assert "Retry-After" not in response


def test_the_database_error_is_found_behind_the_error_raised_from_it():
    from django.db import OperationalError

    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as error:
            raise RuntimeError("the page failed") from error
    except RuntimeError as outer:
        assert database_unavailable(outer)
    assert not database_unavailable(ValueError("a bug")) and not database_unavailable(None)
