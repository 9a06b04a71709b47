from django.http import Http404
from django.shortcuts import get_object_or_404

from fridsam.organisations.models import County, Municipality


def place(request):
    """(municipality, county) named by ?kommun=<kod> (a municipality's own) or ?lan=<kod> (county-wide)."""
    code, county_code = request.GET.get("kommun"), request.GET.get("lan")
    if code:
        municipality = get_object_or_404(Municipality, code=code)
        return municipality, municipality.county
    if county_code:
        return None, get_object_or_404(County, code=county_code)
    raise Http404
