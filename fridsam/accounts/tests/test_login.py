"""Login through real HTTP: password, then a mandatory second factor, for every staff role."""

import datetime
import time
from unittest import mock

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fridsam.accounts.tests import factories
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.models import StaffSession as Session
from fridsam.core.roles import Role

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA = reverse("mfa_authenticate")
START = reverse("core:start")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def password_step(client, username, password=factories.PASSWORD):
    return client.post(LOGIN, {"login": username, "password": password})


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_staff_role_needs_the_second_factor(world, client, role):
    of_no_tenant = {Role.ADMINISTRATOR: world.administrator, Role.NATIONAL_ANALYST: world.national}
    user = of_no_tenant.get(role) or world.own.users[role]
    response = password_step(client, user.username)
    assert response.status_code == 302 and response["Location"] == MFA
    # After the password alone the user is not logged in.
    assert client.get(START)["Location"].startswith(LOGIN)
    response = client.post(MFA, {"code": "000000" if factories.totp_code(user) != "000000" else "111111"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert client.get(START)["Location"].startswith(LOGIN)
    response = client.post(MFA, {"code": factories.totp_code(user)})
    assert response.status_code == 302
    assert client.get(START).status_code == 200
    assert AccessLogEntry.objects.filter(user=user, action=AccessAction.LOGIN).exists()


def test_a_recovery_code_works_once(world, client):
    user = world.own.users[Role.SOCIAL_WORKER]
    code = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()[0]
    password_step(client, user.username)
    assert client.post(MFA, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    password_step(client, user.username)
    assert client.post(MFA, {"code": code}).status_code == 200  # used up


def test_an_account_without_authenticator_must_set_one_up_first(world, client):
    user = factories.user(with_totp=False)
    response = password_step(client, user.username)
    assert response.status_code == 302
    activate = reverse("mfa_activate_totp")
    for url in (START, reverse("organisations:municipality_list"), reverse("accounts:profile")):
        assert client.get(url)["Location"] == activate
    # Setting up the app asks for the password once more.
    response = client.get(activate)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": factories.PASSWORD})
    assert response["Location"] == activate
    page = client.get(activate)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(activate, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get(START).status_code == 200


def test_the_authenticator_app_cannot_be_switched_off(world, client, login):
    user = world.own.users[Role.MANAGER]
    login(user)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_no_user_enumeration(world, client):
    unknown = password_step(client, "finns-inte", "Fel-losenord-123")
    cache.clear()
    wrong = password_step(client, world.own.users[Role.MANAGER].username, "Fel-losenord-123")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_lockout_after_repeated_failures(world, client, settings):
    user = world.own.users[Role.COORDINATOR]
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert password_step(client, user.username, "Fel-losenord-123").status_code == 200
    # Now even the right password is refused, for this account.
    response = password_step(client, user.username)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(START)["Location"].startswith(LOGIN)
    assert AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED).count() >= settings.LOGIN_FAILURE_LIMIT


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(world, settings):
    """Anyone who knows a username could otherwise lock its owner out for 15 minutes."""
    from django.test import Client

    user = world.own.users[Role.COORDINATOR]
    attacker, owner = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        password_step(attacker, user.username, "Fel-losenord-123")
    assert password_step(attacker, user.username).status_code == 200  # the attacker's address is locked
    response = password_step(owner, user.username)
    assert response.status_code == 302 and response["Location"] == MFA
    assert owner.post(MFA, {"code": factories.totp_code(user)}).status_code == 302
    assert owner.get(START).status_code == 200


def test_lockout_of_the_second_factor(world, client, settings):
    user = world.own.users[Role.COORDINATOR]
    password_step(client, user.username)
    right = factories.totp_code(user)
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(MFA, {"code": wrong})
    response = client.post(MFA, {"code": right})
    assert response.status_code == 200
    assert client.get(START)["Location"].startswith(LOGIN)


def test_idle_timeout(world, client, login, settings):
    login(world.own.users[Role.SOCIAL_WORKER])
    assert client.get(START).status_code == 200
    assert settings.SESSION_COOKIE_AGE == settings.IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
    # Each request renews the deadline...
    later = timezone.now() + datetime.timedelta(minutes=20)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(START).status_code == 200
    # ...and 31 minutes without a request end the session.
    much_later = later + datetime.timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=much_later):
        assert client.get(START)["Location"].startswith(LOGIN)


def test_logout_kills_the_session(world, client, login):
    login(world.own.users[Role.MANAGER])
    key = client.session.session_key
    assert client.get(START).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["fridsam_session"] = key  # replaying the old cookie does not help
    assert client.get(START)["Location"].startswith(LOGIN)


def test_logout_needs_a_post(world, client, login):
    login(world.own.users[Role.MANAGER])
    client.get(reverse("account_logout"))
    assert client.get(START).status_code == 200


def test_cookie_flags(world, client):
    page = client.get(LOGIN)
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "Strict" and csrf["httponly"]
    password_step(client, world.own.users[Role.MANAGER].username)
    morsel = client.cookies["fridsam_session"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["max-age"] == ""  # a browser-session cookie: closing the browser ends it


def _code_at(user, when: float) -> str:
    return pyotp.TOTP(user.totp_secret).at(int(when))


def test_a_used_totp_code_is_never_accepted_again(world, client):
    """The code that logged in is refused 33 s later, although the ±1 step tolerance still
    covers it and allauth's memory of used codes (one period) has expired."""
    user = world.own.users[Role.SOCIAL_WORKER]
    start = time.time() // 30 * 30  # the start of a step: 33 s later is the next step, inside the tolerance
    code = _code_at(user, start)
    password_step(client, user.username)
    assert client.post(MFA, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    cache.clear()  # what allauth remembers in the cache is gone, as after 30 s
    with mock.patch("time.time", return_value=start + 33):
        password_step(client, user.username)
        response = client.post(MFA, {"code": code})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert client.get(START)["Location"].startswith(LOGIN)
    with mock.patch("time.time", return_value=start + 33):
        assert client.post(MFA, {"code": _code_at(user, start + 33)}).status_code == 302  # a new code works


def test_a_used_code_is_refused_with_a_message_that_says_it_was_used(world, client):
    """Logging in again within the 30 seconds the app shows the same code: the code is right but
    used up, and the message says so and to wait for the next code, not that it is wrong."""
    user = world.own.users[Role.SOCIAL_WORKER]
    start = time.time() // 30 * 30
    code = _code_at(user, start)
    with mock.patch("time.time", return_value=start + 1):
        password_step(client, user.username)
        assert client.post(MFA, {"code": code}).status_code == 302
        client.post(reverse("account_logout"))
        password_step(client, user.username)
        replay = client.post(MFA, {"code": code})
        wrong = client.post(MFA, {"code": "000000" if code != "000000" else "111111"})
    assert replay.status_code == 200
    assert replay.context["form"].errors["code"] == [
        "Koden har redan använts. Vänta tills appen visar nästa kod och ange den."
    ]
    assert "Koden har redan använts" not in wrong.content.decode()
    assert wrong.context["form"].errors["code"]  # a wrong code is still just wrong
    assert client.get(START)["Location"].startswith(LOGIN)


def test_a_code_of_an_earlier_step_is_refused_after_a_later_one(world, client):
    user = world.own.users[Role.MANAGER]
    start = time.time()
    earlier, later = _code_at(user, start - 30), _code_at(user, start)
    if earlier == later:
        pytest.skip("two consecutive steps gave the same code")  # one in a million
    password_step(client, user.username)
    assert client.post(MFA, {"code": later}).status_code == 302
    client.post(reverse("account_logout"))
    cache.clear()
    password_step(client, user.username)
    assert client.post(MFA, {"code": earlier}).status_code == 200
    # The next step's code still works: nothing but replays is refused.
    with mock.patch("time.time", return_value=start + 30):
        assert client.post(MFA, {"code": _code_at(user, start + 30)}).status_code == 302


def test_the_code_that_set_the_app_up_does_not_log_in(world, client, django_capture_on_commit_callbacks):
    user = factories.user(with_totp=False)
    password_step(client, user.username)
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    client.post(response["Location"], {"password": factories.PASSWORD})
    secret = client.get(activate).context["form"].secret
    code = pyotp.TOTP(secret).now()
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals the new app on commit
        assert client.post(activate, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    cache.clear()
    password_step(client, user.username)
    assert client.post(MFA, {"code": code}).status_code == 200
    # The step after the one that set the app up logs in: the new user is not kept waiting.
    step = int(time.time()) // 30
    with mock.patch("time.time", return_value=(step + 1) * 30 + 1):
        assert client.post(MFA, {"code": pyotp.TOTP(secret).at((step + 1) * 30 + 1)}).status_code == 302
