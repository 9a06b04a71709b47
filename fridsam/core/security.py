"""Security headers on every response (Django's SecurityMiddleware sets the rest)."""

from django.conf import settings
from django.middleware import csrf
from django.utils.cache import add_never_cache_headers, patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            # Pages with personal or case data must not linger in shared caches or the browser,
            # and nor may the public page: whoever shares the computer must not find in its cache
            # that someone read about support against violence (the static files may be cached).
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF protection, compatible with ``Referrer-Policy: no-referrer``.

    Under that policy browsers send ``Origin: null`` with every POST, even to the same origin, and
    no Referer. For such requests the origin is verified with the Fetch Metadata header
    ``Sec-Fetch-Site`` instead, which browsers set themselves and pages cannot forge. The CSRF
    token check itself is unchanged. See docs/adr/0006-security-headers-and-csrf.md.
    """

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        return super()._origin_verified(request)
