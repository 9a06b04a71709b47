"""The demo county's coordinator function, modelled on the evaluation's picture.

Åstad and Kölby work well (full-time, close to the social workers, a seat in the management
group, a team, a deputy, an approved role description). Salvik combines the post with case
handling at a unit, without a role description: it does not work. Hallsberga and Arnö have purely
strategic coordinators far from the social workers. Fagerås, Surby and Kungsvik share one
coordinator at 25 % each, whose parental leave in 2025 left partners without an entry point.
Norrberga and Skinnvik work with a violence team led by a manager and have no coordinator;
Skinnvik had a part-time coordinator for a few months in 2017.
"""

import datetime

D = datetime.date

# coordinator username: post fields, assignments (code, share, seat), deputy, role description state
POSTS = [
    {
        "coordinator": "anna.lind",
        "start": D(2016, 8, 15),  # the evaluation's Tabell 1: "fick samordnare i augusti 2016"
        "placement": "ifo",
        "combined": "none",
        "support": True,
        "deputy": "oskar.wall",
        "assignments": [("9901", 100, True)],
        "role_description": ("approved", D(2024, 2, 12), "demo.chef"),
    },
    {
        "coordinator": "maria.berg",
        "start": D(2020, 8, 17),
        "placement": "social_services",
        "combined": "none",
        "support": True,
        "deputy": "ida.sund",
        "assignments": [("9902", 100, True)],
        "role_description": ("approved", D(2021, 1, 20), "eva.strand"),
        # On parental leave around the day the demo is loaded: partners are sent to the deputy.
        "absences": [("parental_leave", "today-60", "today+120")],
    },
    {
        "coordinator": "pontus.ahl",
        "start": D(2015, 3, 1),
        "end": D(2020, 6, 30),
        "placement": "ifo",
        "combined": "none",
        "support": True,
        "deputy": None,
        "assignments": [("9902", 100, False)],
        "role_description": None,
    },
    {
        "coordinator": "sara.holm",
        "start": D(2019, 10, 1),
        "placement": "unit",
        "unit": "Vuxenenheten",
        "combined": "case_handling",
        "combined_percent": 25,
        "support": True,
        "deputy": None,
        "assignments": [("9903", 75, False)],
        "role_description": None,
    },
    {
        "coordinator": "emilia.rask",
        "start": D(2016, 1, 1),
        "end": D(2019, 8, 31),
        "placement": "unit",
        "unit": "Vuxenenheten",
        "combined": "case_handling",
        "combined_percent": 50,
        "support": True,
        "deputy": None,
        "assignments": [("9903", 50, False)],
        "role_description": None,
    },
    {
        "coordinator": "karin.ek",
        "start": D(2018, 6, 18),  # the evaluation's Tabell 2: "fick en kvinnofridssamordnare sommaren 2018"
        "placement": "municipality_wide",
        "combined": "other_strategic",
        "combined_percent": 50,
        "support": False,
        "deputy": None,
        "assignments": [("9904", 50, False)],
        "role_description": ("approved", D(2018, 9, 3), "ingrid.kvist"),
    },
    {
        "coordinator": "elin.sjo",
        "start": D(2019, 1, 7),
        "placement": "municipality_wide",
        "combined": "other_strategic",
        "combined_percent": 40,
        "support": False,
        "deputy": "peter.lund",
        "assignments": [("9905", 60, True)],
        "role_description": ("written", D(2025, 11, 3), None),
    },
    {
        "coordinator": "demo.samordnare",
        "start": D(2018, 2, 1),
        "placement": "ifo",
        "combined": "none",
        "support": True,
        "deputy": None,
        "assignments": [("9906", 25, True), ("9907", 25, False), ("9908", 25, False)],
        "role_description": ("written", D(2018, 3, 1), None),
        "absences": [("parental_leave", D(2025, 1, 13), D(2025, 8, 15))],
    },
    {
        "coordinator": "mikaela.strom",
        "start": D(2017, 3, 1),
        "end": D(2017, 8, 31),
        "placement": "ifo",
        "combined": "none",
        "support": True,
        "deputy": None,
        "assignments": [("9910", 50, False)],
        "role_description": None,
    },
]

ROLE_DESCRIPTION = {
    "purpose": "Att kommunen arbetar samordnat, kunskapsbaserat och rättssäkert mot mäns våld mot kvinnor och "
    "våld i nära relationer, och att våldsutsatta och deras barn får det stöd de behöver.",
    "goals": "Alla i socialtjänsten har gått grundutbildning om våld inom sex månader från anställning.\n"
    "Rutiner och handbok är uppdaterade och kända.\n"
    "Våldsärenden följs upp systematiskt varje år.",
    "tasks": "Vara bollplank i svåra ärenden.\nLeda VINR-teamet.\nTa fram och följa upp rutiner och "
    "handlingsplan.\nHålla i intern och extern samverkan.\nSprida information om utbildningar.",
    "colleague_use": "Konsultation i enskilda ärenden utan personuppgifter, stöd vid riskbedömning, "
    "utbildning på arbetsplatsträffar, kontakt med kvinnojour, polis och CMV.",
}

