"""Slack mrkdwn: escaping user text and cutting long text cleanly. Pure functions.

Only &, < and > are control characters in mrkdwn; escaping them turns `<!here>`, `<@U…>` and
`<url|label>` into visible text, so user text can never ping anyone or hide a link.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_FENCE = re.compile(r"`{3,}")
_BREAKS = ("\n\n", "\n", ". ", " ")


def escape(text: str) -> str:
    """Escape the three control characters (nothing else is entity-encoded, as Slack asks)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    """User text as a block quote: escaped, every line quoted, code fences defused.

    A ``` inside quoted evidence would open a code block that swallows the rest of the message.
    """
    safe = _FENCE.sub(lambda m: "`\u200b" * len(m.group()), escape(text.strip()))
    return "\n".join(f">{line}" if line else ">" for line in safe.splitlines() or [""])


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when possible, marked with "…"."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    cut = head.rfind(" ")
    if cut > limit // 2:
        head = head[:cut]
    return _unbroken(head).rstrip() + ELLIPSIS


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at paragraphs, lines, sentences or words."""
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = _unbroken(rest[:limit]) or rest[: rest.find(";") + 1 or limit]
        found = (window.rfind(b) + len(b) for b in _BREAKS if window.rfind(b) > limit // 3)
        cut = next(found, len(window))
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


def _unbroken(text: str) -> str:
    """Never end inside an entity such as &amp; (a cut one would show as garbage)."""
    amp = text.rfind("&")
    if amp != -1 and ";" not in text[amp:] and len(text) - amp <= len("&amp;"):
        return text[:amp]
    return text
