"""The Swedish reads right (ADR 0007): an English word with two meanings is never one msgid, and a
count is never put before a noun without the noun's plural forms.

The rules read the source (Python through its syntax tree, templates through Django's own
``templatize``, as ``makemessages`` does), so they hold before the catalogue is regenerated; the
catalogue is read with polib for the translations themselves.
"""

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR) / "fridsam"
SV = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"

# English words whose Swedish depends on what is meant: each use says which meaning with a
# context (pgettext, ``{% translate "…" context "…" %}``). "Partner" is a collaboration partner
# (samverkanspart) or a current partner in a relationship; "Number" a record's number (nummer) or
# a quantity (antal); "Adults" a unit type (Vuxen) or the adults of a household (Vuxna); "Provider"
# a protected housing (boende) or a course provider (anordnare); "Open" agrees with its noun
# (öppet ärende, öppen fråga); "Report" is a noun or a verb; "event" is an event in a record's
# history (händelse) or in the calendar (evenemang); "Answered" a status or a count of those who
# answered. "Unit" is not listed: Swedish "enhet" is both an organisational unit and a unit of
# measure.
AMBIGUOUS = {
    "Action", "action", "Adult", "Adults", "Answered", "Case", "event", "Number", "Open", "Order",
    "Partner", "Provider", "Record", "Report", "Return", "Review", "State",
}  # fmt: skip

FUNCS = {  # gettext function: (index of the context, of the msgid, of the plural)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
SINGULAR_ONLY = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}


@dataclass(frozen=True)
class Message:
    context: str | None
    msgid: str
    plural: str | None
    where: str
    function: str


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts and "tests" not in path.parts:
            yield path


def _templates():
    for path in sorted([*ROOT.rglob("*.html"), *ROOT.rglob("*.txt")]):
        if "templates" in path.parts:
            yield path


def _calls(tree, where: str):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in FUNCS:
            continue

        def arg(i, node=node):
            if i is None or i >= len(node.args):
                return None
            a = node.args[i]
            return a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None

        context, msgid, plural = (arg(i) for i in FUNCS[name])
        if msgid is not None:
            yield Message(context, msgid, plural, f"{where}:{node.lineno}", name)


LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"(?<![\w.])(n?p?gettext|_)\(((?:\s*{LITERAL}\s*,)*\s*{LITERAL})\s*(?:,\s*count)?\s*\)")


@functools.cache
def source_messages() -> tuple[Message, ...]:
    """Every translatable string of the Python code and the templates, with its context."""
    found = []
    for path in _python_files():
        found += _calls(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))
    for path in _templates():
        text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in TEMPLATE_CALL.finditer(text):
            args = [ast.literal_eval(a) for a in re.findall(LITERAL, match.group(2))]
            context, msgid, plural = (args[i] if i is not None else None for i in FUNCS[match.group(1)])
            found.append(Message(context, msgid, plural, str(path.relative_to(ROOT)), match.group(1)))
    return tuple(found)


def test_a_word_with_two_meanings_always_says_which_it_means():
    bare = sorted({f"{m.msgid!r} in {m.where}" for m in source_messages() if m.msgid in AMBIGUOUS and not m.context})
    assert bare == [], f"give these a context (pgettext / translate … context …): {bare}"


def test_every_meaning_of_such_a_word_has_its_swedish():
    po = polib.pofile(str(SV))
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    missing = sorted(
        {
            f"{m.context!r}/{m.msgid!r} ({m.where})"
            for m in source_messages()
            if m.msgid in AMBIGUOUS
            and ((m.context, m.msgid) not in entries or not entries[(m.context, m.msgid)].translated())
        }
    )
    assert missing == [], f"missing in the Swedish catalogue: {missing}"
    # One English word, one context, one meaning: two contexts of a word translated alike would
    # say the contexts are one meaning (then they should be one context).
    assert entries[("relation", "Partner")].msgstr != entries[("collaboration", "Partner")].msgstr
    assert entries[("record number", "Number")].msgstr != entries[("quantity", "Number")].msgstr


# --- counts and plural nouns -------------------------------------------------------------------

WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
IRREGULAR_PLURALS = {"children", "people", "men", "women"}
NOT_PLURALS = {"does", "always", "sometimes", "towards", "afterwards", "perhaps", "whereas", "besides"}


def looks_plural(word: str) -> bool:
    """An English plural noun, near enough: what a count before it must agree with."""
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return True
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s")) and w not in NOT_PLURALS


# Variables and placeholders that name a thing, not a count ("{{ county }} pools apartments").
NOT_COUNTS = {"name", "county", "start", "who", "when", "where", "label", "kind", "title", "organisation"}

# Between a figure and its label only inline markup: ``<span>{{ n }}</span><span>…</span>``.
INLINE_MARKUP = re.compile(r"^(\s|</?(?:span|strong|b|em|small)\b[^>]*>)*$")
TRANSLATE = re.compile(r"""^(?:translate|trans)\s+(["'])(?P<text>.*?)\1""")

# Figures whose label is no noun phrase agreeing with them.
TEMPLATE_ALLOWED = {
    # "1 / 290": a ratio of two counts, labelled with both nouns.
    ("core/templates/core/start/administrator.html", "counties / municipalities in the reference data"),
}