# Former coordinators and team members who are not demo accounts: username, first, last, code, unit
EXTRA_STAFF = [
    ("pontus.ahl", "Pontus", "Ahl", "9902", None),
    ("emilia.rask", "Emilia", "Rask", "9903", "Vuxenenheten"),
    ("mikaela.strom", "Mikaela", "Ström", "9910", None),
    ("astad.bou", "Sanna", "Berglund", "9901", "Barn och unga"),
    ("astad.eb", "Karl", "Lindqvist", "9901", "Ekonomiskt bistånd"),
    ("astad.mb", "Petra", "Söder", "9901", "Missbruk och beroende"),
    ("astad.fr", "Hugo", "Alm", "9901", "Familjerätten"),
    ("astad.ov", "Leila", "Nasser", "9901", "Öppenvården"),
    ("kolby.vux", "Tora", "Eng", "9902", "Vuxenenheten"),
    ("kolby.bou", "Olle", "Hed", "9902", "Barn och unga"),
    ("kolby.eb", "Rut", "Vall", "9902", "Ekonomiskt bistånd"),
    ("arno.ma", "Jenny", "Bäck", "9905", "Mottagning och vuxen"),
    ("arno.bou", "Samir", "Haddad", "9905", "Barn och unga"),
    ("arno.eb", "Lisa", "Myr", "9905", "Ekonomiskt bistånd"),
    ("norrberga.bou", "Alva", "Gren", "9909", "Barn och unga"),
    ("skinnvik.ifo", "Nils", "Udd", "9910", "Individ- och familjeomsorgen"),
    ("fageras.ma", "Hanna", "Vik", "9906", "Mottagning och vuxen"),
    ("surby.ma", "Ali", "Rahimi", "9907", "Mottagning och vuxen"),
]

# code: name, leader, rhythm, start, members (usernames)
TEAMS = {
    "9901": (
        "VINR-teamet",
        "anna.lind",
        "fortnightly",
        D(2017, 2, 1),
        ["demo.socialsekreterare", "linnea.ros", "david.nyman", "astad.eb", "astad.mb", "astad.fr", "astad.ov"],
    ),
    "9902": (
        "Familjefridsteamet",
        "maria.berg",
        "monthly",
        D(2021, 3, 1),
        ["ida.sund", "kolby.vux", "kolby.bou", "kolby.eb"],
    ),
    "9905": ("Våldsgruppen", "peter.lund", "monthly", D(2020, 9, 1), ["arno.ma", "arno.bou", "arno.eb"]),
    "9909": ("Familjefridsteamet", "per.dahl", "monthly", D(2014, 9, 1), ["maja.lo", "norrberga.bou"]),
    "9910": ("Familjefridsteamet", "lena.vik", "weekly", D(2025, 9, 1), ["tove.ask", "skinnvik.ifo"]),
}

TEAM_PURPOSE = (
    "Säkra att våldsärenden hanteras enhetligt och rättssäkert i alla enheter, sprida kunskap "
    "och vara metodstöd för handläggarna."
)

# username: {year: answers}
QUESTIONNAIRE = {
    "anna.lind": {
        2025: {
            "post_share": 100,
            "time_split": {"strategic": 40, "individual": 40, "client": 0, "other": 20},
            "time_other": "Utbildning",
            "placement": "ifo",
            "placement_advantages": "Nära socialsekreterarna och ledningsgruppen.",
            "placement_drawbacks": "Svårare att nå skola och äldreomsorg.",
            "achievements": [
                "Handbok om våld i nära relationer",
                "VINR-team i alla enheter",
                "FREDA-utbildning för alla handläggare",
            ],
        },
        2026: {
            "post_share": 100,
            "time_split": {"strategic": 45, "individual": 40, "client": 0, "other": 15},
            "time_other": "Utbildning",
            "placement": "ifo",
            "placement_advantages": "Nära socialsekreterarna och ledningsgruppen.",
            "placement_drawbacks": "Svårare att nå skola och äldreomsorg.",
            "achievements": ["Reviderad handbok", "Systematisk uppföljning av våldsärenden", "Huskurage med Åstadshem"],
        },
    },
    "maria.berg": {
        2026: {
            "post_share": 100,
            "time_split": {"strategic": 50, "individual": 35, "client": 5, "other": 10},
            "time_other": "Länsnätverk",
            "placement": "social_services",
            "placement_advantages": "Mandat över hela socialtjänsten.",
            "placement_drawbacks": "Längre till den dagliga verksamheten.",
            "achievements": [
                "Samverkansöverenskommelse med kvinnojouren",
                "Familjefridsteam",
                "Introduktion för nyanställda",
            ],
        },
    },
    "karin.ek": {
        2025: {
            "post_share": 50,
            "time_split": {"strategic": 90, "individual": 0, "client": 0, "other": 10},
            "time_other": "Folkhälsoarbete",
            "placement": "municipality_wide",
            "placement_advantages": "Når hela kommunen.",
            "placement_drawbacks": "Långt från socialsekreterarna.",
            "achievements": ["Handlingsplan mot våld", "Huskurage", "Kampanj i skolorna"],
        },
    },
    "demo.samordnare": {
        2026: {
            "post_share": 75,
            "time_split": {"strategic": 60, "individual": 30, "client": 0, "other": 10},
            "time_other": "Resor mellan kommunerna",
            "placement": "ifo",
            "placement_advantages": "Nära handläggarna i Fagerås.",
            "placement_drawbacks": "Sällan på plats i Surby och Kungsvik.",
            "achievements": ["Gemensamma rutiner i tre kommuner", "Utbildningsdag om våld", "Kontakt med CMV"],
        },
    },
}
