"""Slack-aware text normalisation that keeps a map back to the original characters.

Models see a plain version of the text (mentions, links and formatting reduced to words), but
every finding must quote the *original* input at exact offsets. Each plain character therefore
remembers the span of original characters it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slack wraps mentions, channels, special mentions and links in <...>; the label after "|" is
# what people read. Entities (&amp; &lt; &gt;) are Slack's own escaping of those three chars.
_TOKEN = re.compile(
    r"<(?P<kind>[@#!]?)(?P<target>[^<>|\s]*)(?:\|(?P<label>[^<>]*))?>"
    r"|&(?P<entity>amp|lt|gt);"
    r"|(?P<emoji>:[a-z0-9_+\-']{2,40}:)"
    r"|(?m:^(?P<quote>[ \t]*(?:&gt;|>)+[ \t]?))"
    r"|(?P<fmt>(?<![\w*~`])[*~`]+|[*~`]+(?![\w*~`]))"
)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}

# A sentence ends at . ! ? … ; (possibly repeated, possibly followed by a closing quote or
# bracket) followed by whitespace, or at a line break. Bullets start new segments.
_BOUNDARY = re.compile(r"(?<=[.!?…;])[\"'”»)\]]*\s+|\n+|\s+(?=[•▪◦·]\s)|\s+[–—]\s+(?=\w)")
_BULLET = re.compile(r"^\s*(?:(?:[-*•▪◦·]|\d{1,2}[.)])\s+)+")
_LETTER = re.compile(r"[^\W\d_]")
# A full stop after these does not end a sentence (en, de, it).
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|approx|z\.\s?B|d\.\s?h|bzw|ca|usw|ggf|inkl|Nr|ecc|es|pag|sig|dott)"
    r"|\b\d{1,2}|\b[A-Z])\.$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Plain:
    """A plain rendering of a text plus, per plain char, the original span it stands for."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) covering plain characters [start, end)."""
        return self.starts[start], self.ends[end - 1]


@dataclass(frozen=True)
class Segment:
    """A sentence or bullet: its plain text and its exact span in the original input."""

    plain: str
    start: int
    end: int


def _replacement(match: re.Match[str]) -> tuple[str, bool]:
    """Plain text standing for a markup token, and whether the label keeps its own chars."""
    if match.group("entity"):
        return _ENTITIES[match.group("entity")], False
    if match.group("emoji") or match.group("quote") is not None or match.group("fmt"):
        return " ", False
    kind, target, label = match.group("kind"), match.group("target"), match.group("label")
    if kind == "@":
        return "@user", False
    if kind == "#":
        return f"#{label or 'channel'}", False
    if kind == "!":
        return _SPECIAL.get(target, label or "@group"), False
    if label:
        return label, True
    return "link", False


def to_plain(original: str) -> Plain:
    """Reduce Slack markup to readable words, remembering where each character came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0

    def keep(upto: int) -> None:
        for i in range(pos, upto):
            out.append(original[i])
            starts.append(i)
            ends.append(i + 1)

    for match in _TOKEN.finditer(original):
        keep(match.start())
        text, own_chars = _replacement(match)
        if own_chars:
            base = match.start("label")
            for i, ch in enumerate(text):
                out.append(ch)
                starts.append(base + i)
                ends.append(base + i + 1)
        else:
            for ch in text:
                out.append(ch)
                starts.append(match.start())
                ends.append(match.end())
        pos = match.end()
    keep(len(original))
    return Plain(original, "".join(out), tuple(starts), tuple(ends))


def segments(plain: Plain) -> list[Segment]:
    """Split into sentences and bullet items; each keeps its exact span in the original."""
    found: list[Segment] = []
    cursor = 0
    text = plain.text
    for boundary in [*_BOUNDARY.finditer(text), None]:
        stop = boundary.start() if boundary else len(text)
        piece = text[cursor:stop]
        if boundary and (_ABBREVIATION.search(piece) or not _LETTER.search(piece)):
            continue  # "e.g." or a list number: the sentence goes on
        bullet = _BULLET.match(piece)
        lead = bullet.end() if bullet else len(piece) - len(piece.lstrip())
        body = piece[lead:].rstrip()
        if _LETTER.search(body):
            begin = cursor + lead
            start, end = plain.span(begin, begin + len(body))
            found.append(Segment(body, start, end))
        cursor = boundary.end() if boundary else len(text)
    return found
