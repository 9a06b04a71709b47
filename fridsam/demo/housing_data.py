"""Protected housing and the housing exchange in the demo county.

Six providers with every quality status (assured, assessment too old, not assured, not assessed),
fresh and stale reports of free places and the municipalities' feedback; the exchange with the
year's commitments, apartments offered by most municipalities, waiting applicants and one move
completed earlier this year, so that the ledger has something to balance. Everything goes
through the services, as in production. Addresses are fictional.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.housing import services
from fridsam.housing.models import AvailabilityReport, Criterion, Provider, Result

# name, operator, (permit number, permit date), located in, address, phone, places, family rooms,
# staffing, security measures, target groups, children max age, partner organisation
PROVIDERS = [
    (
        "Kvinnojourens skyddade boende",
        "non_profit",
        None,
        "9901",
        "Lindvägen 4, Åstad",
        "021-12 34 50",
        8,
        3,
        "on_call",
        ["alarm", "secure_door", "protected_address", "police_link"],
        ["women", "children", "older_boys", "pets", "honour", "high_protection"],
        17,
        "Kvinnojouren i Frilund",
    ),
    (
        "Tryggheten Frilund AB",
        "private",
        ("IVO 3.5.1-20418/2024", datetime.date(2024, 6, 3)),
        "9902",
        "Industrigatan 11, Kölby",
        "0221-55 00 10",
        12,
        4,
        "24h",
        ["alarm", "camera", "secure_door", "protected_address", "safe_transport"],
        ["women", "children", "pets", "substance_use", "mental_illness"],
        12,
        None,
    ),
    (
        "Boendet Linden, Åstads kommun",
        "municipal",
        None,
        "9901",
        "Kastanjegatan 2, Åstad",
        "021-10 25 00",
        6,
        2,
        "daytime",
        ["alarm", "protected_address"],
        ["women", "men", "lgbtq", "children", "older_boys", "wheelchair", "older_people"],
        17,
        None,
    ),
    (
        "Regnbågshuset",
        "non_profit",
        None,
        "9903",
        "Sjöstigen 7, Salvik",
        "0224-12 12 12",
        4,
        0,
        "on_call",
        ["protected_address"],
        ["lgbtq", "men", "women"],
        None,
        None,
    ),
    (
        "Hedersjouren Nord",
        "non_profit",
        None,
        "9904",
        "Norra vägen 19, Hallsberga",
        "0220-33 44 55",
        5,
        2,
        "24h",
        ["alarm", "camera", "secure_door", "protected_address", "police_link", "safe_transport"],
        ["women", "children", "older_boys", "honour", "high_protection"],
        17,
        None,
    ),
    (
        "Stödboendet Ekbacken AB",
        "private",
        ("IVO 3.5.1-08812/2024", datetime.date(2024, 9, 16)),
        "9909",
        "Ekbacksvägen 3, Norrberga",
        "0225-40 40 40",
        10,
        3,
        "24h",
        ["alarm", "secure_door", "protected_address"],
        ["women", "children", "substance_use", "pets"],
        10,
        None,
    ),
]

# provider index → (days ago, results by criterion key; unlisted criteria are met)
ASSESSMENTS = {
    0: [(400, {}), (40, {})],
    1: [(200, {"schooling-child-perspective": "partly"})],
    2: [(1100, {})],
    4: [(90, {"safety-planning-children": "partly", "documentation": "not_met"})],
    5: [(150, {})],
}
# provider index → (hours ago, free places, free family rooms)
AVAILABILITY = {0: (5, 3, 1), 1: (100, 4, 2), 2: (20, 1, 0), 4: (30, 2, 1), 5: (10, 0, 0)}
# provider index → [(municipality, days since the placement ended, overall, comment)]
FEEDBACK = {
    0: [("9902", 60, 5, "Mycket bra säkerhetsplanering med barnen."), ("9906", 120, 4, "")],
    1: [("9901", 90, 3, "Skolgången tog lång tid att ordna."), ("9905", 30, 4, "")],
    5: [("9903", 45, 4, "Bra samarbete med beroendevården.")],
}

# municipality → apartments committed this year
COMMITMENTS = {
    "9901": 4,
    "9902": 3,
    "9903": 2,
    "9904": 2,
    "9905": 1,
    "9906": 1,
    "9907": 1,
    "9908": 1,
    "9909": 1,
}
# municipality, housing company, rooms, m², rent, floor, lift, accessible, available since (days), address
APARTMENTS = [
    ("9901", "Åstadshem", 3, 74, 8900, 2, True, False, 10, "Björkgatan 14, Åstad"),
    ("9901", "Åstadshem", 2, 58, 7200, 0, False, True, 20, "Björkgatan 16, Åstad"),
    ("9902", "Kölbybostäder", 3, 77, 8400, 1, False, False, 5, "Parkvägen 3, Kölby"),
    ("9902", "Kölbybostäder", 4, 92, 10100, 3, True, False, 30, "Parkvägen 9, Kölby"),
    ("9903", "Salviks Bostads AB", 2, 61, 6900, 1, True, False, 15, "Hamngatan 21, Salvik"),
    ("9904", "Hallsbergahem", 3, 70, 7900, 0, False, True, 25, "Ängsvägen 2, Hallsberga"),
    ("9905", "Arnö Fastigheter", 1, 38, 4900, 2, False, False, 12, "Strandgatan 5, Arnö"),
    ("9907", "Surbyhus", 3, 79, 8100, 1, True, False, 40, "Skolgatan 8, Surby"),
]
# the moved household: a Kölby apartment for an Åstad applicant, earlier this year
DONE_APARTMENT = ("9902", "Kölbybostäder", 2, 55, 6600, 0, False, False, 90, "Parkvägen 1, Kölby")

# responsible municipality, reference, adults, children's ages, min rooms, accessible, ground/lift,
# excluded, preferred, months in protected housing
APPLICANTS = [
    ("9901", "ÅST-2026-0114", 1, [9, 6], 3, False, False, ["9901"], ["9902"], 14),
    ("9902", "KÖL-2026-0031", 1, [15], 2, False, False, ["9902", "9903"], ["9901"], 9),
    ("9903", "SAL-2026-0007", 1, [], 1, False, False, ["9903"], [], 4),
    ("9905", "ARN-2026-0002", 1, [3], 2, True, True, ["9905"], ["9904"], 11),
    ("9906", "FAG-2026-0019", 1, [12, 10, 4], 4, False, False, ["9906", "9907"], [], 20),
    ("9904", "HAL-2026-0011", 2, [16, 13, 8, 5], 5, False, False, ["9904"], [], 6),
]
DONE_APPLICANT = ("9901", "ÅST-2025-0288", 1, [5], 2, False, False, ["9901"], ["9902"], 16)


def _coordinator(users, code):
    return users[{"9901": "anna.lind", "9902": "maria.berg", "9903": "sara.holm", "9904": "karin.ek",
                  "9905": "elin.sjo", "9906": "demo.samordnare", "9907": "demo.samordnare",
                  "9908": "demo.samordnare"}.get(code, "anna.lind")]  # fmt: skip


def load(county, municipalities) -> None:
    if Provider.objects.filter(county=county).exists():
        return
    users = {u.username: u for u in User.objects.all()}
    today, now = timezone.localdate(), timezone.now()
    partners = {p.name: p for p in county.partner_organisations.all()}
    criteria = list(Criterion.objects.filter(active=True))
    providers = []
    for i, row in enumerate(PROVIDERS):
        name, operator, permit, code, address, phone, places, family, staffing, security, groups, age, partner = row
        providers.append(
            services.provider_save(
                county=county,
                fields={
                    "name": name,
                    "operator_type": operator,
                    "ivo_permit_number": permit[0] if permit else "",
                    "ivo_permit_date": permit[1] if permit else None,
                    "located_in": municipalities[code],
                    "phone": phone,
                    "places": places,
                    "family_rooms": family,
                    "staffing": staffing,
                    "security_measures": security,
                    "target_groups": groups,
                    "children_max_age": age,
                    "partner_organisation": partners.get(partner) if partner else None,
                    "description": "",
                    "active": True,
                },
                address=address,
                user=users["anna.lind"],
            )
        )
        for days_ago, deviations in ASSESSMENTS.get(i, []):
            services.assessment_create(
                provider=providers[-1],
                assessed_on=today - datetime.timedelta(days=days_ago),
                results={c.key: (deviations.get(c.key, Result.MET), "") for c in criteria},
                summary="",
                user=users["anna.lind"],
                municipality=municipalities["9901"],
            )
        if i in AVAILABILITY:
            hours, free, family_free = AVAILABILITY[i]
            report = services.availability_report(
                provider=providers[-1], free_places=free, free_family_rooms=family_free, user=users["anna.lind"]
            )
            AvailabilityReport.objects.filter(pk=report.pk).update(reported_at=now - datetime.timedelta(hours=hours))
        for code_, days, overall, comment in FEEDBACK.get(i, []):
            services.feedback_give(
                provider=providers[-1],
                municipality=municipalities[code_],
                user=_coordinator(users, code_),
                placement_ended_on=today - datetime.timedelta(days=days),
                overall=overall,
                ratings={"staff-competence": "good" if overall >= 4 else "acceptable"},
                comment=comment,
            )
    _exchange(municipalities, users, today)


def _apartment(row, municipalities, users, today):
    code, company, rooms, size, rent, floor, lift, accessible, days, address = row
    return services.apartment_offer(
        municipality=municipalities[code],
        fields={
            "housing_company": company,
            "rooms": rooms,
            "size_m2": size,
            "rent": rent,
            "floor": floor,
            "has_lift": lift,
            "accessible": accessible,
            # Already available, this year (the demo's ledger counts the year's offers).
            "available_from": max(today - datetime.timedelta(days=days), today.replace(month=1, day=1)),
        },
        address=address,
        user=_coordinator(users, code),
    )


def _applicant(row, municipalities, users):
    code, reference, adults, children, rooms, accessible, ground, excluded, preferred, months = row
    return services.applicant_register(
        municipality=municipalities[code],
        data=services.ApplicantInput(
            reference=reference,
            adults=adults,
            children_ages=children,
            min_rooms=rooms,
            needs_accessible=accessible,
            needs_ground_or_lift=ground,
            excluded=[municipalities[c] for c in excluded],
            preferred=[municipalities[c] for c in preferred],
            months_in_protected_housing=months,
        ),
        user=_coordinator(users, code),
    )


def _exchange(municipalities, users, today) -> None:
    for code, n in COMMITMENTS.items():
        services.commitment_set(
            municipality=municipalities[code], year=today.year, apartments=n, user=_coordinator(users, code)
        )
    for row in APARTMENTS:
        _apartment(row, municipalities, users, today)
    for row in APPLICANTS:
        _applicant(row, municipalities, users)
    # A move completed earlier this year, through the whole state machine.
    apartment = _apartment(DONE_APARTMENT, municipalities, users, today)
    applicant = _applicant(DONE_APPLICANT, municipalities, users)
    offering, receiving = _coordinator(users, "9902"), _coordinator(users, "9901")
    allocation = services.allocation_propose(apartment=apartment, applicant=applicant, user=receiving)
    allocation = services.allocation_accept(allocation=allocation, user=offering)
    allocated_on = max(today - datetime.timedelta(days=60), today.replace(month=1, day=1))
    allocation = services.allocation_allocate(allocation=allocation, user=offering, on=allocated_on)
    moved_in = min(allocated_on + datetime.timedelta(days=7), today)
    services.allocation_move_in(allocation=allocation, user=receiving, on=moved_in)
