"""Fridsam's date formats, for both languages (ADR 0026): a date is shown and typed the Swedish
way, ÅÅÅÅ-MM-DD, in English too. ``FORMAT_MODULE_PATH`` puts these modules before Django's own
for the language; what they do not set (numbers, month names) stays the language's."""
