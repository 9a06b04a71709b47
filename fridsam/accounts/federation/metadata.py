"""A SAML identity provider's metadata, read once when an administrator saves the provider (or
`manage.py refresh_identity_providers` runs), and used only when its signature holds (ADR 0035)."""

from __future__ import annotations

import requests
from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.utils import OneLogin_Saml2_Utils

METADATA_MAX_BYTES = 5_000_000  # a federation's aggregate stays well below this


def fetch(url: str) -> str:
    try:
        response = requests.get(url, timeout=10, stream=True)
        response.raise_for_status()
        content = response.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise ValidationError(_("The metadata could not be fetched: %(error)s") % {"error": error}) from error
    if len(content) > METADATA_MAX_BYTES:
        raise ValidationError(_("The metadata is larger than 5 MB."))
    return content.decode("utf-8")


def verified_idp_settings(*, xml: str, certificate: str, entity_id: str = "") -> dict:
    """The IdP's entity id, endpoints and signing certificate, from metadata whose signature the
    certificate verifies; a ValidationError saying what is wrong otherwise."""
    if not certificate.strip():
        raise ValidationError(_("Give the certificate that signs the metadata: unsigned metadata is not used."))
    try:
        root = ElementTree.fromstring(xml.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise ValidationError(_("The metadata is not valid XML.")) from error
    if not OneLogin_Saml2_Utils.validate_metadata_sign(xml, cert=certificate):
        raise ValidationError(_("The metadata's signature does not hold for the certificate given."))
    valid_until = root.get("validUntil")
    if valid_until and OneLogin_Saml2_Utils.parse_SAML_to_time(valid_until) < timezone.now().timestamp():
        raise ValidationError(_("The metadata has expired (validUntil %(date)s).") % {"date": valid_until})
    parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None).get("idp") or {}
    sso = (parsed.get("singleSignOnService") or {}).get("url")
    if not parsed.get("entityId") or not sso or not parsed.get("x509cert"):
        raise ValidationError(_("The metadata names no identity provider with a login address and a certificate."))
    return {
        "entity_id": parsed["entityId"],
        "sso_url": sso,
        "slo_url": (parsed.get("singleLogoutService") or {}).get("url", ""),
        "x509cert": parsed["x509cert"],
    }
