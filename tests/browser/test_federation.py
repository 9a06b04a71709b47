"""Federated login in a browser (ADR 0035, ADR 0036): Chromium logs in to a server of its own
through a real OpenID Connect provider (node's oidc-provider, Åstad's) and a real SAML IdP (pysaml2
signing with xmlsec1, Kölby's), both started on 127.0.0.1 for this file. Each is walked the same
way: a first login lands on the page saying whom to ask, a manager grants the role in Fridsam, the
next login lands on the start page with it; a login at level 2 is refused; for SAML, an answer
altered in the browser and an answer posted twice are refused."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, assert_accessible, demo_server
from tests.federation import idps

PROVIDERS = {
    # slug: (municipality, button name, its protocol)
    "astad-oidc": ("9901", "Åstads kommun", "oidc"),
    "kolby-saml": ("9902", "Kölby kommun", "saml"),
}

CONFIGURE = """
import json
from fridsam.accounts.federation import metadata
from fridsam.accounts.models import IdentityProvider
from fridsam.core.crypto import encrypt_text
from fridsam.core.tenancy import unscoped
from fridsam.organisations.models import Municipality
c = json.loads({config!r})
with unscoped():
    IdentityProvider.objects.create(
        slug="astad-oidc", name="Åstads kommun", protocol="oidc",
        municipality=Municipality.objects.get(code="9901"),
        issuer=c["issuer"], client_id="fridsam", client_secret_encrypted=encrypt_text(c["secret"]),
        access_contact="Åstads IT-servicedesk, 0123-456 00",
    )
    IdentityProvider.objects.create(
        slug="kolby-saml", name="Kölby kommun", protocol="saml",
        municipality=Municipality.objects.get(code="9902"),
        metadata_url=c["saml_base"] + "/metadata", metadata_certificate=c["pem"],
        idp_settings=metadata.verified_idp_settings(
            xml=metadata.fetch(c["saml_base"] + "/metadata"), certificate=c["pem"]
        ),
        attribute_mapping=c["attributes"],
    )
"""

GRANT = """
from allauth.socialaccount.models import SocialAccount
from fridsam.accounts.services import membership_grant
from fridsam.core.tenancy import unscoped
from fridsam.organisations.models import Municipality
with unscoped():
    account = SocialAccount.objects.get(provider={slug!r}, uid="karin.ek")
    membership_grant(user=account.user, role="social_worker", municipality=Municipality.objects.get(code={code!r}))
"""


def _shell(env, code: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def federation(live_url, tmp_path_factory):
    """A demo server of its own, the two identity providers pointing at it, and the providers
    configured in its database as an administrator would."""
    idps.require_tools()
    with demo_server(tmp_path_factory) as (url, env):
        directory = tmp_path_factory.mktemp("idps")
        sp = f"{url}/konto/saml/kolby-saml"
        with (
            idps.oidc_provider(
                directory,
                client_id="fridsam",
                redirect_uris=[f"{url}/konto/oidc/astad-oidc/login/callback/"],
                post_logout_redirect_uris=[f"{url}/konto/login/"],
            ) as issuer,
            idps.saml_idp(
                directory, sps=[{"entity_id": f"{sp}/metadata/", "acs": f"{sp}/acs/", "sls": f"{sp}/sls/"}]
            ) as (
                saml_base,
                pem,
            ),
        ):
            config = {
                "issuer": issuer,
                "secret": idps.OIDC_SECRET,
                "saml_base": saml_base,
                "pem": pem,
                "attributes": idps.SAML_ATTRIBUTES,
            }
            _shell(env, CONFIGURE.format(config=json.dumps(config)))
            yield {"url": url, "env": env, "issuer": issuer, "saml_base": saml_base}


@pytest.fixture
def page(page, federation):
    page.base_url = federation["url"]
    return page


def at_the_idp(page, slug: str, *, level: str = idps.LOA3):
    """From Fridsam's login page to the IdP's login page, and log in there as Karin Ek."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/konto/login/")
    page.get_by_role("button", name=f"Logga in via {PROVIDERS[slug][1]}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testkommunens inloggning")
    page.get_by_label("Person").select_option("karin.ek")
    page.get_by_label("Tillitsnivå").select_option(level)
    page.get_by_role("button", name="Logga in").click()


