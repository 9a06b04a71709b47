"""The demo county: fictional names, the evaluation's situation.

Ten municipalities of realistic sizes; eight have a coordinator, served by six coordinators (one
shared by three municipalities at 25 % each, two full-time, the rest 50–75 %); one coordinator
combines the post with case handling, two have purely strategic roles; two municipalities work
with a violence team (familjefridsteam) led by a manager and have no coordinator.
"""

COUNTY = {"code": "99", "name": "Frilunds län (demo)"}

# code, name, inhabitants 2025, yearly growth, unit set
MUNICIPALITIES = [
    ("9901", "Åstad", 38_400, 0.011, "large"),
    ("9902", "Kölby", 26_900, 0.004, "medium"),
    ("9903", "Salvik", 24_100, 0.005, "medium"),
    ("9904", "Hallsberga", 16_600, 0.003, "medium"),
    ("9905", "Arnö", 14_200, 0.002, "small"),
    ("9906", "Fagerås", 13_400, -0.001, "small"),
    ("9907", "Surby", 10_100, 0.000, "small"),
    ("9908", "Kungsvik", 8_800, 0.001, "small"),
    ("9909", "Norrberga", 5_800, -0.004, "tiny"),
    ("9910", "Skinnvik", 4_400, -0.005, "tiny"),
]
POPULATION_YEARS = range(2013, 2026)
ADULT_SHARE = 0.79

UNIT_SETS = {
    "large": [
        ("Mottagningen", "intake"),
        ("Vuxenenheten", "adults"),
        ("Barn och unga", "children"),
        ("Ekonomiskt bistånd", "economic_aid"),
        ("Missbruk och beroende", "substance_abuse"),
        ("Familjerätten", "family_law"),
        ("Öppenvården", "outpatient"),
    ],
    "medium": [
        ("Mottagningen", "intake"),
        ("Vuxenenheten", "adults"),
        ("Barn och unga", "children"),
        ("Ekonomiskt bistånd", "economic_aid"),
        ("Öppenvården", "outpatient"),
    ],
    "small": [
        ("Mottagning och vuxen", "intake"),
        ("Barn och unga", "children"),
        ("Ekonomiskt bistånd", "economic_aid"),
    ],
    "tiny": [
        ("Individ- och familjeomsorgen", "other"),
        ("Barn och unga", "children"),
    ],
}

DEMO_PASSWORD = "Fridsam-demo-2026"  # noqa: S105 - the demo county's public password

