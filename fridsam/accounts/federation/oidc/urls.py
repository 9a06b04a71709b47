"""allauth's OpenID Connect login and callback (same paths and names), with the adapter that always
checks the ID token's signature and keeps the raw token for the logout (federation.providers)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from django.urls import include, path, re_path

from fridsam.accounts.federation.providers import OIDCAdapter


def _view(view_class):
    @login_not_required
    def view(request, provider_id):
        try:
            return view_class.adapter_view(OIDCAdapter(request, provider_id))(request)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    return view


urlpatterns = [
    re_path(
        r"^oidc/(?P<provider_id>[^/]+)/",
        include(
            [
                path("login/", _view(OAuth2LoginView), name="openid_connect_login"),
                path("login/callback/", _view(OAuth2CallbackView), name="openid_connect_callback"),
            ]
        ),
    )
]
