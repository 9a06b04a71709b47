"""This year's partner survey in the demo county: the police, the women's shelter and Centrum mot
våld rate their contact with the municipalities. Norrberga and Skinnvik (no coordinator) are
rated low and by fewer partners, as in the evaluation."""

from __future__ import annotations

from django.utils import timezone

from fridsam.accounts.models import User
from fridsam.evaluation.models import Response
from fridsam.evaluation.selectors import PARTNER_KEY
from fridsam.evaluation.services import response_submit, survey_round_for_year

# respondent → {municipality code: (contact 1–5, knows whom to contact: 2 yes / 1 partly / 0 no)}
ANSWERS = {
    "demo.partner": {"9901": (5, 2), "9902": (4, 2), "9905": (3, 1), "9906": (4, 2), "9909": (2, 0)},
    "frida.alm": {"9901": (4, 2), "9902": (4, 2), "9903": (3, 1), "9905": (3, 1), "9906": (3, 2), "9910": (2, 0)},
    "olof.holm": {"9901": (4, 2), "9902": (5, 2), "9903": (2, 1), "9904": (2, 0), "9905": (4, 2), "9906": (3, 1)},
}
BETTER = {
    "demo.partner": "En namngiven kontakt i varje kommun, också under semestrar.",
    "frida.alm": "Att vi bjuds in till arbetsplatsträffar oftare.",
    "olof.holm": "Att kommunerna som betalar för programmet också hänvisar hit.",
}


def load(county, municipalities) -> None:
    year = timezone.localdate().year
    round_ = survey_round_for_year(key=PARTNER_KEY, year=year)
    users = {u.username: u for u in User.objects.filter(username__in=list(ANSWERS))}
    for username, ratings in ANSWERS.items():
        if Response.system_objects.filter(round=round_, respondent=users[username]).exists():
            continue
        response_submit(
            round=round_,
            respondent=users[username],
            municipalities=[municipalities[code] for code in ratings],
            answers={
                "contact": {code: str(c) for code, (c, _k) in ratings.items()},
                "entry_point": {code: str(k) for code, (_c, k) in ratings.items()},
                "better": BETTER[username],
            },
        )
