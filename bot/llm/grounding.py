"""Checks that tie the model's output to the draft and the knowledge base.

A finding survives only if its evidence is an exact substring of the draft and its number is a
misconception we have; a citation only if the knowledge base has it. Then the offline
detector's findings are merged in: every one of them stays, so a draft that talks the model
into "this is perfect" still gets them, and a weak model cannot take a trap away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.core.knowledge import KnowledgeBase
from bot.llm.safety import defuse
from bot.llm.schemas import DraftFinding
from bot.models import Citation, Finding, Language, Review

# A quote must say something: at least this many characters and one letter.
_MIN_QUOTE = 3
_LETTER = re.compile(r"[^\W\d_]")
_QUOTE_MARKS = " \t\r\n\"'“”„«»‘’‚‹›`"


def locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Where `evidence` (less any wrapping quote marks) occurs in `text`, or None."""
    quote = evidence.strip(_QUOTE_MARKS)
    if len(quote) < _MIN_QUOTE or not _LETTER.search(quote):
        return None
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else None


def ground_findings(
    proposed: Iterable[DraftFinding], text: str, knowledge: KnowledgeBase, language: Language
) -> list[Finding]:
    """The proposed findings that quote `text` exactly, one per misconception."""
    numbers = {item.number for item in knowledge}
    kept: dict[int, Finding] = {}
    for finding in proposed:
        if finding.number not in numbers or finding.number in kept:
            continue
        span = locate(finding.evidence, text)
        if span is None:
            continue
        item = knowledge[finding.number]
        kept[finding.number] = Finding(
            number=finding.number,
            slug=item.slug,
            confidence=round(min(1.0, max(0.0, finding.confidence)), 3),
            evidence=text[span[0] : span[1]],
            start=span[0],
            end=span[1],
            advice=item.entry(language).instead,
            why=defuse(finding.why.strip(), text) or None,
            rewrite=_rewrite(finding.rewrite, text[span[0] : span[1]], text),
        )
    return list(kept.values())


def _same_words(a: str, b: str) -> bool:
    return (
        " ".join(a.strip(_QUOTE_MARKS).split()).casefold()
        == " ".join(b.strip(_QUOTE_MARKS).split()).casefold()
    )


def _rewrite(proposed: str, evidence: str, text: str) -> str | None:
    """The model's rewrite, unless it is empty or just the evidence again (no help at all)."""
    rewrite = defuse(proposed.strip(), text)
    return None if not rewrite or _same_words(rewrite, evidence) else rewrite


def merge(
    llm: list[Finding],
    offline: Review,
    supported: Callable[[Finding], bool] = lambda _: True,
) -> tuple[Finding, ...]:
    """The model's findings plus the offline ones it must not drop.

    A weak model must not make the coach worse. A trap only the model found stays only when
    its quote reads as that trap to the offline sentence model too (`supported`). Every offline
    finding stays, whatever the model says: each passed a threshold chosen out of fold, and a
    second trap beside a sure one is reported at as little as 0.45 (bot.core.decision), so "keep
    only the confident ones" (0.8, as before) let a model that missed a trap remove it. A trap
    both found keeps the model's quote and explanation with the higher confidence.
    """
    offline_numbers = {finding.number for finding in offline.findings}
    merged = {
        finding.number: finding
        for finding in llm
        if finding.number in offline_numbers or supported(finding)
    }
    for finding in offline.findings:
        ours = merged.get(finding.number)
        if ours is not None:
            if finding.confidence > ours.confidence:
                merged[finding.number] = ours.model_copy(update={"confidence": finding.confidence})
        else:
            merged[finding.number] = finding
    return tuple(merged[number] for number in sorted(merged))


def ground_citations(
    numbers: Iterable[int], knowledge: KnowledgeBase, language: Language
) -> tuple[Citation, ...]:
    known = {item.number for item in knowledge}
    unique = dict.fromkeys(n for n in numbers if n in known)
    return tuple(knowledge[n].citation(language) for n in unique)
