"""A corpus of Swedish look-alikes of personal identity numbers, for measuring false positives.

Phone numbers, dates, case numbers (diarienummer) and amounts, in the forms staff write them in
notes, replies and routines: alone, and inside the kind of sentences they come in. The corpus is
generated from a fixed seed, so every run measures the same texts. None of them is meant as a
personal identity number; a text the validator flags is a false positive.

Separators inside phone numbers and amounts are a plain space, a no-break space or a narrow
no-break space (what word processors and spreadsheets produce).
"""

from __future__ import annotations

import random

SEED = 15
SIZE = 20_000

_SPACES = [" ", " ", " ", "\u00a0", "\u202f"]  # mostly plain spaces
_MOBILE = ["070", "072", "073", "076", "079"]
# Area codes with the length of their subscriber numbers (Stockholm 7–8 digits, others 5–7).
_AREAS = [("08", (7, 8)), ("031", (6, 7)), ("040", (6, 7)), ("018", (6, 7)), ("021", (6, 7)), ("0221", (5, 6))]
_ORGANS = ["IFO", "SOC", "SN", "KS", "VON", "BUN", "ON", "SON"]
_MONTHS = ["jan", "feb", "mars", "april", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"]


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    first = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _group(digits: str, sizes: list[int], space: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(digits[i : i + size])
        i += size
    if i < len(digits):
        parts.append(digits[i:])
    return space.join(p for p in parts if p)


def phone(rng: random.Random) -> str:
    space = rng.choice(_SPACES)
    if rng.random() < 0.6:
        area = rng.choice(_MOBILE)
        subscriber = _digits(rng, 7, first_nonzero=True)
    else:
        area, lengths = rng.choice(_AREAS)
        subscriber = _digits(rng, rng.choice(lengths), first_nonzero=True)
    grouped = _group(subscriber, [3, 2, 2] if len(subscriber) == 7 else [3, 3, 2], space)
    national = area[1:]
    form = rng.randrange(8)
    if form == 0:
        return f"{area}-{grouped}"  # 070-123 45 67, 08-123 456 78
    if form == 1:
        return f"{area}-{subscriber}"  # 070-1234567
    if form == 2:
        return f"{area}{space}{grouped}"  # 070 123 45 67
    if form == 3:
        return f"{area}{subscriber}"  # 0701234567
    if form == 4:
        return f"+46{space}{national}{space}{grouped}"  # +46 70 123 45 67
    if form == 5:
        return f"+46{national}{subscriber}"  # +46701234567
    if form == 6:
        return f"+46{space}(0){national}-{grouped}"  # +46 (0)70-123 45 67
    return f"0046{space}{national}{space}{grouped}"


def date(rng: random.Random) -> str:
    year = rng.randint(1990, 2030)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    form = rng.randrange(9)
    if form == 0:
        return f"{year}-{month:02d}-{day:02d}"  # 2024-05-01
    if form == 1:
        return f"{year}{month:02d}{day:02d}"  # 20240501
    if form == 2:
        return f"{day}/{month} {year}"  # 1/5 2024
    if form == 3:
        return f"{day} {_MONTHS[month - 1]} {year}"  # 1 maj 2024
    if form == 4:
        return f"{year % 100:02d}{month:02d}{day:02d}"  # 240501
    if form == 5:
        return f"{day:02d}.{month:02d}.{year}"  # 01.05.2024
    if form == 6:
        end = rng.randint(day, 28)
        return f"{year}-{month:02d}-{day:02d}–{year}-{month:02d}-{end:02d}"  # a period
    if form == 7:
        return f"{year}-{month:02d}-{day:02d} kl. {rng.randint(8, 17)}.{rng.choice(['00', '15', '30', '45'])}"
    return f"{day}/{month}–{rng.randint(1, 28)}/{rng.randint(1, 12)} {year}"


def case_number(rng: random.Random) -> str:
    year = rng.randint(2015, 2030)
    organ = rng.choice(_ORGANS)
    serial = rng.randint(1, 9999)
    form = rng.randrange(8)
    if form == 0:
        return f"{organ} {year}/{serial}"  # IFO 2024/123
    if form == 1:
        return f"{organ}-{year}-{serial:05d}"  # SOC-2024-00123
    if form == 2:
        return f"{year}-{serial:04d}"  # 2024-1234
    if form == 3:
        return f"Dnr {organ} {year}/{serial:04d}"
    if form == 4:
        return f"{organ} {year}:{serial}"  # KS 2024:123
    if form == 5:
        return f"{organ}{year}-{serial:04d}"  # IFO2024-0412
    if form == 6:
        return f"{year}.{rng.randint(1, 999)}"  # 2024.123
    return f"{organ} {year}-{rng.randint(1, 999):03d}-{rng.randint(1, 99):02d}"  # SN 2024-012-03


def amount(rng: random.Random) -> str:
    space = rng.choice(_SPACES)
    value = rng.choice(
        [rng.randint(100, 99_999), rng.randint(100_000, 9_999_999), rng.randint(10_000_000, 999_999_999)]
    )
    grouped = f"{value:,}".replace(",", space)
    ore = f",{rng.randint(0, 99):02d}"
    form = rng.randrange(7)
    if form == 0:
        return f"{grouped} kr"  # 12 345 kr
    if form == 1:
        return f"{grouped}{ore}"  # 1 234 567,50
    if form == 2:
        return f"{grouped}{ore} kr"
    if form == 3:
        return f"{grouped}:-"  # 12 345:-
    if form == 4:
        return f"{value} kr"  # 1234567 kr
    if form == 5:
        return f"SEK{space}{grouped}"
    return f"{grouped}{space}kronor"


KINDS = {"phone": phone, "date": date, "case_number": case_number, "amount": amount}

_SENTENCES = [
    "Ring {phone} före {date}.",
    "Dnr {case_number}, beviljat {amount}.",
    "Möte {date}, kontakt {phone}.",
    "Ärende {case_number} – uppföljning {date}.",
    "Utbetalning {amount} den {date} ({case_number}).",
    "Jourtelefon {phone}; handläggare nås på {phone}.",
    "Beslut {date} i {case_number}: {amount}.",
    "{date}: samtal med kvinnojouren, tel {phone}.",
]


def corpus(size: int = SIZE, seed: int = SEED) -> list[tuple[str, str]]:
    """*size* (kind, text) pairs: every kind alone in equal shares, and a quarter in sentences."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    texts = []
    alone = 0
    for i in range(size):
        if i % 4 == 3:
            texts.append(("sentence", rng.choice(_SENTENCES).format_map(_Fill(rng))))
        else:
            kind = kinds[alone % len(kinds)]
            alone += 1
            texts.append((kind, KINDS[kind](rng)))
    return texts


class _Fill(dict):
    """Fills each placeholder of a sentence with a fresh look-alike of its kind."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        return KINDS[key](self.rng)


def false_positive_rate(contains, texts: list[tuple[str, str]] | None = None) -> tuple[int, int, dict[str, int]]:
    """(flagged, total, flagged per kind) for the predicate *contains* over the corpus."""
    texts = corpus() if texts is None else texts
    per_kind: dict[str, int] = {}
    flagged = 0
    for kind, text in texts:
        if contains(text):
            flagged += 1
            per_kind[kind] = per_kind.get(kind, 0) + 1
    return flagged, len(texts), per_kind
