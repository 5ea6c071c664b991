"""Offline trap detector: text → findings with evidence quoted at exact offsets.

Two linear heads score the text: one judges each sentence on its own (it finds the evidence),
one judges the whole text (it sees plans whose trap lies in what is missing, such as a launch
plan with nothing about replies). A trap is reported when the blend of the best sentence and
the whole text passes that trap's threshold; the evidence is the sentence that scored highest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge import KnowledgeBase
from bot.linear import Featurizer, Head, predict
from bot.models import TRAP_NUMBERS, Finding, Language
from bot.text import Segment, segments, to_plain


@dataclass(frozen=True)
class DetectorModel:
    featurizer: Featurizer
    sentence: Head  # one sigmoid output per trap
    whole: Head
    thresholds: dict[int, float]
    sentence_weight: float


@dataclass(frozen=True)
class Scores:
    blended: np.ndarray  # per trap
    parts: list[Segment]
    per_segment: np.ndarray  # (segments, traps)


class TrapDetector:
    def __init__(self, model: DetectorModel, knowledge: KnowledgeBase) -> None:
        self.model = model
        self.knowledge = knowledge

    def scores(self, text: str, language: Language) -> Scores:
        parts = segments(to_plain(text))
        if not parts:
            return Scores(np.zeros(len(TRAP_NUMBERS)), parts, np.zeros((0, len(TRAP_NUMBERS))))
        vectors, joined = self.model.featurizer.vectors_and_whole(
            [p.plain for p in parts], language
        )
        per_segment = predict(self.model.sentence, vectors)
        whole = predict(self.model.whole, [joined])[0]
        w = self.model.sentence_weight
        return Scores(w * per_segment.max(axis=0) + (1 - w) * whole, parts, per_segment)

    def detect(self, text: str, language: Language) -> tuple[Finding, ...]:
        scores = self.scores(text, language)
        findings = []
        for column, number in enumerate(TRAP_NUMBERS):
            confidence = float(scores.blended[column])
            if confidence < self.model.thresholds[number]:
                continue
            best = scores.parts[int(scores.per_segment[:, column].argmax())]
            item = self.knowledge[number]
            findings.append(
                Finding(
                    number=number,
                    slug=item.slug,
                    confidence=round(confidence, 3),
                    evidence=text[best.start : best.end],
                    start=best.start,
                    end=best.end,
                    advice=item.entry(language).instead,
                )
            )
        return tuple(findings)
