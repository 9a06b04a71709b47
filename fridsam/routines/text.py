"""Document text: Markdown rendered safely, and a readable difference between two versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# CommonMark with tables and strikethrough; raw HTML is never passed through (it is shown as
# text), and markdown-it refuses javascript:, vbscript:, file: and data: links (except images).
_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)  # an image would be fetched from wherever it points


def _link_allowed(url: str) -> bool:
    """https, http and mailto links, anchors, and paths within Fridsam. A browser drops tabs and
    line breaks from an address and reads a backslash as a slash, so ``//host``, ``/\\host`` and
    ``/<tab>/host`` all lead to another site: they are not paths."""
    seen = re.sub(r"[\t\n\r]", "", url).strip().replace("\\", "/").lower()
    if seen.startswith(("https://", "http://", "mailto:", "#")):
        return True
    return seen.startswith("/") and not seen.startswith("//")


_md.validateLink = _link_allowed


def render_markdown(text: str, *, top_level: int = 3) -> SafeString:
    """The text as HTML. Its headings start at *top_level* (the page has its own h1 and the
    content sits under an h2), so that the page keeps one h1 and a heading order without gaps."""
    tokens = _md.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + top_level - 1)}"
    return mark_safe(_md.renderer.render(tokens, _md.options, {}))  # noqa: S308 - markdown-it escapes all HTML


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str
    html: SafeString


def diff(old: str, new: str, *, context: int = 2) -> list[list[DiffLine]]:
    """Line-by-line difference in hunks with *context* unchanged lines around each change; changed
    lines mark the changed words."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", line, escape(line)) for line in a[i1:i2]]
                continue
            removed, added = a[i1:i2], b[j1:j2]
            if tag == "replace" and len(removed) == len(added):
                for old_line, new_line in zip(removed, added, strict=True):
                    old_html, new_html = _words(old_line, new_line)
                    lines.append(DiffLine("removed", old_line, old_html))
                    lines.append(DiffLine("added", new_line, new_html))
                continue
            lines += [DiffLine("removed", line, escape(line)) for line in removed]
            lines += [DiffLine("added", line, escape(line)) for line in added]
        hunks.append(lines)
    return hunks


def _words(old: str, new: str) -> tuple[SafeString, SafeString]:
    a, b = old.split(" "), new.split(" ")
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if tag == "equal":
            old_parts.append(left)
            new_parts.append(right)
            continue
        if left:
            old_parts.append(f"<del>{left}</del>")
        if right:
            new_parts.append(f"<ins>{right}</ins>")
    # Every part was escaped above; only the <del>/<ins> marks are markup.
    return mark_safe(" ".join(old_parts)), mark_safe(" ".join(new_parts))  # noqa: S308
