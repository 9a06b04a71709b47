"""Collaboration in the demo county: Åstad's local collaboration group with the police and the
women's shelter (three meetings, decisions, action items — the police contact's from the last
meeting), and the county's regional group, where the municipalities without a coordinator
(Norrberga, Skinnvik) attend less often, as the evaluation found."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.collaboration import services
from fridsam.collaboration.models import CollaborationGroup, GroupKind

REGIONAL_MEMBERS = [
    "anna.lind", "maria.berg", "sara.holm", "karin.ek", "elin.sjo", "demo.samordnare", "per.dahl", "lena.vik",
    "frida.alm",
]  # fmt: skip
# months ago → usernames absent
REGIONAL_MEETINGS = [
    (20, {"per.dahl", "lena.vik", "elin.sjo"}),
    (14, {"lena.vik"}),
    (8, {"per.dahl", "lena.vik"}),
    (2, {"per.dahl"}),
]


def load(county, municipalities) -> None:
    if CollaborationGroup.objects.filter(county=county).exists():
        return
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    local = services.group_create(
        county=county,
        kind=GroupKind.LOCAL,
        municipality=municipalities["9901"],
        name="Samverkansgruppen mot våld i nära relationer, Åstad",
        purpose="Att socialtjänst, polis och kvinnojour i Åstad har gemensamma rutiner så att våldsutsatta "
        "och deras barn får rätt stöd snabbt, och att ärenden från polisen når socialtjänsten samma dag.",
        goals=[
            "Gemensam rutin för ärenden från polisen, antagen och känd av alla",
            "Kvinnojouren får minst fyra kontakter om året från socialtjänsten",
        ],
        chair=users["anna.lind"],
        members=[users[u] for u in ("demo.chef", "demo.socialsekreterare", "demo.partner", "frida.alm")],
        user=users["anna.lind"],
    )
    members = {m.user.username: m.pk for m in local.members.all()}
    for days_ago, absent, decisions, actions in [
        (120, {"demo.partner"}, ["Arbetsgrupp tar fram en rutin för polisärenden."], []),
        (60, set(), ["Rutinen för polisärenden antas."], [
            ("Bjud in kvinnojouren till arbetsplatsträff", "anna.lind", 45),
        ]),
        # The README's tour: the police contact finds the action given to him at the last meeting.
        (14, {"frida.alm"}, ["Uppföljning av rutinen i mars."], [
            ("Sprid rutinen i lokalpolisområdet", "demo.partner", 10),
            ("Ta fram statistik över polisärenden", "demo.chef", 21),
        ]),
    ]:  # fmt: skip
        held = today - datetime.timedelta(days=days_ago)
        services.meeting_record(
            group=local,
            held_on=held,
            agenda="1. Föregående protokoll\n2. Rutin för polisärenden\n3. Övrigt",
            minutes="Gruppen diskuterade hur ärenden från polisen tas emot.",
            present_member_ids=[pk for name, pk in members.items() if name not in absent],
            decisions=decisions,
            actions=[
                services.ActionInput(text, users[owner], held + datetime.timedelta(days=days))
                for text, owner, days in actions
            ],
            user=users["anna.lind"],
        )
    services.goal_review(
        goal=local.goals.first(), year=today.year - 1, result="partly",
        comment="Rutinen är framtagen men inte känd av alla.", user=users["anna.lind"],
    )  # fmt: skip

    regional = services.group_create(
        county=county,
        kind=GroupKind.REGIONAL,
        municipality=None,
        name="Regionala nätverket för kvinnofridssamordnare",
        purpose="Att länets kommuner delar kunskap och metoder, tar fram gemensamma rutiner och att kommuner "
        "utan samordnare också får del av stödet från länsstyrelsen.",
        goals=["Alla kommuner deltar i minst tre av fyra träffar", "En gemensam länsrutin för skyddat boende"],
        chair=users["demo.lansanalytiker"],
        members=[users[u] for u in REGIONAL_MEMBERS],
        user=users["demo.lansanalytiker"],
    )
    members = {m.user.username: m.pk for m in regional.members.all()}
    for months_ago, absent in REGIONAL_MEETINGS:
        services.meeting_record(
            group=regional,
            held_on=today - datetime.timedelta(days=30 * months_ago),
            agenda="Nytt från länsstyrelsen, erfarenhetsutbyte, länskompotten",
            minutes="",
            present_member_ids=[pk for name, pk in members.items() if name not in absent],
            decisions=[],
            actions=[],
            user=users["demo.lansanalytiker"],
        )
