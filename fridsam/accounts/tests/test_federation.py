"""Federated login through real identity providers started on 127.0.0.1 (ADR 0035, ADR 0036):
node's certified oidc-provider and a pysaml2 IdP signing with xmlsec1. The Django test client is the
browser on Fridsam's side; `requests` is the browser on the IdP's side."""

from __future__ import annotations

import base64
import io
import json
import re
import time
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from fridsam.accounts.federation import metadata
from fridsam.accounts.models import LOA3, IdentityProvider, Membership, User
from fridsam.accounts.tests import factories
from fridsam.core.crypto import decrypt_text, encrypt_text
from fridsam.core.models import AccessAction, AccessLogEntry
from fridsam.core.roles import Role
from tests.federation import idps

pytestmark = pytest.mark.django_db

START = reverse("core:start")
LOGIN = reverse("account_login")
OIDC_SLUG, SAML_SLUG = "astad-oidc", "astad-saml"
HOST = "127.0.0.1"  # what the browser sends as Host (python3-saml refuses a single-label name)
TESTSERVER = f"http://{HOST}"


@pytest.fixture(scope="module")
def oidc_issuer(tmp_path_factory):
    idps.require_tools()
    callback = f"{TESTSERVER}/konto/oidc/{OIDC_SLUG}/login/callback/"
    with idps.oidc_provider(
        tmp_path_factory.mktemp("oidc"),
        client_id="fridsam-test",
        redirect_uris=[callback],
        post_logout_redirect_uris=[f"{TESTSERVER}{LOGIN}"],
    ) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def saml_base(tmp_path_factory):
    idps.require_tools()
    sp = f"{TESTSERVER}/konto/saml/{SAML_SLUG}"
    with idps.saml_idp(
        tmp_path_factory.mktemp("saml"),
        sps=[{"entity_id": f"{sp}/metadata/", "acs": f"{sp}/acs/", "sls": f"{sp}/sls/"}],
    ) as (base, pem):
        yield base, pem


@pytest.fixture(autouse=True)
def _fresh_cache(client):
    client.defaults["HTTP_HOST"] = HOST
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def oidc_provider(world, oidc_issuer):
    return IdentityProvider.objects.create(
        slug=OIDC_SLUG,
        name="Åstads kommun",
        protocol=IdentityProvider.Protocol.OIDC,
        municipality=world.own.municipality,
        issuer=oidc_issuer,
        client_id="fridsam-test",
        client_secret_encrypted=encrypt_text(idps.OIDC_SECRET),
        group_claim="groups",
        group_roles={"fridsam-socialsekreterare": Role.SOCIAL_WORKER},
        access_contact="Kommunens IT-servicedesk, telefon 0123-456 00.",
    )


@pytest.fixture
def saml_provider(world, saml_base):
    base, pem = saml_base
    return IdentityProvider.objects.create(
        slug=SAML_SLUG,
        name="Åstads kommun (SAML)",
        protocol=IdentityProvider.Protocol.SAML,
        municipality=world.own.municipality,
        metadata_url=f"{base}/metadata",
        metadata_certificate=pem,
        idp_settings=metadata.verified_idp_settings(xml=metadata.fetch(f"{base}/metadata"), certificate=pem),
        attribute_mapping=idps.SAML_ATTRIBUTES,
        group_claim=idps.SAML_GROUPS,
        group_roles={"fridsam-socialsekreterare": Role.SOCIAL_WORKER},
    )


def _follow_at_idp(browser: requests.Session, response, until: str):
    """Follow the IdP's redirects until one leads back to Fridsam; return that address."""
    for _ in range(10):
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(until):
            return location
        response = browser.get(location, allow_redirects=False)
        if response.status_code not in (302, 303):
            return response
    raise AssertionError("the IdP redirected too often")


def oidc_login(client, person: str, level: str = idps.LOA3):
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": OIDC_SLUG}))
    assert response.status_code == 302, response.content[:500]
    browser = requests.Session()
    page = browser.get(response["Location"], allow_redirects=True, timeout=10)
    assert "Testkommunens inloggning" in page.text
    action = unescape(re.search(r'action="([^"]+)"', page.text).group(1))
    answer = browser.post(
        urljoin(page.url, action), data={"person": person, "level": level}, allow_redirects=False, timeout=10
    )
    back = _follow_at_idp(browser, answer, f"{TESTSERVER}/")
    parts = urlparse(back)
    return client.get(parts.path, parse_qs(parts.query) and {k: v[0] for k, v in parse_qs(parts.query).items()})


def _hidden(html: str, name: str) -> str:
    return unescape(re.search(rf'name="{name}" value="([^"]*)"', html).group(1))


