"""The OpenID Connect provider's URLs, served by allauth's views with Fridsam's token checks."""
