"""Assessment instruments as versioned data: parse and check a definition, read a filled-in form,
score it.

A definition (JSON, see ``data/instruments/`` and docs/instruments.md) has sections of items
(yes/no/don't know, scale, choice, short text), scores that sum the points of item sets, and for
screening and risk instruments a level: thresholds on one score, and items that raise the level
on their own (``raise_if_yes``). Levels are Fridsam's three (low, elevated, high), so records
and statistics can compare instruments. Every problem of a definition is reported, with where.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fridsam.core import uploads
from fridsam.core.validators import contains_personal_identity_number
from fridsam.followup.models import InstrumentKind, RiskLevel

FORMAT = 1
MAX_BYTES = 1 * uploads.MB  # a definition file; the largest shipped is 5 kB
MAX_VALUES = 100_000
ITEM_TYPES = ("yes_no_unknown", "scale", "choice", "text")
ANSWERS_YNU = ("yes", "no", "unknown")
TEXT_MAX = 300
LEVELS = [level.value for level in RiskLevel]


class InstrumentError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Item:
    key: str
    text: str
    type: str
    help: str = ""
    required: bool = True
    points: int = 1  # yes_no_unknown: points for "yes"
    unknown_points: int = 0
    min: int = 0
    max: int = 0
    options: list[dict] = field(default_factory=list)
    max_length: int = TEXT_MAX

    def points_for(self, answer) -> int:
        if answer in (None, ""):
            return 0
        if self.type == "yes_no_unknown":
            return self.points if answer == "yes" else self.unknown_points if answer == "unknown" else 0
        if self.type == "scale":
            return int(answer)
        if self.type == "choice":
            return next((int(o.get("points", 0)) for o in self.options if o["value"] == answer), 0)
        return 0

    def answer_label(self, answer) -> str:
        if answer in (None, ""):
            return "–"
        if self.type == "yes_no_unknown":
            return {"yes": _("Yes"), "no": _("No"), "unknown": _("Don't know")}[answer]
        if self.type == "choice":
            return next((o["label"] for o in self.options if o["value"] == answer), str(answer))
        return str(answer)


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]


@dataclass
class Score:
    key: str
    label: str
    items: list[str]


@dataclass
class Definition:
    key: str
    version: str
    kind: str
    name: str
    description: str
    demo: bool
    sections: list[Section]
    scores: list[Score]
    level_score: str | None = None
    thresholds: list[tuple[int, str]] = field(default_factory=list)  # ascending (from, level)
    raise_if_yes: list[tuple[list[str], str]] = field(default_factory=list)
    source: str = ""

    @property
    def items(self) -> dict[str, Item]:
        return {item.key: item for section in self.sections for item in section.items}

    @property
    def has_level(self) -> bool:
        return self.level_score is not None


@dataclass
class Result:
    scores: dict[str, int]
    level: str
    reasons: list[str]


def _str(data, name, where, problems, *, required=True, max_length=None):
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(_("%(where)s: “%(name)s” is missing.") % {"where": where, "name": name})
        return ""
    if not isinstance(value, str):
        problems.append(_("%(where)s: “%(name)s” must be text.") % {"where": where, "name": name})
        return ""
    if max_length and len(value) > max_length:
        problems.append(
            _("%(where)s: “%(name)s” is longer than %(max)s characters.")
            % {"where": where, "name": name, "max": max_length}
        )
    return value.strip()


def _int(data, name, where, problems, default=None):
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(_("%(where)s: “%(name)s” must be a whole number.") % {"where": where, "name": name})
        return default or 0
    return value


def parse(data) -> Definition:
    """Check a definition (a dict, or JSON text) and return it; raise InstrumentError listing every problem."""
    problems: list[str] = []
    if isinstance(data, bytes | str):
        try:
            data = uploads.load_json(data, max_bytes=MAX_BYTES, max_values=MAX_VALUES)
        except uploads.FileError as exc:
            raise InstrumentError([str(exc)]) from exc
    if not isinstance(data, dict):
        raise InstrumentError([_("The definition must be a JSON object.")])
    top = _("The instrument")
    if data.get("format") != FORMAT:
        problems.append(_("“format” must be %(format)s.") % {"format": FORMAT})
    key = _str(data, "key", top, problems, max_length=60)
    if key and not all(c.isalnum() or c in "-_" for c in key):
        problems.append(_("“key” may contain letters, digits, - and _ only."))
    version = _str(data, "version", top, problems, max_length=30)
    name = _str(data, "name", top, problems, max_length=200)
    kind = data.get("kind")
    if kind not in InstrumentKind.values:
        problems.append(_("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(InstrumentKind.values)})
    demo = data.get("demo", False)
    if not isinstance(demo, bool):
        problems.append(_("“demo” must be true or false."))

    sections: list[Section] = []
    seen: set[str] = set()
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(_("“sections” must be a non-empty list."))
        raw_sections = []
    for s_index, raw in enumerate(raw_sections, start=1):
        where = _("Section %(n)s") % {"n": s_index}
        if not isinstance(raw, dict):
            problems.append(_("%(where)s must be an object.") % {"where": where})
            continue
        title = _str(raw, "title", where, problems, max_length=200)
        items = []
        raw_items = raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            problems.append(_("%(where)s: “items” must be a non-empty list.") % {"where": where})
            raw_items = []
        for i_index, raw_item in enumerate(raw_items, start=1):
            item = _parse_item(raw_item, f"{where}, " + _("item %(n)s") % {"n": i_index}, problems, seen)
            if item:
                items.append(item)
        sections.append(Section(key=str(raw.get("key", s_index)), title=title, items=items))
    items_by_key = {i.key: i for s in sections for i in s.items}

    scores: list[Score] = []
    raw_scores = data.get("scores", [])
    if not isinstance(raw_scores, list):
        problems.append(_("“scores” must be a list."))
        raw_scores = []
    for index, raw in enumerate(raw_scores, start=1):
        where = _("Score %(n)s") % {"n": index}
        if not isinstance(raw, dict):
            problems.append(_("%(where)s must be an object.") % {"where": where})
            continue
        score_key = _str(raw, "key", where, problems)
        label = _str(raw, "label", where, problems, max_length=200)
        members = raw.get("items")
        if not isinstance(members, list) or not members:
            problems.append(_("%(where)s: “items” must be a non-empty list of item keys.") % {"where": where})
            members = []
        for member in members:
            if member not in items_by_key:
                problems.append(_("%(where)s: there is no item “%(item)s”.") % {"where": where, "item": member})
            elif items_by_key[member].type == "text":
                problems.append(
                    _("%(where)s: the text item “%(item)s” cannot be scored.") % {"where": where, "item": member}
                )
        scores.append(Score(key=score_key, label=label, items=[str(m) for m in members]))
    score_keys = {s.key for s in scores}

    definition = Definition(
        key=key,
        version=version,
        kind=kind or "",
        name=name,
        description=str(data.get("description", "")),
        demo=bool(demo),
        sections=sections,
        scores=scores,
        source=str(data.get("source", "")),
    )
    level = data.get("level")
    if kind in (InstrumentKind.SCREENING, InstrumentKind.RISK) and level is None:
        problems.append(_("A screening or risk instrument needs a “level”."))
    if level is not None:
        _parse_level(level, definition, score_keys, items_by_key, problems)
    if problems:
        raise InstrumentError(problems)
    return definition


def _parse_item(raw, where, problems, seen) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(_("%(where)s must be an object.") % {"where": where})
        return None
    key = _str(raw, "key", where, problems, max_length=40)
    if key in seen:
        problems.append(_("%(where)s: the key “%(key)s” is used twice.") % {"where": where, "key": key})
    seen.add(key)
    text = _str(raw, "text", where, problems, max_length=500)
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        problems.append(
            _("%(where)s: “type” must be one of: %(types)s.") % {"where": where, "types": ", ".join(ITEM_TYPES)}
        )
        return None
    item = Item(
        key=key,
        text=text,
        type=item_type,
        help=str(raw.get("help", "")),
        required=bool(raw.get("required", item_type != "text")),
    )
    if item_type == "yes_no_unknown":
        item.points = _int(raw, "points", where, problems, default=1)
        item.unknown_points = _int(raw, "unknown_points", where, problems, default=0)
    elif item_type == "scale":
        item.min = _int(raw, "min", where, problems, default=0)
        item.max = _int(raw, "max", where, problems, default=0)
        if item.max <= item.min:
            problems.append(_("%(where)s: “max” must be greater than “min”.") % {"where": where})
    elif item_type == "choice":
        options = raw.get("options")
        if not isinstance(options, list) or len(options) < 2:
            problems.append(_("%(where)s: a choice needs at least two “options”.") % {"where": where})
            options = []
        values = set()
        for option in options:
            if not isinstance(option, dict) or not option.get("value") or not option.get("label"):
                problems.append(_("%(where)s: every option needs a “value” and a “label”.") % {"where": where})
                continue
            if option["value"] in values:
                problems.append(
                    _("%(where)s: the option “%(value)s” is listed twice.") % {"where": where, "value": option["value"]}
                )
            values.add(option["value"])
            _int(option, "points", where, problems, default=0)
        item.options = [o for o in options if isinstance(o, dict)]
    else:
        item.max_length = _int(raw, "max_length", where, problems, default=TEXT_MAX)
        if not 1 <= item.max_length <= TEXT_MAX:
            problems.append(_("%(where)s: “max_length” must be 1–%(max)s.") % {"where": where, "max": TEXT_MAX})
    return item


def _parse_level(level, definition, score_keys, items_by_key, problems) -> None:
    where = _("The level")
    if not isinstance(level, dict):
        problems.append(_("“level” must be an object."))
        return
    definition.level_score = level.get("score")
    if definition.level_score not in score_keys:
        problems.append(_("%(where)s: “score” must name one of the scores.") % {"where": where})
    thresholds = level.get("thresholds")
    if not isinstance(thresholds, list) or not thresholds:
        problems.append(_("%(where)s: “thresholds” must be a non-empty list.") % {"where": where})
        thresholds = []
    previous = None
    for raw in thresholds:
        if not isinstance(raw, dict) or raw.get("level") not in LEVELS or not isinstance(raw.get("from"), int):
            problems.append(
                _("%(where)s: every threshold needs a whole number “from” and a “level” (%(levels)s).")
                % {"where": where, "levels": ", ".join(LEVELS)}
            )
            continue
        if previous is not None and raw["from"] <= previous:
            problems.append(_("%(where)s: the thresholds must rise.") % {"where": where})
        previous = raw["from"]
        definition.thresholds.append((raw["from"], raw["level"]))
    if definition.thresholds and definition.thresholds[0][0] != 0:
        problems.append(_("%(where)s: the first threshold must start at 0.") % {"where": where})
    for raw in level.get("raise_if_yes", []):
        if not isinstance(raw, dict) or raw.get("level") not in LEVELS or not isinstance(raw.get("items"), list):
            problems.append(_("%(where)s: every “raise_if_yes” needs “items” and a “level”.") % {"where": where})
            continue
        for member in raw["items"]:
            if member not in items_by_key or items_by_key[member].type != "yes_no_unknown":
                problems.append(
                    _("%(where)s: “raise_if_yes” names “%(item)s”, which is no yes/no item.")
                    % {"where": where, "item": member}
                )
        definition.raise_if_yes.append((list(raw["items"]), raw["level"]))


def clean_answers(definition: Definition, data) -> tuple[dict, dict[str, str]]:
    """Read a submitted form (a QueryDict or dict of item key → text). Returns the answers and
    an error per item key (empty when all is well)."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for key, item in definition.items.items():
        raw = (data.get(f"item_{key}") or "").strip()
        if not raw:
            if item.required:
                errors[key] = _("Answer this question.")
            continue
        if item.type == "yes_no_unknown":
            if raw not in ANSWERS_YNU:
                errors[key] = _("Choose yes, no or don't know.")
                continue
            answers[key] = raw
        elif item.type == "scale":
            try:
                value = int(raw)
            except ValueError:
                errors[key] = _("Choose a value from %(min)s to %(max)s.") % {"min": item.min, "max": item.max}
                continue
            if not item.min <= value <= item.max:
                errors[key] = _("Choose a value from %(min)s to %(max)s.") % {"min": item.min, "max": item.max}
                continue
            answers[key] = value
        elif item.type == "choice":
            if raw not in {o["value"] for o in item.options}:
                errors[key] = _("Choose one of the options.")
                continue
            answers[key] = raw
        else:
            if len(raw) > item.max_length:
                errors[key] = _("At most %(max)s characters.") % {"max": item.max_length}
                continue
            if contains_personal_identity_number(raw):
                errors[key] = _("Remove the personal identity number: Fridsam must not hold it.")
                continue
            answers[key] = raw
    return answers, errors


def score(definition: Definition, answers: dict) -> Result:
    items = definition.items
    scores = {s.key: sum(items[k].points_for(answers.get(k)) for k in s.items) for s in definition.scores}
    if not definition.has_level:
        return Result(scores=scores, level="", reasons=[])
    value = scores[definition.level_score]
    level = definition.thresholds[0][1]
    for start, threshold_level in definition.thresholds:
        if value >= start:
            level = threshold_level
    label = next(s.label for s in definition.scores if s.key == definition.level_score)
    reasons = [
        ngettext("%(label)s: %(value)s point.", "%(label)s: %(value)s points.", value)
        % {"label": label, "value": value}
    ]
    order = {lv: i for i, lv in enumerate(LEVELS)}
    for members, raised in definition.raise_if_yes:
        hits = [k for k in members if answers.get(k) == "yes"]
        if hits and order[raised] > order[level]:
            level = raised
            reasons.append(
                _("“%(item)s” answered yes: at least %(level)s.")
                % {"item": items[hits[0]].text, "level": RiskLevel(raised).label}
            )
    return Result(scores=scores, level=level, reasons=reasons)