def saml_answer(client, person: str, level: str = idps.LOA3) -> dict:
    """Start the login at Fridsam, log in at the IdP; the IdP's signed answer, not yet posted."""
    response = client.post(reverse("saml_login", kwargs={"organization_slug": SAML_SLUG}))
    assert response.status_code == 302, response.content[:500]
    browser = requests.Session()
    page = browser.get(response["Location"], timeout=10)
    assert "Testkommunens inloggning" in page.text, page.text
    answer = browser.post(
        urljoin(page.url, "/sso/login"),
        data={
            "SAMLRequest": _hidden(page.text, "SAMLRequest"),
            "RelayState": _hidden(page.text, "RelayState"),
            "person": person,
            "level": level,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {
        "action": urlparse(unescape(re.search(r'action="([^"]+)"', answer.text).group(1))).path,
        "SAMLResponse": _hidden(answer.text, "SAMLResponse"),
        "RelayState": _hidden(answer.text, "RelayState"),
    }


def post_saml_answer(client, answer: dict):
    response = client.post(
        answer["action"], {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]}
    )
    assert response.status_code == 302  # allauth reads it on a same-site request
    return client.get(response["Location"])


def _logged_in_as(client) -> int | None:
    response = client.get(START)
    return response.wsgi_request.user.pk if response.status_code == 200 else None


def _karin(world):
    """A social worker of the own municipality whom Fridsam knows, with the address the IdP asserts."""
    user = world.own.users[Role.SOCIAL_WORKER]
    user.email = idps.ACCOUNTS["karin.ek"]["email"]
    user.save(update_fields=["email"])
    return user


# --- OpenID Connect ---------------------------------------------------------------------------


def test_oidc_login_lands_on_the_start_page_with_the_roles_granted_in_fridsam(world, client, oidc_provider):
    karin = _karin(world)
    response = oidc_login(client, "karin.ek")
    assert response.status_code == 302 and response["Location"] == START
    # Level 3 at the IdP was the second factor: no TOTP asked, the start page opens.
    assert _logged_in_as(client) == karin.pk
    page = client.get(START)
    assert {m.role for m in page.wsgi_request.tenancy.memberships} == {Role.SOCIAL_WORKER}
    assert AccessLogEntry.objects.filter(user=karin, action=AccessAction.LOGIN).exists()
    # The next login through the IdP finds the same account by its subject.
    client.post(reverse("account_logout"))
    assert oidc_login(client, "karin.ek")["Location"] == START
    assert _logged_in_as(client) == karin.pk


def test_oidc_login_below_the_required_level_is_refused(world, client, oidc_provider):
    _karin(world)
    response = oidc_login(client, "karin.ek", level=idps.LOA2)
    assert response.status_code == 403
    assert "tillitsnivå LOA3" in response.content.decode()
    assert _logged_in_as(client) is None
    assert AccessLogEntry.objects.filter(
        action=AccessAction.LOGIN_FAILED, detail__contains="below the required assurance level"
    ).exists()


def test_an_unknown_person_gets_no_access_and_is_told_whom_to_ask(world, client, oidc_provider):
    response = oidc_login(client, "okand.person")
    assert response["Location"] == reverse("accounts:no_access")
    user = User.objects.get(email=idps.ACCOUNTS["okand.person"]["email"])
    assert not Membership.objects.filter(user=user).exists()
    page = client.get(reverse("accounts:no_access")).content.decode()
    assert "Du har ingen behörighet i Fridsam ännu" in page
    manager = world.own.users[Role.MANAGER]
    assert manager.get_full_name() in page and "IT-servicedesk" in page
    # Nothing else opens for the account, and it is not asked to set up an authenticator app.
    assert client.get(START).status_code == 200
    assert client.get(reverse("statistics:index")).status_code in (403, 404)


def test_a_group_the_administrator_mapped_grants_its_role_in_the_organisation(world, client, oidc_provider):
    response = oidc_login(client, "karin.ek")  # no Fridsam account yet; her group maps to social worker
    assert response["Location"] == START
    user = User.objects.get(email=idps.ACCOUNTS["karin.ek"]["email"])
    [membership] = Membership.objects.filter(user=user)
    assert (membership.role, membership.municipality) == (Role.SOCIAL_WORKER, world.own.municipality)


def test_logout_ends_the_session_and_offers_the_oidc_providers_logout(world, client, oidc_provider, oidc_issuer):
    _karin(world)
    oidc_login(client, "karin.ek")
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("accounts:logged_out")
    assert _logged_in_as(client) is None
    page = client.get(reverse("accounts:logged_out"))
    assert "Logga ut även hos Åstads kommun" in page.content.decode()
    assert oidc_issuer in page["Content-Security-Policy"]  # the form may lead there
    leave = client.post(reverse("accounts:idp_logout"))
    target = urlparse(leave["Location"])
    assert f"{target.scheme}://{target.netloc}" == oidc_issuer and target.path == "/session/end"
    assert parse_qs(target.query)["id_token_hint"]
    # The provider accepts the hint: it asks to confirm the logout.
    confirm = requests.get(leave["Location"], timeout=10)
    assert confirm.status_code == 200 and "logout" in confirm.text.lower()


# --- SAML 2.0 ---------------------------------------------------------------------------------


def test_saml_login_lands_on_the_start_page_with_the_roles_granted_in_fridsam(world, client, saml_provider):
    karin = _karin(world)
    response = post_saml_answer(client, saml_answer(client, "karin.ek"))
    assert response.status_code == 302 and response["Location"] == START
    assert _logged_in_as(client) == karin.pk


def test_saml_login_below_the_required_level_is_refused(world, client, saml_provider):
    _karin(world)
    response = post_saml_answer(client, saml_answer(client, "karin.ek", level=idps.LOA2))
    assert response.status_code == 403 and "tillitsnivå LOA3" in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_tampered_assertion_is_refused(world, client, saml_provider):
    _karin(world)
    answer = saml_answer(client, "okand.person")
    xml = base64.b64decode(answer["SAMLResponse"]).decode()
    assert "okand.person@astad.example.se" in xml
    forged = xml.replace("okand.person@astad.example.se", idps.ACCOUNTS["karin.ek"]["email"])
    answer["SAMLResponse"] = base64.b64encode(forged.encode()).decode()
    response = post_saml_answer(client, answer)
    assert response.status_code != 302
    assert "Inloggningen kunde inte slutföras" in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_replayed_assertion_is_refused(world, client, saml_provider):
    karin = _karin(world)
    answer = saml_answer(client, "karin.ek")
    assert post_saml_answer(client, answer)["Location"] == START
    client.post(reverse("account_logout"))
    # The same answer again, in this session and in a fresh one.
    for replayer in (client, client.__class__(HTTP_HOST=HOST)):
        response = post_saml_answer(replayer, answer)
        assert response.status_code == 403
        assert "redan använts" in response.content.decode()
        assert _logged_in_as(replayer) is None
    assert _logged_in_as(client) != karin.pk


def test_an_assertion_past_its_lifetime_and_the_bounded_clock_skew_is_refused(world, client, saml_provider, settings):
    from onelogin.saml2.constants import OneLogin_Saml2_Constants

    assert OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT == settings.FRIDSAM_FEDERATION_CLOCK_SKEW_SECONDS == 60
    _karin(world)
    answer = saml_answer(client, "karin.ek")
    later = time.time() + 5 * 60 + 61  # the IdP's five minutes, and one second past the skew
    with mock.patch("onelogin.saml2.utils.OneLogin_Saml2_Utils.now", return_value=int(later)):
        response = post_saml_answer(client, answer)
    assert "Inloggningen kunde inte slutföras" in response.content.decode()
    assert _logged_in_as(client) is None


def test_saml_logout_ends_the_session_and_goes_through_the_idps_single_logout(world, client, saml_provider):
    _karin(world)
    post_saml_answer(client, saml_answer(client, "karin.ek"))
    assert client.post(reverse("account_logout"))["Location"] == reverse("accounts:logged_out")
    leave = client.post(reverse("accounts:idp_logout"))
    assert leave["Location"].startswith(saml_provider.idp_settings["slo_url"] + "?SAMLRequest=")
    back = requests.get(leave["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    sls = urlparse(back.headers["Location"])
    assert sls.path == f"/konto/saml/{SAML_SLUG}/sls/"
    done = client.get(sls.path, {k: v[0] for k, v in parse_qs(sls.query).items()})
    assert done.status_code == 302  # the IdP's signed LogoutResponse was accepted
    assert _logged_in_as(client) is None


def test_metadata_is_used_only_when_its_signature_holds(saml_base, tmp_path):
    base, pem = saml_base
    xml = metadata.fetch(f"{base}/metadata")
    assert metadata.verified_idp_settings(xml=xml, certificate=pem)["sso_url"] == f"{base}/sso/redirect"
    forged = xml.replace(f"{base}/sso/redirect", "http://127.0.0.1:9/stolen")
    with pytest.raises(ValidationError, match=r"(?i)signatur"):
        metadata.verified_idp_settings(xml=forged, certificate=pem)
    _, _, other = idps.certificate(tmp_path, "someone-else")
    with pytest.raises(ValidationError, match=r"(?i)signatur"):
        metadata.verified_idp_settings(xml=xml, certificate=other)
    with pytest.raises(ValidationError):
        metadata.verified_idp_settings(xml=xml, certificate="")


# --- Local passwords --------------------------------------------------------------------------


def test_an_organisation_can_forbid_fridsam_passwords_for_its_people(world, client, oidc_provider):
    oidc_provider.forbid_local_password = True
    oidc_provider.save(update_fields=["forbid_local_password"])
    own = world.own.users[Role.COORDINATOR]
    response = client.post(LOGIN, {"login": own.username, "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "Logga in via Åstads kommun" in response.content.decode()
    assert _logged_in_as(client) is None
    # Another municipality's people still log in with password and code.
    other = world.neighbour.users[Role.COORDINATOR]
    response = client.post(LOGIN, {"login": other.username, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")


def test_the_login_page_lists_the_identity_providers_and_lets_its_form_lead_there(world, client, oidc_provider):
    page = client.get(LOGIN)
    assert "Logga in via Åstads kommun" in page.content.decode()
    assert f"form-action 'self' {oidc_provider.issuer}" in page["Content-Security-Policy"]


def test_the_required_level_defaults_to_loa3():
    assert IdentityProvider().required_assurance == LOA3


def test_an_address_held_by_an_account_elsewhere_links_nothing(world, client, oidc_provider):
    """Karin's address belongs to an account of another municipality: her first login through
    Åstad's provider gets a new account without it, not the other one and not a sign-up form."""
    elsewhere = world.neighbour.users[Role.SOCIAL_WORKER]
    elsewhere.email = idps.ACCOUNTS["karin.ek"]["email"]
    elsewhere.save(update_fields=["email"])
    oidc_provider.group_roles = {}
    oidc_provider.save(update_fields=["group_roles"])
    response = oidc_login(client, "karin.ek")
    assert response["Location"] == reverse("accounts:no_access")
    assert _logged_in_as(client) not in (None, elsewhere.pk)


def test_refresh_keeps_only_metadata_whose_signature_holds(world, saml_provider, tmp_path):
    from django.core.management import CommandError, call_command

    saml_provider.idp_settings = {**saml_provider.idp_settings, "sso_url": "http://127.0.0.1:9/old"}
    saml_provider.save(update_fields=["idp_settings"])
    call_command("refresh_identity_providers", stdout=io.StringIO())
    saml_provider.refresh_from_db()
    assert saml_provider.idp_settings["sso_url"].endswith("/sso/redirect") and saml_provider.metadata_checked_at
    _, _, other = idps.certificate(tmp_path, "not-the-federation")
    saml_provider.metadata_certificate = other
    saml_provider.save(update_fields=["metadata_certificate"])
    with pytest.raises(CommandError, match=SAML_SLUG):
        call_command("refresh_identity_providers", stdout=io.StringIO())
    saml_provider.refresh_from_db()
    assert saml_provider.idp_settings["sso_url"].endswith("/sso/redirect")  # the last verified stays


# --- The administrator connects a provider ----------------------------------------------------


def _admin_add(client, data):
    base = {
        "is_active": "on",
        "attribute_mapping": "{}",
        "group_roles": "{}",
        "required_assurance": LOA3,
        "group_claim": "",
        "access_contact": "",
    }
    return client.post(reverse("admin:accounts_identityprovider_add"), {**base, **data})


def test_an_administrator_connects_a_saml_idp_whose_metadata_signature_holds(world, client, login, saml_base, tmp_path):
    base, pem = saml_base
    login(world.administrator)
    _, _, other = idps.certificate(tmp_path, "not-the-idp")
    data = {
        "slug": "kolby",
        "name": "Kölby kommun",
        "protocol": "saml",
        "municipality": world.neighbour.municipality.pk,
        "metadata_url": f"{base}/metadata",
        "attribute_mapping": json.dumps(idps.SAML_ATTRIBUTES),
    }
    refused = _admin_add(client, {**data, "metadata_certificate": other})
    assert refused.status_code == 200
    assert "Signaturen på metadata håller inte" in refused.content.decode()
    assert not IdentityProvider.objects.filter(slug="kolby").exists()
    response = _admin_add(client, {**data, "metadata_certificate": pem})
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get(slug="kolby")
    assert provider.idp_settings["sso_url"] == f"{base}/sso/redirect" and provider.metadata_checked_at


def test_an_administrators_oidc_secret_is_stored_encrypted(world, client, login, oidc_issuer):
    login(world.administrator)
    data = {
        "slug": "astad",
        "name": "Åstads kommun",
        "protocol": "oidc",
        "municipality": world.own.municipality.pk,
        "issuer": oidc_issuer,
        "client_id": "fridsam-test",
        "client_secret": idps.OIDC_SECRET,
    }
    response = _admin_add(client, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get(slug="astad")
    assert idps.OIDC_SECRET not in provider.client_secret_encrypted
    assert decrypt_text(provider.client_secret_encrypted) == idps.OIDC_SECRET
