"""What the pages of protected housing share: the county they are about."""

from django.core.exceptions import PermissionDenied

from fridsam.organisations.models import County


def user_county(request) -> County:
    """The user's county (the first, or the one named by ?lan= among the user's counties)."""
    ids = sorted({m.county_id for m in request.tenancy.memberships if m.county_id})
    if not ids:
        raise PermissionDenied
    counties = list(County.objects.filter(pk__in=ids).order_by("code"))
    wanted = request.GET.get("lan")
    for county in counties:
        if county.code == wanted:
            return county
    return counties[0]