def counts_before_plural_nouns(source: str) -> list[tuple[int, str, str]]:
    """(line, variable, words) where a template puts a variable before a plural noun without
    ``{% blocktranslate count %}``: in running text (``{{ n }} apartments``), or as a figure and
    its translated label (``{{ n }}</span><span>{% translate "apartments …" %}``)."""
    tokens = Lexer(source).tokenize()
    found = []
    block = None  # inside a blocktranslate: "count" or "plain"
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.BLOCK:
            contents = token.contents
            if contents.startswith(("blocktranslate", "blocktrans")):
                block = "count" if re.search(r"\bcount\b", contents) else "plain"
            elif contents.startswith(("endblocktranslate", "endblocktrans")):
                block = None
            continue
        if token.token_type != TokenType.VAR or block == "count" or i + 1 >= len(tokens):
            continue
        if token.contents.split("|")[0].strip().split(".")[-1] in NOT_COUNTS:
            continue
        after = tokens[i + 1]
        if after.token_type == TokenType.TEXT:
            words = re.match(r"^[ \u00a0]+([A-Za-z][A-Za-z-]*)(?: ([A-Za-z][A-Za-z-]*))?", after.contents)
            if words and any(looks_plural(w) for w in words.groups() if w):
                found.append((token.lineno, token.contents, " ".join(w for w in words.groups() if w)))
                continue
            if not INLINE_MARKUP.match(after.contents) or i + 2 >= len(tokens):
                continue
            after = tokens[i + 2]
        if block is None and after.token_type == TokenType.BLOCK:
            label = TRANSLATE.match(after.contents)
            if label and any(looks_plural(w) for w in WORD.findall(label.group("text"))[:3]):
                found.append((token.lineno, token.contents, label.group("text")))
    return found


def test_the_template_rule_finds_a_count_before_a_plural_noun_and_nothing_else():
    assert counts_before_plural_nouns("{% load i18n %}{% blocktranslate %}{{ n }} apartments{% endblocktranslate %}")
    assert counts_before_plural_nouns('<span>{{ n }}</span><span>{% translate "apartments in the pool" %}</span>')
    assert counts_before_plural_nouns("{% blocktranslate with n=x %}{{ n }} free places{% endblocktranslate %}")
    assert not counts_before_plural_nouns(
        "{% blocktranslate count n=x %}{{ n }} apartment{% plural %}{{ n }} apartments{% endblocktranslate %}"
    )
    assert not counts_before_plural_nouns("{% blocktranslate %}{{ name }} is away{% endblocktranslate %}")
    assert not counts_before_plural_nouns('<dd>{{ x }}</dd><dt>{% translate "Goals" %}</dt>')  # a list of terms


def test_no_template_puts_a_count_before_a_plural_noun():
    found = []
    for path in _templates():
        relative = str(path.relative_to(ROOT))
        for line, variable, words in counts_before_plural_nouns(path.read_text(encoding="utf-8")):
            if (relative, words) not in TEMPLATE_ALLOWED:
                found.append(f"{relative}:{line}: {{{{ {variable} }}}} {words}")
    assert found == [], "use {% blocktranslate count n=… %}…{% plural %}…{% endblocktranslate %}: " + "; ".join(found)


PLACEHOLDER_BEFORE_WORDS = re.compile(r"%\((\w+)\)[sd]\s+([A-Za-z][A-Za-z-]*)(?:\s+([A-Za-z][A-Za-z-]*))?")
# Fixed limits, never 1 ("more than %(max)s rows": a setting).
LIMITS = {"max", "min", "minimum"}
ALLOWED_CONSTANTS = (  # counts that are constants of the code, never 1
    "Write the group's purpose: why it meets and what it should achieve (at least %(n)s characters).",
    "An address has at most %(n)s characters.",
    "Caution: one of the groups has fewer than %(n)s municipalities.",
    "Too few years to tell: the reading needs at least %(before)s years",
    "Too little data for an estimate: it needs at least %(treated)s municipalities",  # effects.MIN_TREATED
    "How the function is organised is compared when a group has at least %(n)s",  # effects.MIN_GROUP
)
# ``%(n)s`` is a count by convention; before these words it is a number in a phrase ("Page
# %(n)s of %(total)s", "Version %(n)s is published", "about %(n)s a year").
AFTER_A_NUMBER = {"of", "is", "a", "an"}


def singular_counts(messages) -> list[str]:
    """Singular-only messages (gettext, or a blocktranslate without count) that put a count
    before a plural noun, or ``%(n)s`` before any word: in Swedish the word agrees with the count
    ("1 ledig plats", "2 lediga platser"), so it needs ngettext's forms."""
    found = []
    for message in messages:
        if message.function not in SINGULAR_ONLY or message.msgid.startswith(ALLOWED_CONSTANTS):
            continue
        for match in PLACEHOLDER_BEFORE_WORDS.finditer(message.msgid):
            name, *words = match.groups()
            if name in NOT_COUNTS | LIMITS:
                continue
            if any(looks_plural(w) for w in words if w) or (name == "n" and words[0] not in AFTER_A_NUMBER):
                found.append(f"{message.where}: {message.msgid!r}")
                break
    return found


def test_the_message_rule_finds_a_count_that_needs_plural_forms():
    def message(msgid, function="_"):
        return Message(None, msgid, None, "x.py:1", function)

    assert singular_counts([message("%(n)s free (%(when)s)")])  # "1 lediga": the adjective agrees
    assert singular_counts([message("%(name)s serves %(n)s municipalities")])
    assert not singular_counts([message("%(n)s municipality", "ngettext")])
    assert not singular_counts([message("Page %(n)s of %(total)s"), message("%(name)s serves them")])


def test_a_count_before_a_noun_goes_through_ngettext():
    found = singular_counts(source_messages())
    assert found == [], f"use ngettext / blocktranslate count for these counts: {found}"
