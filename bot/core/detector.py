"""Offline trap detector: text → findings with evidence quoted at exact offsets.

Two linear heads score the text: one judges each sentence on its own (it finds the evidence),
one judges the whole text (it sees plans whose trap lies in what is missing, such as a launch
plan with nothing about replies). A trap is reported when the blend of the best sentence and
the whole text passes that trap's threshold; the evidence is the sentence that scored highest.

The whole-text head learned from drafts of up to a dozen sentences. In a longer text (a
40,000-character plan) one trapped sentence would be drowned out by everything else, so there
it judges the passage around each trap's best sentence instead: a draft-sized window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.core.knowledge import KnowledgeBase
from bot.core.linear import Featurizer, Head, predict
from bot.core.text import Segment, segments, to_plain
from bot.models import TRAP_NUMBERS, Finding, Language

# Texts of up to this many sentences are judged whole (every training draft has at most 12);
# longer ones through windows of 2 * WINDOW_RADIUS + 1 sentences around each trap's best one.
LONGEST_WHOLE = 12
WINDOW_RADIUS = 4


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
        plains = [p.plain for p in parts]
        featurizer = self.model.featurizer
        if len(parts) <= LONGEST_WHOLE:
            vectors, joined = featurizer.vectors_and_whole(plains, language)
            per_segment = predict(self.model.sentence, vectors)
            whole = predict(self.model.whole, [joined])[0]
        else:
            per_segment = predict(self.model.sentence, featurizer.vectors(plains, language))
            whole = self._around_best(plains, per_segment, language)
        w = self.model.sentence_weight
        return Scores(w * per_segment.max(axis=0) + (1 - w) * whole, parts, per_segment)

    def _around_best(
        self, plains: list[str], per_segment: np.ndarray, language: Language
    ) -> np.ndarray:
        """Per trap, the whole-text head's score of the window around that trap's best sentence."""
        whole = np.zeros(len(TRAP_NUMBERS))
        judged: dict[int, np.ndarray] = {}  # window start -> scores (traps may share a window)
        for column in range(len(TRAP_NUMBERS)):
            start = max(0, int(per_segment[:, column].argmax()) - WINDOW_RADIUS)
            start = min(start, len(plains) - (2 * WINDOW_RADIUS + 1))
            if start not in judged:
                window = " ".join(plains[start : start + 2 * WINDOW_RADIUS + 1])
                vector = self.model.featurizer.vector(window, language)
                judged[start] = predict(self.model.whole, [vector])[0]
            whole[column] = judged[start][column]
        return whole

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
