"""What the organisations' pages show from the layers above them.

The municipality list shows the coordinator function's overview; the municipality page shows,
besides the units and the population, the coordinator function, the health check, the
coordinator's questionnaire, the staff and the links to the statistics and the public page; the
partner directory names each partner's contact persons. Each of those belongs to another app, which
registers it in its ``hooks.py`` (found when the application starts, see fridsam.core.apps), so that
organisations imports none of them. A panel returns template context; two panels never give the
same name.
"""

from __future__ import annotations

from collections.abc import Callable

ListPanel = Callable[[object], dict]
MunicipalityPanel = Callable[[object, object, list], dict]
ContactFinder = Callable[[list], dict]

_list_panels: list[ListPanel] = []
_municipality_panels: list[MunicipalityPanel] = []
_contact_finders: list[ContactFinder] = []


def _add(registry: list, function):
    if function not in registry:
        registry.append(function)
    return function


def municipality_list_panel(panel: ListPanel) -> ListPanel:
    """Register a panel of the municipality list: ``panel(tenancy) -> context``."""
    return _add(_list_panels, panel)


def municipality_panel(panel: MunicipalityPanel) -> MunicipalityPanel:
    """Register a panel of the municipality page: ``panel(tenancy, municipality, units) -> context``."""
    return _add(_municipality_panels, panel)


def partner_contacts(finder: ContactFinder) -> ContactFinder:
    """Register where the contact persons of partner organisations come from:
    ``finder(partners) -> {partner id: [contact, …]}``."""
    return _add(_contact_finders, finder)


def _merge(contributions) -> dict:
    context: dict = {}
    for contribution in contributions:
        twice = context.keys() & contribution.keys()
        if twice:
            raise ValueError(f"two panels give {sorted(twice)}")
        context.update(contribution)
    return context


def municipality_list_context(tenancy) -> dict:
    return _merge(panel(tenancy) for panel in _list_panels)


def municipality_context(tenancy, municipality, units: list) -> dict:
    return _merge(panel(tenancy, municipality, units) for panel in _municipality_panels)


def with_partner_contacts(partners) -> list:
    """The partners, each with ``contacts`` (its contact persons), in one query per finder."""
    partners = list(partners)
    found: dict[int, list] = {}
    for finder in _contact_finders:
        for pk, contacts in finder(partners).items():
            found.setdefault(pk, []).extend(contacts)
    for partner in partners:
        partner.contacts = found.get(partner.pk, [])
    return partners
