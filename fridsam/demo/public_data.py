"""The public pages of the demo county: published for Åstad and Kölby (Åstad names its
coordinator), a draft waiting for approval in Salvik."""

from __future__ import annotations

from fridsam.accounts.models import User
from fridsam.organisations.models import PartnerOrganisation
from fridsam.public import services
from fridsam.public.models import PublicPageDraft

# municipality, coordinator, manager (None: leave it waiting), texts, name the contact
PAGES = [
    (
        "9901",
        "anna.lind",
        "demo.chef",
        {
            "intro": "Lever du med någon som slår, hotar eller kontrollerar dig? Du är inte ensam, "
            "och det finns hjälp. Socialtjänsten i Åstad kan ge dig stöd – också om du inte vet vad du "
            "vill göra än.",
            "phone": "021-10 20 00",
            "opening_hours": "Vardagar 8–16, telefontid 8.30–10",
            "after_hours": "Socialjouren Frilund, 021-10 20 99 (kvällar och helger)",
            "visiting_address": "Stadshuset, Storgatan 1, Åstad",
            "email": "",
            "extra": "Familjefridsteamet erbjuder stödsamtal för vuxna och barn. Du kan komma utan remiss.",
            "show_contact": True,
        },
        ["Kvinnojouren i Frilund", "Centrum mot våld Frilund"],
    ),
    (
        "9902",
        "maria.berg",
        "eva.strand",
        {
            "intro": "Socialtjänsten i Kölby hjälper dig som utsätts för våld av någon närstående.",
            "phone": "0221-20 30 00",
            "opening_hours": "Vardagar 8–16",
            "after_hours": "Socialjouren Frilund, 021-10 20 99",
            "visiting_address": "",
            "email": "",
            "extra": "",
            "show_contact": False,
        },
        ["Kvinnojouren i Frilund"],
    ),
    (
        "9903",
        "sara.holm",
        None,
        {
            "intro": "Här finns stöd för dig som utsätts för våld i en nära relation.",
            "phone": "0224-30 40 00",
            "opening_hours": "Vardagar 9–15",
            "after_hours": "",
            "visiting_address": "",
            "email": "",
            "extra": "",
            "show_contact": True,
        },
        ["Centrum mot våld Frilund"],
    ),
]


def load(county, municipalities) -> None:
    if PublicPageDraft.objects.filter(municipality__county=county).exists():
        return
    users = {u.username: u for u in User.objects.all()}
    partners = {p.name: p for p in PartnerOrganisation.objects.filter(county=county)}
    for code, coordinator, manager, texts, partner_names in PAGES:
        draft = services.draft_save(
            municipality=municipalities[code],
            data=texts,
            partners=[partners[n] for n in partner_names],
            user=users[coordinator],
        )
        draft = services.draft_submit(draft=draft, user=users[coordinator])
        if manager:
            services.draft_approve(draft=draft, user=users[manager])
