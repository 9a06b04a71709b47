"""Written agreements, referrals and prevention work in the demo county.

Åstad has current agreements with four of the six partners (psychiatry's follow-up is overdue);
Kölby pays Centrum mot våld for its programme and refers to it; Hallsberga pays for it too but
has referred nobody in a year — the health check flags it, as the evaluation's "De visste inte
ens att de betalade för mig"."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.collaboration import services
from fridsam.collaboration.models import Agreement
from fridsam.organisations.models import PartnerOrganisation, Unit

# municipality, party, partner name or None, title, days since approval, days since follow-up, paid
AGREEMENTS = [
    ("9901", "womens_shelter", "Kvinnojouren i Frilund", "Samverkan med kvinnojouren", 400, 100, False),
    ("9901", "police", "Polisen – lokalpolisområde Åstad", "Samverkansöverenskommelse med polisen", 600, 200, False),
    ("9901", "primary_care", "Region Frilund – kvinnohälsovården", "Samverkan med primärvården", 300, None, False),
    ("9901", "youth_clinic", None, "Överenskommelse med ungdomsmottagningen", 200, None, False),
    ("9901", "psychiatry", None, "Samverkan med vuxenpsykiatrin", 1100, 900, False),
    ("9902", "womens_shelter", "Kvinnojouren i Frilund", "Överenskommelse med kvinnojouren", 500, 60, False),
    ("9902", "perpetrator_programme", "Centrum mot våld Frilund", "Avtal om behandlingsprogram, CMV", 700, 120, True),
    ("9904", "perpetrator_programme", "Centrum mot våld Frilund", "Avtal om behandlingsprogram, CMV", 500, 300, True),
]  # fmt: skip
# municipality, unit, partner, category, days ago
REFERRALS = [
    ("9902", "Mottagningen", "Centrum mot våld Frilund", "perpetrator_programme", 40),
    ("9902", "Mottagningen", "Centrum mot våld Frilund", "perpetrator_programme", 150),
    ("9901", "Vuxenenheten", "Kvinnojouren i Frilund", "womens_shelter", 12),
    ("9901", "Barn och unga", "Barnahus Frilund", "barnahus", 30),
    ("9904", "Mottagningen", "Centrum mot våld Frilund", "perpetrator_programme", 500),
]
PREVENTION = [
    ("9901", "Huskurage", "Åstadshem", 900, "active"),
    ("9901", "Mentors in Violence Prevention", "Åstads gymnasium", 200, "active"),
    ("9902", "Huskurage", "Kölbybostäder", 60, "planned"),
]


def load(county, municipalities) -> None:
    if Agreement.objects.filter(municipality__county=county).exists():
        return
    users = {u.username: u for u in User.objects.all()}
    coordinators = {"9901": "anna.lind", "9902": "maria.berg", "9904": "karin.ek"}
    partners = {p.name: p for p in PartnerOrganisation.objects.filter(county=county)}
    today = timezone.localdate()
    for code, party, partner, title, approved_days, followed_days, paid in AGREEMENTS:
        services.agreement_save(
            municipality=municipalities[code],
            data={
                "party": party,
                "partner_organisation": partners.get(partner) if partner else None,
                "title": title,
                "approved_by": "Socialnämnden",
                "approved_on": today - datetime.timedelta(days=approved_days),
                "valid_until": None,
                "last_followed_up": today - datetime.timedelta(days=followed_days) if followed_days else None,
                "paid": paid,
                "note": "",
            },
            user=users[coordinators[code]],
        )
    units = {(u.municipality.code, u.name): u for u in Unit.objects.filter(municipality__county=county)}
    for code, unit, partner, category, days in REFERRALS:
        services.referral_create(
            municipality=municipalities[code],
            unit=units[(code, unit)],
            partner=partners[partner],
            category=category,
            referred_on=today - datetime.timedelta(days=days),
            user=users[coordinators[code]],
        )
    for code, programme, organisation, days, status in PREVENTION:
        services.prevention_save(
            municipality=municipalities[code],
            data={
                "programme": programme,
                "organisation": organisation,
                "since": today - datetime.timedelta(days=days),
                "status": status,
                "note": "",
            },
            user=users[coordinators[code]],
        )
