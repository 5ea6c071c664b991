"""Each trap stated in our own words is the easiest case there is: the knowledge base's title,
misconception and every warning sign, sent as a draft on its own, must be flagged as that trap.

The cases are generated from knowledge/, so a new warning sign is tested the day it is written.
"""

from __future__ import annotations

import pytest

from bot.core.engine import OfflineEngine
from bot.core.knowledge import KnowledgeBase
from bot.core.resources import data_dir
from bot.models import LANGUAGES


def _stated() -> list[tuple[int, str, str, str]]:
    cases = []
    for item in KnowledgeBase.load(data_dir("knowledge")):
        for language in LANGUAGES:
            entry = item.entry(language)
            texts = {"title": entry.title, "misconception": entry.misconception}
            texts |= {f"warning sign {i}": s for i, s in enumerate(entry.warning_signs, 1)}
            cases += [(item.number, language, kind, text) for kind, text in texts.items()]
    return cases


STATED = _stated()


def test_every_item_contributes_its_title_misconception_and_signs() -> None:
    # 5 traps x 3 languages x (title + misconception + at least three signs)
    assert len(STATED) >= 5 * 3 * 5
    assert {(n, lang) for n, lang, _, _ in STATED} == {
        (n, g) for n in range(1, 6) for g in LANGUAGES
    }


@pytest.mark.parametrize(
    ("number", "language", "kind", "text"),
    STATED,
    ids=[f"{n}-{lang}-{kind}" for n, lang, kind, _ in STATED],
)
def test_a_stated_trap_is_flagged_as_itself(
    engine: OfflineEngine, number: int, language: str, kind: str, text: str
) -> None:
    review = engine.review(text, language)  # type: ignore[arg-type]
    found = {f.number for f in review.findings}
    assert number in found, f"trap {number} {kind} ({language}) not flagged: {text!r} → {found}"