# username, first name, last name, phone, memberships:
# (role, organisation key, unit name or None, share %, title)
PEOPLE = [
    # Coordinators (six people, eight municipalities)
    (
        "anna.lind",
        "Anna",
        "Lind",
        "021-10 20 01",
        [("coordinator", "9901", None, 100, "Kvinnofridssamordnare, IFO – plats i ledningsgruppen")],
    ),
    (
        "maria.berg",
        "Maria",
        "Berg",
        "0221-20 30 02",
        [("coordinator", "9902", None, 100, "Kvinnofridssamordnare, socialtjänsten")],
    ),
    (
        "sara.holm",
        "Sara",
        "Holm",
        "0224-30 40 03",
        [("coordinator", "9903", "Vuxenenheten", 75, "Kvinnofridssamordnare och socialsekreterare med egna ärenden")],
    ),
    (
        "karin.ek",
        "Karin",
        "Ek",
        "0220-40 50 04",
        [("coordinator", "9904", None, 50, "Strategisk samordnare, kommunledningskontoret")],
    ),
    (
        "elin.sjo",
        "Elin",
        "Sjö",
        "0589-50 60 05",
        [("coordinator", "9905", None, 60, "Folkhälsostrateg och kvinnofridssamordnare, kommunövergripande")],
    ),
    (
        "demo.samordnare",
        "Johanna",
        "Nord",
        "0223-60 70 06",
        [
            ("coordinator", "9906", None, 25, "Gemensam kvinnofridssamordnare för tre kommuner"),
            ("coordinator", "9907", None, 25, "Gemensam kvinnofridssamordnare för tre kommuner"),
            ("coordinator", "9908", None, 25, "Gemensam kvinnofridssamordnare för tre kommuner"),
        ],
    ),
    # Managers (IFO-chefer); in the two team-only municipalities the manager leads the team.
    ("demo.chef", "Lars", "Öberg", "021-10 20 10", [("manager", "9901", None, None, "IFO-chef")]),
    ("demo.arkivarie", "Greta", "Arkell", "021-10 20 19", [("archivist", "9901", None, None, "Kommunarkivarie")]),
    ("eva.strand", "Eva", "Strand", "0221-20 30 11", [("manager", "9902", None, None, "Socialchef")]),
    ("nils.falk", "Nils", "Falk", "0224-30 40 12", [("manager", "9903", None, None, "IFO-chef")]),
    ("ingrid.kvist", "Ingrid", "Kvist", "0220-40 50 13", [("manager", "9904", None, None, "IFO-chef")]),
    ("peter.lund", "Peter", "Lund", "0589-50 60 14", [("manager", "9905", None, None, "Enhetschef vuxen")]),
    ("sofia.ahl", "Sofia", "Ahl", "0223-60 70 15", [("manager", "9906", None, None, "IFO-chef")]),
    ("jonas.borg", "Jonas", "Borg", "0220-70 80 16", [("manager", "9907", None, None, "Socialchef")]),
    ("hanna.roos", "Hanna", "Roos", "0227-80 90 17", [("manager", "9908", None, None, "IFO-chef")]),
    (
        "per.dahl",
        "Per",
        "Dahl",
        "0223-90 10 18",
        [("manager", "9909", None, None, "Enhetschef, leder familjefridsteamet")],
    ),
    (
        "lena.vik",
        "Lena",
        "Vik",
        "0222-10 11 19",
        [("manager", "9910", None, None, "IFO-chef, leder familjefridsteamet")],
    ),
    # Social workers
    (
        "demo.socialsekreterare",
        "Amira",
        "Hassan",
        "021-10 20 20",
        [("social_worker", "9901", "Mottagningen", None, "Socialsekreterare")],
    ),
    (
        "oskar.wall",
        "Oskar",
        "Wall",
        "021-10 20 21",
        [("social_worker", "9901", "Mottagningen", None, "Socialsekreterare")],
    ),
    (
        "linnea.ros",
        "Linnea",
        "Ros",
        "021-10 20 22",
        [("social_worker", "9901", "Barn och unga", None, "Socialsekreterare, barnutredare")],
    ),
    (
        "david.nyman",
        "David",
        "Nyman",
        "021-10 20 23",
        [("social_worker", "9901", "Vuxenenheten", None, "Socialsekreterare")],
    ),
    (
        "ida.sund",
        "Ida",
        "Sund",
        "0221-20 30 24",
        [("social_worker", "9902", "Mottagningen", None, "Socialsekreterare")],
    ),
    (
        "emil.strom",
        "Emil",
        "Ström",
        "0224-30 40 25",
        [("social_worker", "9903", "Barn och unga", None, "Socialsekreterare")],
    ),
    (
        "maja.lo",
        "Maja",
        "Lo",
        "0223-90 10 26",
        [("social_worker", "9909", "Individ- och familjeomsorgen", None, "Socialsekreterare, familjefridsteamet")],
    ),
    (
        "tove.ask",
        "Tove",
        "Ask",
        "0222-10 11 27",
        [("social_worker", "9910", "Barn och unga", None, "Socialsekreterare, familjefridsteamet")],
    ),
    # County board
    (
        "demo.lansanalytiker",
        "Camilla",
        "Gran",
        "010-224 90 00",
        [("county_analyst", "county", None, None, "Utvecklingsledare social hållbarhet, Länsstyrelsen")],
    ),
    # A national actor (ADR 0042): the estimate over every municipality in the country, nothing else
    (
        "demo.nationell",
        "Malin",
        "Norén",
        "010-555 12 00",
        [("national_analyst", "national", None, None, "Analytiker, nationell uppföljning av kvinnofridsarbetet")],
    ),
    # Partner organisations
    (
        "demo.partner",
        "Mikael",
        "Rask",
        "114 14",
        [("partner", "Polisen – lokalpolisområde Åstad", None, None, "Brottsoffersamordnare")],
    ),
    (
        "frida.alm",
        "Frida",
        "Alm",
        "021-12 34 56",
        [("partner", "Kvinnojouren i Frilund", None, None, "Verksamhetsledare")],
    ),
    (
        "olof.holm",
        "Olof",
        "Holm",
        "021-65 43 20",
        [("partner", "Centrum mot våld Frilund", None, None, "Behandlare")],
    ),
    # Administrator
    ("demo.admin", "Robin", "Sand", "021-10 20 99", [("administrator", None, None, None, "Systemförvaltare")]),
]

# The demo's national actor: fictional, like the county.
NATIONAL_ORGANISATION = {"name": "Nationell kvinnofridsuppföljning (demo)", "kind": "authority"}

# name, type, phone, email, municipality codes served (empty: the whole county)
PARTNERS = [
    ("Polisen – lokalpolisområde Åstad", "police", "114 14", "", ["9901", "9905", "9906"]),
    ("Åklagarmyndigheten, Frilunds åklagarkammare", "prosecution", "010-562 50 00", "", []),
    ("Kriminalvården, frivården Åstad", "prison_probation", "010-113 10 00", "", []),
    ("Kvinnojouren i Frilund", "womens_shelter", "021-12 34 56", "kontakt@kvinnojouren.example", []),
    ("Centrum mot våld Frilund", "cmv", "021-65 43 21", "cmv@frilund.example", ["9901", "9902", "9903"]),
    ("Barnahus Frilund", "barnahus", "021-17 50 00", "", []),
    ("Region Frilund – kvinnohälsovården", "region", "021-17 30 00", "", []),
    ("Åstadshem", "housing_company", "021-39 00 00", "", ["9901"]),
]

# The accounts printed by `make run`: one per role.
DEMO_ACCOUNTS = [
    ("county_analyst", "demo.lansanalytiker"),
    ("national_analyst", "demo.nationell"),
    ("coordinator", "demo.samordnare"),
    ("manager", "demo.chef"),
    ("archivist", "demo.arkivarie"),
    ("social_worker", "demo.socialsekreterare"),
    ("partner", "demo.partner"),
    ("administrator", "demo.admin"),
]
