"""The security baseline: headers on every response, no-store on authenticated pages, deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db


def test_headers_on_a_public_page(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("anonymous", [True, False])
def test_responses_made_before_the_view_have_the_headers_too(world, client, login, anonymous):
    """The APPEND_SLASH redirect, the login redirect and static files are answered by middleware
    before any view runs."""
    if not anonymous:
        login(world.own.users[Role.MANAGER])
    slashless = reverse("organisations:municipality_list").rstrip("/")
    responses = [client.get(slashless), client.get(reverse("organisations:municipality_list"))]
    if anonymous:
        responses.append(client.get("/static/fridsam/fridsam.css"))
    for response in responses:
        assert response.status_code in (200, 301, 302), response.status_code
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "no-referrer"
    for response in responses[:2]:  # the pages, anonymous or not; static files may be cached
        assert "no-store" in response["Cache-Control"]


def test_authenticated_pages_are_not_stored(world, client, login):
    login(world.own.users[Role.MANAGER])
    response = client.get(reverse("core:start"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_no_page_references_another_origin(world, client, login):
    login(world.own.users[Role.MANAGER])
    for url in (
        reverse("core:start"),
        reverse("account_login"),
        reverse("organisations:municipality_detail", args=[world.own.municipality.code]),
    ):
        html = client.get(url).content.decode()
        for attr in ('src="http', "src='http", 'href="http', "url(http", 'action="http', 'src="//', 'href="//'):
            assert attr not in html, f"{url} references another origin ({attr})"


def test_post_with_null_origin_needs_same_origin_fetch_metadata(world):
    """Referrer-Policy no-referrer makes browsers send Origin: null; Sec-Fetch-Site decides."""
    csrf_client = Client(enforce_csrf_checks=True)
    page = csrf_client.get(reverse("account_login"))
    token = page.cookies["csrftoken"].value
    data = {"login": "x", "password": "y", "csrfmiddlewaretoken": token}
    same = csrf_client.post(reverse("account_login"), data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert same.status_code == 200
    cross = csrf_client.post(reverse("account_login"), data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
    assert cross.status_code == 403
    missing = csrf_client.post(reverse("account_login"), data, HTTP_ORIGIN="null")
    assert missing.status_code == 403
    evil = csrf_client.post(reverse("account_login"), data, HTTP_ORIGIN="https://evil.example")
    assert evil.status_code == 403


def test_check_deploy_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 30 + "production-like-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "fridsam.example.se",
        "FRIDSAM_CASE_REFERENCE_SECRET": "y" * 40,
        "FRIDSAM_ACCESS_LOG_KEY": "z" * 40,
        "FRIDSAM_REDIS_URL": "redis://127.0.0.1:6379/5",  # the shared cache and the broker (ADR 0029, 0030)
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_error_pages_are_ours_and_in_swedish(world, client, login):
    login(world.foreign.users[Role.MANAGER])
    response = client.get(reverse("organisations:municipality_detail", args=[world.own.municipality.code]))
    assert response.status_code == 404 and "Sidan finns inte" in response.content.decode()
    login(world.own.users[Role.SOCIAL_WORKER])
    response = client.get(reverse("organisations:unit_create", args=[world.own.municipality.code]))
    assert response.status_code == 403 and "Inte tillåtet" in response.content.decode()


def test_a_rejected_form_gets_our_page_without_inline_styles():
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("account_login"), {"login": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formuläret hade gått ut" in html
    assert "<style" not in html and "style=" not in html


def test_the_server_error_page_stands_alone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Ett fel uppstod" in html and "<style" not in html and "<script" not in html


def test_check_deploy_warns_of_a_production_that_shares_nothing():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "x" * 30 + "production-like-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "fridsam.example.se",
        "FRIDSAM_CASE_REFERENCE_SECRET": "y" * 40,
        "FRIDSAM_ACCESS_LOG_KEY": "z" * 40,
    }
    env.pop("FRIDSAM_REDIS_URL", None)
    env.pop("FRIDSAM_BROKER_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "fridsam.W030" in result.stderr + result.stdout and "fridsam.W031" in result.stderr + result.stdout
