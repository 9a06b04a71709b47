"""Federated login (ADR 0035): an organisation's own identity provider proves who a person is,
through django-allauth's OpenID Connect and SAML 2.0 providers; roles stay granted in Fridsam."""