def back_at_fridsam(page, slug: str):
    """The SAML IdP answers with a page that posts the signed answer (a button, no script)."""
    if PROVIDERS[slug][2] == "saml":
        page.get_by_role("button", name="Fortsätt till tjänsten").click()


@pytest.mark.parametrize("slug", list(PROVIDERS))
def test_a_federated_login_gets_the_roles_granted_in_fridsam(page, federation, slug):
    code, name, _ = PROVIDERS[slug]
    page.goto(page.base_url + "/konto/login/")
    expect(page.get_by_role("button", name=f"Logga in via {name}")).to_be_visible()
    assert_accessible(page, "federated-login")

    # The first login: the IdP knows Karin, Fridsam gives her no role yet.
    at_the_idp(page, slug)
    back_at_fridsam(page, slug)
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har ingen behörighet i Fridsam ännu")
    expect(page.locator("main")).to_contain_text("Uppge ditt användarnamn")
    assert_accessible(page, f"no-access-{slug}")

    # A manager grants the role in Fridsam; the next login lands on the start page with it, no TOTP asked.
    _shell(federation["env"], GRANT.format(slug=slug, code=code))
    at_the_idp(page, slug)
    back_at_fridsam(page, slug)
    page.wait_for_url(page.base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_contain_text("Ärendeuppföljning")

    # Logging out ends the Fridsam session and offers the IdP's logout.
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad från Fridsam")
    assert_accessible(page, f"logged-out-{slug}")
    page.get_by_role("button", name=f"Logga ut även hos {name}").click()
    if slug == "astad-oidc":  # RP-initiated logout: the provider asks, then returns to the login page
        page.wait_for_url(re.compile(re.escape(federation["issuer"]) + r"/session/end"))
        page.get_by_role("button", name="Logga ut").click()
    # (SAML single logout: to the IdP and straight back with its signed LogoutResponse.)
    page.wait_for_url(re.compile(re.escape(page.base_url) + r"/konto/login/"))
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url


@pytest.mark.parametrize("slug", list(PROVIDERS))
def test_a_login_below_the_required_level_is_refused(page, slug):
    at_the_idp(page, slug, level=idps.LOA2)
    back_at_fridsam(page, slug)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen nekades")
    expect(page.get_by_role("alert")).to_contain_text("tillitsnivå LOA3")
    assert_accessible(page, f"refused-{slug}")
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url


def _answer(page) -> dict:
    form = page.locator("form")
    return {
        "action": form.get_attribute("action"),
        "SAMLResponse": form.locator("input[name=SAMLResponse]").get_attribute("value"),
        "RelayState": form.locator("input[name=RelayState]").get_attribute("value"),
    }


def test_a_saml_answer_altered_in_the_browser_is_refused(page):
    at_the_idp(page, "kolby-saml")
    answer = _answer(page)
    xml = base64.b64decode(answer["SAMLResponse"]).decode()
    forged = base64.b64encode(xml.replace("Karin", "Mallory").encode()).decode()
    page.locator("input[name=SAMLResponse]").evaluate("(input, value) => { input.value = value; }", forged)
    back_at_fridsam(page, "kolby-saml")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen kunde inte slutföras")
    assert_accessible(page, "saml-tampered")
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url


def test_a_saml_answer_posted_twice_is_refused(page):
    at_the_idp(page, "kolby-saml")
    answer = _answer(page)
    back_at_fridsam(page, "kolby-saml")
    page.wait_for_url(re.compile(re.escape(page.base_url) + r"/(mitt-konto/ingen-behorighet/)?$"))
    page.context.clear_cookies()
    # The same answer again, posted from a page of Fridsam as the IdP's page posted it.
    page.goto(page.base_url + "/konto/login/")
    page.evaluate(
        """(answer) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = answer.action;
            for (const name of ['SAMLResponse', 'RelayState']) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = answer[name];
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        answer,
    )
    expect(page.get_by_role("alert")).to_contain_text("redan använts")
    page.goto(page.base_url + "/")
    assert "/konto/login/" in page.url
