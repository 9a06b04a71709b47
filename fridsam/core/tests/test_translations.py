"""Every user-facing string has its Swedish translation, and the compiled catalogue is current."""

import gettext
from pathlib import Path

import polib
from django.conf import settings

SV = Path(settings.BASE_DIR) / "fridsam" / "locale" / "sv" / "LC_MESSAGES"


def test_every_string_is_translated_to_swedish():
    po = polib.pofile(str(SV / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == [], f"missing Swedish translations: {untranslated}"
    assert fuzzy == [], f"fuzzy translations: {fuzzy}"


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(SV / "django.po"))
    with open(SV / "django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            got = (
                mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                if entry.msgctxt
                else mo.ngettext(entry.msgid, entry.msgid_plural, 2)
            )
            assert got == entry.msgstr_plural[1], f"django.mo is stale for {entry.msgid!r}: run make messages"
        else:
            got = mo.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else mo.gettext(entry.msgid)
            assert got == entry.msgstr, f"django.mo is stale for {entry.msgid!r}: run make messages"
