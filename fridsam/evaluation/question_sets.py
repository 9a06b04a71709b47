"""Question sets shipped with Fridsam, as data. A change of wording or questions is a new version."""

COORDINATOR_QUESTIONNAIRE = {
    "key": "coordinator",
    "version": 1,
    "title": "Samordnarenkäten",
    "description": (
        "En kort årlig enkät till kvinnofridssamordnarna om hur tjänsten är organiserad och vad den har "
        "uppnått, byggd på Länsstyrelsens utvärdering (bilaga 2). Svaren visas på kommunsidan och används "
        "i hälsokontrollen. Skriv aldrig något som kan identifiera en klient."
    ),
    "questions": [
        {
            "key": "municipalities",
            "type": "municipalities",
            "text": "Vilken eller vilka kommuner arbetar du i som samordnare?",
        },
        {
            "key": "post_share",
            "type": "percent",
            "text": "Hur stor andel av din tjänst arbetar du som kvinnofridssamordnare?",
            "help": "I procent av en heltid, alla kommuner sammanlagt.",
        },
        {
            "key": "time_split",
            "type": "split",
            "text": "Hur fördelas din tid som samordnare?",
            "help": "I procent; delarna ska bli 100 tillsammans.",
            "options": {
                "parts": [
                    ["strategic", "Samordning på strategisk nivå"],
                    ["individual", "Samordning på individnivå (ärendestöd, bollplank)"],
                    ["client", "Direktarbete med klienter"],
                    ["other", "Annat"],
                ]
            },
        },
        {"key": "time_other", "type": "text", "required": False, "text": "Om du har angett annat: vad?"},
        {
            "key": "placement",
            "type": "choice",
            "text": "Var i organisationen är du placerad?",
            "options": {
                "choices": [
                    ["unit", "På en enhet"],
                    ["ifo", "Inom individ- och familjeomsorgen"],
                    ["social_services", "På socialtjänstnivå"],
                    ["municipality_wide", "Kommunövergripande"],
                ]
            },
        },
        {"key": "placement_advantages", "type": "long_text", "text": "Vilka fördelar har din placering?"},
        {
            "key": "placement_drawbacks",
            "type": "long_text",
            "text": "Vilka nackdelar eller utmaningar har din placering?",
        },
        {
            "key": "achievements",
            "type": "text_list",
            "text": "Vilka är de tre viktigaste sakerna du har uppnått som samordnare?",
            "options": {"items": 3},
        },
    ],
}

PARTNER_SURVEY = {
    "key": "partner",
    "version": 1,
    "title": "Samverkansenkäten",
    "description": (
        "En kort årlig enkät till samverkansparternas kontaktpersoner om kontakten med länets kommuner. "
        "Kommunerna ser resultatet för sin kommun när minst tre parter har svarat, aldrig vem som svarat vad. "
        "Skriv aldrig något som kan identifiera en klient."
    ),
    "questions": [
        {
            "key": "contact",
            "type": "municipality_scale",
            "text": "Hur har kontakten med kommunen i våldsfrågor fungerat det senaste året?",
            "help": "Lämna tomt för kommuner ni inte har haft kontakt med.",
            "options": {
                "none": "Ingen kontakt",
                "scale": [[1, "1 – Mycket dåligt"], [2, "2"], [3, "3"], [4, "4"], [5, "5 – Mycket bra"]],
            },
        },
        {
            "key": "entry_point",
            "type": "municipality_scale",
            "text": "Vet ni vem ni ska kontakta i våldsfrågor i kommunen?",
            "options": {"none": "Vet inte", "scale": [[2, "Ja"], [1, "Delvis"], [0, "Nej"]]},
        },
        {
            "key": "better",
            "type": "long_text",
            "required": False,
            "text": "Vad skulle göra samverkan med kommunerna bättre?",
        },
    ],
}

_SCALE = {
    "choices": [
        ["1", "1 – ingen kunskap"],
        ["2", "2 – lite kunskap"],
        ["3", "3 – viss kunskap"],
        ["4", "4 – god kunskap"],
        ["5", "5 – mycket god kunskap"],
    ]
}
_TOPICS = [
    ("basics", "våld i nära relationer i allmänhet (former av våld, våldets normaliseringsprocess)"),
    ("honour", "hedersrelaterat våld och förtryck"),
    ("children", "barn som upplever eller utsätts för våld"),
    ("perpetrators", "att möta personer som utövar våld"),
    ("risk", "strukturerad risk- och skyddsbedömning"),
    ("follow_up", "att följa upp insatser systematiskt"),
    ("elderly", "våld mot äldre"),
    ("disability", "våld mot personer med funktionsnedsättning"),
    ("substance", "våld i kombination med missbruk och beroende"),
    ("trafficking", "prostitution och människohandel"),
]
KNOWLEDGE_SELF_ASSESSMENT = {
    "key": "knowledge",
    "version": 1,
    "title": "Självskattning av kunskap om våld",
    "description": (
        "En kort årlig självskattning: hur skattar du din egen kunskap inom varje område? Svaren visas bara "
        "sammanställda per enhet när minst tre har svarat, och används för att planera kompetensutvecklingen."
    ),
    "questions": [
        {"key": key, "type": "choice", "text": f"Hur skattar du din kunskap om {text}?", "options": _SCALE}
        for key, text in _TOPICS
    ],
}

SHIPPED = [COORDINATOR_QUESTIONNAIRE, PARTNER_SURVEY, KNOWLEDGE_SELF_ASSESSMENT]


def sync(question_set_model, question_model, definition) -> None:
    """Create the question set version if it does not exist (used by the data migration)."""
    qs, created = question_set_model.objects.get_or_create(
        key=definition["key"],
        version=definition["version"],
        defaults={"title": definition["title"], "description": definition["description"], "is_current": True},
    )
    if not created:
        return
    question_set_model.objects.filter(key=definition["key"]).exclude(pk=qs.pk).update(is_current=False)
    for order, q in enumerate(definition["questions"], start=1):
        question_model.objects.create(
            question_set=qs,
            key=q["key"],
            order=order,
            text=q["text"],
            help_text=q.get("help", ""),
            answer_type=q["type"],
            options=q.get("options", {}),
            required=q.get("required", True),
        )
